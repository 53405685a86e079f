"""The scenario catalogue, end to end: each fault injected into real systems (or the
Doris/Flink/Schema Registry simulators) while the real streamprobe binary is scraped by a
real Prometheus with the shipped rules and a real Alertmanager with the shipped routes and
inhibitions; the assertion is the **exact set of notifications** at a webhook receiver
(alertname + the subject: broker id, connector/task, Flink job or target).

Three clusters in one streamprobe:
  * "platform": ZooKeeper (3 voters + 1 observer), Kafka 3.9 in ZooKeeper mode (brokers
    1-3, expected, topic `orders` RF 3, topic `scratch` RF 1 on broker 3, a canary topic),
    Kafka Connect (2 workers, a FileStream source running).
  * "edge": the Schema Registry, Doris (3 FE, 3 BE) and Flink simulators.
  * "lag": the same Kafka cluster seen only for consumer group `reports` (which "platform"
    does not select), two messages behind on topic `backlog` from the start: scenario 7a,
    whose threshold is real time (600 s of lag, not scaled), is checked last. The broker
    scenarios also show in "lag" (same brokers); only its final state is asserted.

Durations: every shipped `for:` divided by 20 (1m -> 3s, 5m -> 15s), scrape and
evaluation every 1 s, probes every 1 s, group_wait/group_interval 1 s. With the shipped
settings each notification takes `for` plus up to two scrape intervals plus group_wait
(10 s critical, 30 s otherwise); the ratios between the rules are kept, so the same
alerts win the same races (a broker's stale registration pages before its
under-replication would).

Order: the platform must be quiet first; while the "edge" scenarios run, the platform is
watched for STREAMPROBE_QUIET_MINUTES (default 5) and must notify nothing but
StreamprobeWatchdog; then the platform's own scenarios, each healed and quiet again
before the next. Needs prometheus, prometheus-alertmanager (Debian packages) and
STREAMPROBE_BIN.
"""
import json
import os
import pathlib
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "sim"))

from harness.alerting import AlertStack, Scenarios, am_alerts, prom_value, tool  # noqa: E402
from harness.connect import ConnectCluster  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.streamprobe import Streamprobe, default_binary  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402
from harness.wait import wait_until  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402
from simctl import DorisSim, FlinkSim, SchemaRegistrySim  # noqa: E402

QUIET_MINUTES = float(os.environ.get("STREAMPROBE_QUIET_MINUTES", "5"))
FOR_DIVISOR = 20
CANARY = "streamprobe-canary"
LAG_GROUP, LAG_TOPIC = "reports", "backlog"
LAG_THRESHOLD_S = 600  # KafkaConsumerGroupLagHigh's expression (`for:` is scaled, this is not)
LAG_SECONDS = f'streamprobe_kafka_consumer_group_lag_seconds{{cluster="lag",group="{LAG_GROUP}"}}'
WATCHDOG = ("StreamprobeWatchdog", "")


class Platform(Scenarios):
    """Everything the module started, and the scenario steps over its alert stack."""

    def __init__(self, stack, zk, kafka, connect, tools, registry, doris, flink):
        super().__init__(stack)
        self.zk, self.kafka, self.connect, self.tools = zk, kafka, connect, tools
        self.registry, self.doris, self.flink = registry, doris, flink
        self.quiet_from = None  # (webhook mark, monotonic time) of the quiet watch
        self.lag_from = None    # (webhook mark, monotonic time) when `reports` fell behind


def host_pattern(kafka):
    """expected_brokers.host_pattern for the harness's hosts (127.0.0.<base><id>)."""
    pattern = kafka.broker(1).host[:-1] + "{id}"
    assert all(pattern.replace("{id}", str(b.broker_id)) == b.host for b in kafka.brokers)
    return pattern


def streamprobe_config(zk, kafka, connect, registry, doris, flink, password_file):
    fe = [u.removeprefix("http://") for u in doris.fe_urls]
    be = [u.removeprefix("http://") for u in doris.be_urls]
    return f"""
defaults: {{interval: 1s, timeout: 900ms}}
clusters:
  - name: platform
    zookeeper:
      members: {json.dumps([m.address for m in zk.members])}
    kafka:
      bootstrap: {json.dumps(kafka.bootstrap_servers.split(","))}
      zookeeper: {{connect: "{zk.connect_string}", chroot: /kafka}}
      expected_brokers: {{ids: [1, 2, 3], host_pattern: "{host_pattern(kafka)}"}}
      canary: {{topic: {CANARY}}}
      consumer_groups: {{deny: "^{LAG_GROUP}$"}}
    kafka_connect:
      workers: {json.dumps([w.url for w in connect.workers])}
  - name: edge
    schema_registry:
      urls: ["{registry.url}"]
    doris:
      fe: {json.dumps(fe)}
      be: {json.dumps(be)}
      basic_auth: {{user: root, password: {{file: {password_file}}}}}
    flink:
      jobmanager: {flink.url}
      expected_jobs: [orders-etl]
      checkpoint_stale_after: 10m
  - name: lag
    kafka:
      bootstrap: {json.dumps(kafka.bootstrap_servers.split(","))}
      consumer_groups: {{allow: "^{LAG_GROUP}$"}}
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    try:
        default_binary()
        tool("prometheus"), tool("prometheus-alertmanager")
    except FileNotFoundError as e:
        pytest.skip(str(e))
    tmp = tmp_path_factory.mktemp("catalogue")
    stop = []
    try:
        registry = SchemaRegistrySim()
        stop.append(registry.__enter__())
        doris = DorisSim(fe=3, be=3)
        stop.append(doris.__enter__())
        flink = FlinkSim()
        stop.append(flink.__enter__())
        zk = ZooKeeperEnsemble(size=3, observers=1)
        stop.append(zk)
        kafka = KafkaZkCluster(zk, brokers=3, chroot="/kafka", name="catalogue")
        stop.append(kafka)
        tools = KafkaTools(kafka.bootstrap_servers)
        tools.create_topic("orders", partitions=3, replication_factor=3, configs={"min.insync.replicas": 2})
        tools.create_topic("scratch", partitions=1, replica_assignment="3")
        # led by broker 1: the broker kill -9 scenario (broker 3) is about registrations and
        # partitions, not a canary whose leader it happened to be (placement is random)
        tools.create_topic(CANARY, replica_assignment="1:2:3")
        tools.create_topic(LAG_TOPIC, replica_assignment="1:2:3")
        tools.produce(LAG_TOPIC, ["r1", "r2", "r3"])
        tools.consume(LAG_TOPIC, group=LAG_GROUP, max_messages=3)
        connect = ConnectCluster(kafka.bootstrap_servers, workers=2)
        stop.append(connect)
        source = os.path.join(connect.files_dir, "orders.txt")
        pathlib.Path(source).write_text("order-1\norder-2\n")
        connect.create_file_source("orders-file-source", source, "orders")
        connect.wait_task_state("orders-file-source", 0, "RUNNING")
        password = tmp / "doris-password"
        password.write_text("")
        sp = Streamprobe(streamprobe_config(zk, kafka, connect, registry, doris, flink, password))
        stop.append(sp)
        sp.wait_for(lambda s: s.value("streamprobe_kafka_consumer_group_lag", cluster="lag", group=LAG_GROUP) == 0,
                    60, what="group reports caught up")
        tools.produce(LAG_TOPIC, ["r4", "r5"])  # from here on `reports` is behind
        lag_began = time.monotonic()
        alert_stack = AlertStack(tmp, f"{sp.host}:{sp.port}", for_divisor=FOR_DIVISOR)
        stack = alert_stack.__enter__()
        stop.append(type("StackStop", (), {"stop": lambda self: alert_stack.__exit__()})())
        p = Platform(stack, zk, kafka, connect, tools, registry, doris, flink)
        p.lag_from = (p.webhook.mark(), lag_began)
        wait_until(lambda: prom_value(stack, 'min(streamprobe_probe_success{cluster=~"platform|edge|lag"})') == 1,
                   180, interval=1, what="every target succeeding",
                   describe=lambda: str(prom_value(stack, 'count(streamprobe_probe_success == 0)')))
        p.wait_quiet("platform")
        p.wait_quiet("edge")
        yield p
    finally:
        for server in reversed(stop):
            server.stop()


def heal(step, p, cluster):
    """Run `step`, then wait for `cluster` to be quiet again."""
    step()
    p.wait_quiet(cluster)


# ------------------------------------------------------------ the quiet watch begins
def test_00_healthy_platform_watch_begins(platform):
    platform.quiet_from = (platform.webhook.mark(), time.monotonic())
    assert not platform.alerts("platform")


# ------------------------------------------------------------ "edge" (simulators)
def test_10_schema_registry_down(platform):
    p = platform
    try:
        p.expect("edge", lambda: p.registry.set_scenario(html=True, html_status=503),
                 {("SchemaRegistryDown", p.registry.url)})
    finally:
        heal(p.registry.reset, p, "edge")


def test_11_doris_master_lost(platform):
    p = platform
    try:
        p.expect("edge", lambda: p.doris.set_scenario(masters=[]), {("DorisNoMaster", "")})
    finally:
        heal(p.doris.reset, p, "edge")


def test_11b_doris_backend_heartbeat_stale(platform):
    p = platform
    be = p.doris.be_urls[1].removeprefix("http://")
    try:
        p.expect("edge", lambda: p.doris.set_scenario(stale_heartbeat_bes=[1]),
                 {("DorisBackendHeartbeatStale", be)})
    finally:
        heal(p.doris.reset, p, "edge")


def test_12_flink_checkpoint_stale(platform):
    p = platform
    try:
        p.expect("edge", lambda: p.flink.set_scenario(jobs=[{"name": "orders-etl", "checkpoint_age_s": 3600}]),
                 {("FlinkCheckpointStale", "orders-etl")})
    finally:
        heal(p.flink.reset, p, "edge")


def test_12b_flink_job_restarting(platform):
    p = platform
    try:
        p.expect("edge", lambda: p.flink.set_scenario(jobs=[{"name": "orders-etl", "state": "RESTARTING"}]),
                 {("FlinkJobNotRunning", "orders-etl")})
    finally:
        heal(p.flink.reset, p, "edge")


def test_13_own_target_timing_out(platform):
    """The JobManager hangs: streamprobe's flink target times out; the target's alert
    pages with reason timeout, the job alerts that follow from it are inhibited."""
    p = platform
    try:
        p.expect("edge", lambda: p.flink.set_scenario(hang=True), {("FlinkJobManagerDown", p.flink.url.removeprefix("http://"))})
        alert = next(a for a in am_alerts(p.stack, "edge") if a["labels"]["alertname"] == "FlinkJobManagerDown")
        assert alert["labels"]["reason"] == "timeout"
    finally:
        heal(p.flink.reset, p, "edge")


# ------------------------------------------------------------ the quiet watch ends
def test_14_healthy_platform_notifies_nothing_but_the_watchdog(platform):
    p = platform
    assert p.quiet_from, "the watch did not begin"
    mark, began = p.quiet_from
    remaining = QUIET_MINUTES * 60 - (time.monotonic() - began)
    end = time.monotonic() + max(0.0, remaining)
    while time.monotonic() < end:
        assert not p.webhook.firing("platform", mark), sorted(p.webhook.firing("platform", mark))
        time.sleep(1)
    assert not p.webhook.firing("platform", mark)
    assert WATCHDOG in p.webhook.firing(None, mark)


# ------------------------------------------------------------ "platform" (real systems)
def test_04_zookeeper_observer_stopped(platform):
    """An observer does not vote: its loss is a member alert (warning), no quorum page."""
    p = platform
    observer = p.zk.observers[0]
    try:
        p.expect("platform", observer.stop, {("ZookeeperMemberDown", observer.address)})
        assert prom_value(p.stack, 'streamprobe_zookeeper_ensemble_quorum{cluster="platform"}') == 1
    finally:
        heal(lambda: (observer.start(wait=False), p.zk.wait_for_quorum(90, require_all=True)), p, "platform")


def test_03_zookeeper_leader_loss_reelects_without_a_page(platform):
    p = platform
    leader = p.zk.leader()
    try:
        p.expect("platform", leader.kill9, {("ZookeeperMemberDown", leader.address)})
        assert p.zk.leader() not in (None, leader)
    finally:
        heal(lambda: (leader.start(wait=False), p.zk.wait_for_quorum(90, require_all=True)), p, "platform")


def test_02_05_broker_killed_stale_then_missing_and_rf1_offline(platform):
    """kill -9 broker 3: within the ZooKeeper session timeout its registration is stale
    (registered, endpoint dead), then missing; the RF=1 topic on it goes offline; the
    under-replication of `orders` is inhibited by the broker alerts (rule 1b)."""
    p = platform
    broker = p.kafka.broker(3)
    want = {("KafkaExpectedBrokerMissing", "3"), ("KafkaOfflinePartitions", "")}
    try:
        # Stale pages only when the old session outlives its `for` plus a group_wait
        # (10 s session timeout here; on a loaded machine it may not): allowed, not required.
        # The stale state itself is proved on the real system in test_kafka.py.
        p.expect("platform", broker.kill9, want, timeout=120, allowed={("KafkaBrokerRegistrationStale", "3")},
                 suppressed={("KafkaUnderReplicatedPartitions", "")})
    finally:
        def restart():
            p.kafka.wait_broker_unregistered(3, timeout=60)
            broker.start(wait=False)
            p.kafka.wait_ready([3])
        heal(restart, p, "platform")


def test_08_connector_task_failed(platform):
    """A sink whose file cannot be opened: the task alert with connector and task labels;
    the connector itself runs and the `connectors` target succeeds (no cluster alert)."""
    p = platform
    name = "orders-file-sink"

    def create():
        p.connect.rest("PUT", f"/connectors/{name}/config", {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1", "topics": "orders", "file": "/nonexistent-dir/orders.out"})
    try:
        p.expect("platform", create, {("KafkaConnectTaskFailed", f"{name}/0")})
    finally:
        heal(lambda: p.connect.rest("DELETE", f"/connectors/{name}"), p, "platform")


def test_09_connect_worker_killed(platform):
    """The worker alert only: its tasks move to the other worker (the unassigned-tasks
    alert, if it fires during the rebalance delay, is inhibited by rule 5)."""
    p = platform
    worker = p.connect.workers[1]
    try:
        p.expect("platform", worker.kill9, {("KafkaConnectWorkerDown", worker.url)})
        p.connect.wait_task_state("orders-file-source", 0, "RUNNING", timeout=60)
    finally:
        heal(lambda: worker.start(wait=True), p, "platform")


def test_07_canary_failing(platform):
    """The canary topic refuses every message (max.message.bytes=1): only the canary
    alert; brokers, partitions and groups are fine."""
    p = platform

    def limit(value):
        return lambda: p.tools.run("configs", ["--bootstrap-server", p.tools.bootstrap, "--alter",
                                               "--entity-type", "topics", "--entity-name", CANARY,
                                               "--add-config" if value else "--delete-config",
                                               f"max.message.bytes={value}" if value else "max.message.bytes"])
    try:
        p.expect("platform", limit(1), {("KafkaCanaryFailing", "")})
    finally:
        heal(limit(None), p, "platform")


def test_03b_zookeeper_quorum_lost_pages_once(platform):
    """Two of three voters stopped (the observer and one follower keep running): one
    critical page; the member alerts and every Kafka registration alert are inhibited."""
    p = platform
    leader = p.zk.leader()
    follower = next(m for m in p.zk.followers())
    stopped = [leader, follower]
    try:
        p.expect("platform", lambda: [m.stop() for m in stopped], {("ZookeeperQuorumLost", "")},
                 suppressed={("ZookeeperMemberDown", leader.address), ("ZookeeperMemberDown", follower.address)})
    finally:
        def restart():
            for m in stopped:
                m.start(wait=False)
            p.zk.wait_for_quorum(90, require_all=True)
            p.kafka.wait_ready()
        heal(restart, p, "platform")


# ------------------------------------------------------------ "lag" (real time, last)
def test_07a_consumer_lag_growing_pages_for_the_group(platform):
    """Group `reports` has been two messages behind since the module began: once the oldest
    unconsumed message is 600 s old (real time; the broker and ZooKeeper outages in
    between must not restart that clock) KafkaConsumerGroupLagHigh pages for the group,
    and it is the only alert of cluster "lag"."""
    p = platform
    mark, began = p.lag_from
    key = ("KafkaConsumerGroupLagHigh", LAG_GROUP)
    remaining = LAG_THRESHOLD_S - (time.monotonic() - began)
    wait_until(lambda: key in p.webhook.firing("lag", mark), max(0.0, remaining) + 90, interval=1,
               what="KafkaConsumerGroupLagHigh for group reports",
               describe=lambda: f"lag_seconds {prom_value(p.stack, LAG_SECONDS)}; alertmanager: {p.alerts('lag')}")
    behind = time.monotonic() - began
    assert behind >= LAG_THRESHOLD_S
    seconds = prom_value(p.stack, LAG_SECONDS)
    print(f"lag_seconds {seconds:.0f} s when notified, {behind:.0f} s after the group fell behind")
    assert LAG_THRESHOLD_S <= seconds <= behind + 5
    wait_until(lambda: p.alerts("lag") == {key: "active"}, 60, interval=1, what="the lag alert alone",
               describe=lambda: str(p.alerts("lag")))
    assert p.alerts("platform") == {}


# ------------------------------------------------------------ the dashboards, on all of it
# Panels that cannot have data on this platform, and why.
NO_DATA_HERE = {
    ("kafka", "KRaft quorum"): "ZooKeeper-mode Kafka: no KRaft controllers to watch",
    ("kafka", "KRaft voters caught up"): "ZooKeeper-mode Kafka",
    ("kafka", "KRaft voters"): "ZooKeeper-mode Kafka",
    ("kafka", "KRaft leader"): "ZooKeeper-mode Kafka",
    ("kafka", "KRaft controller targets up/down"): "ZooKeeper-mode Kafka",
    ("kafka", "KRaft controller targets failing now, with reason"): "ZooKeeper-mode Kafka",
    ("kafka", "KRaft voter lag"): "ZooKeeper-mode Kafka",
    ("kafka", "KRaft commit age"): "ZooKeeper-mode Kafka",
    ("doris", "SQL query values"): "no Doris sql block (the simulator has no MySQL port)",
    ("doris", "SQL query duration"): "no Doris sql block",
    ("zookeeper", "Znode checks"): "no znode_checks configured",
    ("kafka_connect", "Declared connectors"): "no expected_connectors configured",
    ("kafka_connect", "Declared connectors missing"): "no expected_connectors configured",
    ("kafka_connect", "Plugins missing"): "no expected_plugins configured",
    ("schema_registry", "Error bodies"): "no scenario here answers an error body "
                                         "(test_alerting.py's registry does, error_code 50001)",
    # The zookeeper block reads Kafka's znodes only with kafka_chroot; here the kafka
    # block reads the registry (chroot /kafka) and the ZooKeeper dashboard's Kafka panels stay empty.
    ("zookeeper", "Kafka broker registrations"): "zookeeper block without kafka_chroot",
    ("zookeeper", "Kafka controller"): "zookeeper block without kafka_chroot",
    ("zookeeper", "Kafka controller present"): "zookeeper block without kafka_chroot",
    ("zookeeper", "Pending topic deletions"): "zookeeper block without kafka_chroot",
    ("zookeeper", "ISR change backlog"): "zookeeper block without kafka_chroot",
}


def test_99_every_dashboard_panel_returns_data(platform):
    """Every panel of the shipped dashboards (as the chart and kustomize ship them), its
    variables at "All" and $__rate_interval at 1m, queried over the whole module (healthy
    platform and every scenario above) returns data: names, labels and matchers, the
    job and instance ones included, fit what the binary exports."""
    import urllib.parse
    from harness.alerting import get_json
    # A step of 1 s over the last hour (the module runs about 11 minutes): a failure
    # that lasted a few seconds (the JobManager hang of test_13 pages after a for: of
    # 6 s) falls between the points of a coarser step and its panel would read empty.
    end = time.time()
    start = end - 3600
    empty, failed = [], []
    for path in sorted((ROOT / "deploy" / "mixin" / "rendered" / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for t in panel["targets"]:
                expr = t["expr"]
                for var in ("$cluster", "$namespace", "$job", "$instance"):
                    expr = expr.replace(var, ".*")
                expr = expr.replace("$__rate_interval", "1m")
                query = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": 1})
                body = get_json(f"{platform.stack['prom']}/api/v1/query_range?{query}", timeout=30)
                key = (path.stem, panel["title"])
                if body["status"] != "success":
                    failed.append((key, body))
                elif not body["data"]["result"] and key not in NO_DATA_HERE:
                    empty.append((key, expr))
    assert not failed, failed
    assert not empty, "panels without data:\n" + "\n".join(f"{k}: {e}" for k, e in empty)
