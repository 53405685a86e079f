"""Alerting end to end: the real streamprobe binary -> a real Prometheus loading
rules/*.rules.yml -> a real Alertmanager with deploy/alertmanager/alertmanager.yml.

Unit tests (rules/tests, tests/rules/test_rules.py) prove each rule against
hand-written series; this suite proves the rules match what the binary really
exports (names, labels, reasons) and that the inhibitions turn the report's
incidents into the right pages:

  * cluster "incident": every Doris FE/BE name unresolvable (the report's pods in
    ImagePullBackOff) and a Kafka Connect worker with nothing listening. Pages:
    DorisFrontendDown{reason="dns"} per FE, KafkaConnectClusterUnavailable. Suppressed:
    DorisBackendDown (also dns), the Doris cluster view, the per-worker alert,
    StreamprobeTargetNeverSucceeded.
  * cluster "nomaster": the Doris simulator with live FEs but no master. Pages
    DorisNoMaster (an FE that exists but is sick does not inhibit the cluster view).
  * cluster "report" (own stack, real ZooKeeper, Kafka 3.9 and Kafka Connect from the
    harness): the report's whole incident. A leftover deployment holds broker ids 1 and
    2 in the shared chroot (the expected brokers exit with NodeExistsException), every
    Doris FE/BE name is unresolvable, a declared connector was never created. The
    webhook receiver gets exactly KafkaBrokerIdRegisteredByForeignHost for ids 1 and 2
    (naming both hosts, saying not to delete the znode), DorisFrontendDown and
    KafkaConnectDeclaredConnectorMissing; the rest is inhibited.
  * cluster "zk" (own stack, a real 3-member ZooKeeper ensemble): two members killed.
    Pages ZookeeperQuorumLost once, listing each member with its reason; the
    per-member alerts and ZookeeperNoLeader are suppressed.
  * cluster "streaming": the Flink simulator with a declared job FAILED, one with a
    stale checkpoint and one never submitted; the Schema Registry simulator failing
    its store-backed endpoints with error_code 50001.

Only the `for:` durations are shortened (to 2 s) in a temporary copy of the rules;
expressions, labels and annotations are the shipped ones. Needs prometheus and
prometheus-alertmanager (Debian packages) and STREAMPROBE_BIN.
"""
import json
import pathlib
import sys
import time
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "sim"))

from harness.alerting import AlertStack, am_alerts, get_json, prom_value, tool  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.connect import ConnectCluster  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.streamprobe import Streamprobe, default_binary  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402
from simctl import DorisSim, FlinkSim, SchemaRegistrySim  # noqa: E402

UNRESOLVABLE = ["doris-fe-0.doris-fe.data-platform.svc.invalid:8030",
                "doris-fe-1.doris-fe.data-platform.svc.invalid:8030"]
UNRESOLVABLE_BE = "doris-be-0.doris-be.data-platform.svc.invalid:8040"


def stack_for(tmp, address):
    try:
        tool("prometheus"), tool("prometheus-alertmanager")
    except FileNotFoundError as e:
        pytest.skip(str(e))
    return AlertStack(tmp, address)


def wait(what, check, timeout=60, interval=0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except OSError as e:
            last = e
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {what}; last: {last}")


@pytest.fixture(scope="module")
def doris_sim():
    with DorisSim(fe=2, be=1) as sim:
        sim.set_scenario(masters=[])
        yield sim


@pytest.fixture(scope="module")
def flink_sim():
    with FlinkSim() as sim:
        sim.set_scenario(jobs=[{"name": "orders-enrichment", "state": "FAILED"},
                               {"name": "clickstream-sessionizer", "checkpoint_age_s": 3600}])
        yield sim


@pytest.fixture(scope="module")
def registry_sim():
    with SchemaRegistrySim() as sim:
        sim.set_scenario(error_code=50001)
        yield sim


@pytest.fixture(scope="module")
def stack(tmp_path_factory, doris_sim, flink_sim, registry_sim):
    tmp = tmp_path_factory.mktemp("alerting")
    closed_port = free_port()
    password = tmp / "doris-password"
    password.write_text("")
    fe_sim = [u.removeprefix("http://") for u in doris_sim.fe_urls]
    be_sim = [u.removeprefix("http://") for u in doris_sim.be_urls]
    config = f"""
defaults: {{interval: 1s, timeout: 800ms}}
clusters:
  - name: incident
    doris:
      fe: {json.dumps(UNRESOLVABLE)}
      be: ["{UNRESOLVABLE_BE}"]
    kafka_connect:
      workers: ["http://127.0.0.1:{closed_port}"]
  - name: nomaster
    doris:
      fe: {json.dumps(fe_sim)}
      be: {json.dumps(be_sim)}
      basic_auth: {{user: root, password: {{file: {password}}}}}
  - name: streaming
    flink:
      jobmanager: {flink_sim.url}
      expected_jobs: [orders-enrichment, clickstream-sessionizer, never-submitted]
      checkpoint_stale_after: 10m
    schema_registry:
      urls: ["{registry_sim.url}"]
"""
    try:
        default_binary()
    except FileNotFoundError:
        pytest.skip("streamprobe binary not found: set STREAMPROBE_BIN")
    sp = Streamprobe(config)
    try:
        with stack_for(tmp, f"{sp.host}:{sp.port}") as stack:
            yield stack
    finally:
        sp.stop()


def by_key(alerts):
    return {(a["labels"]["alertname"], a["labels"].get("target", "")): a for a in alerts}


def test_rules_load_without_errors(stack):
    groups = get_json(f"{stack['prom']}/api/v1/rules")["data"]["groups"]
    assert {g["name"] for g in groups} >= {"streamprobe", "zookeeper", "kafka", "kafka_connect",
                                           "schema_registry", "doris", "flink"}
    broken = [r["name"] for g in groups for r in g["rules"] if r.get("health") == "err"]
    assert not broken


def test_image_pull_backoff_pages_frontend_down_with_reason_dns(stack):
    want = {("DorisFrontendDown", fe) for fe in UNRESOLVABLE} | {
        ("DorisBackendDown", UNRESOLVABLE_BE),
        ("DorisClusterViewUnavailable", "cluster"),
        ("KafkaConnectClusterUnavailable", "connectors")}
    alerts = wait("incident alerts in Alertmanager",
                  lambda: (lambda got: got if want <= set(got) else None)(by_key(am_alerts(stack, "incident"))),
                  timeout=90)
    for fe in UNRESOLVABLE:
        a = alerts[("DorisFrontendDown", fe)]
        assert a["labels"]["reason"] == "dns"
        assert a["labels"]["severity"] == "critical"
        assert a["status"]["state"] == "active"
        assert "pod never started" in a["annotations"]["description"]
        assert "ImagePullBackOff" in a["annotations"]["description"]
        assert a["annotations"]["runbook_url"].endswith("/docs/runbooks/DorisFrontendDown.md")
    assert alerts[("KafkaConnectClusterUnavailable", "connectors")]["status"]["state"] == "active"


def test_consequences_are_suppressed(stack):
    def settled():
        got = by_key(am_alerts(stack, "incident"))
        needed = [("DorisClusterViewUnavailable", "cluster"), ("DorisBackendDown", None),
                  ("KafkaConnectWorkerDown", None),
                  ("StreamprobeTargetNeverSucceeded", None)]
        names = {k[0] for k in got}
        if not all(n in names for n, _ in needed):
            return None
        return got
    alerts = wait("consequence alerts", settled, timeout=90)
    assert alerts[("DorisClusterViewUnavailable", "cluster")]["status"]["state"] == "suppressed"
    assert alerts[("DorisBackendDown", UNRESOLVABLE_BE)]["status"]["state"] == "suppressed"
    for (name, target), a in alerts.items():
        if name in ("KafkaConnectWorkerDown", "StreamprobeTargetNeverSucceeded"):
            assert a["status"]["state"] == "suppressed", (name, target, a["status"])
    paging = sorted(k for k, a in alerts.items() if a["status"]["state"] == "active")
    assert paging == sorted([("KafkaConnectClusterUnavailable", "connectors"),
                             *[("DorisFrontendDown", fe) for fe in UNRESOLVABLE]])


def test_no_master_pages_when_frontends_exist(stack):
    alerts = wait("DorisNoMaster", lambda: (lambda got: got if ("DorisNoMaster", "") in got else None)(
        by_key(am_alerts(stack, "nomaster"))), timeout=90)
    assert alerts[("DorisNoMaster", "")]["status"]["state"] == "active"
    assert not any(name == "DorisFrontendDown" for name, _ in alerts)


def test_flink_and_schema_registry_pages_name_the_cause(stack, flink_sim, registry_sim):
    want = {("FlinkJobNotRunning", "orders-enrichment"), ("FlinkExpectedJobMissing", "never-submitted"),
            ("FlinkCheckpointStale", "clickstream-sessionizer"), ("SchemaRegistryDown", registry_sim.url)}

    def got():
        alerts = {(a["labels"]["alertname"], a["labels"].get("flink_job") if a["labels"]["alertname"].startswith("Flink")
                   else a["labels"].get("target")): a for a in am_alerts(stack, "streaming")}
        return alerts if want <= set(alerts) else None
    alerts = wait("Flink and Schema Registry alerts", got, timeout=90)
    not_running = alerts[("FlinkJobNotRunning", "orders-enrichment")]
    assert "its state is FAILED" in " ".join(not_running["annotations"]["description"].split())
    registry = alerts[("SchemaRegistryDown", registry_sim.url)]
    assert "error_code 50001" in registry["annotations"]["description"]
    assert all(a["status"]["state"] == "active" for a in alerts.values() if a["labels"]["severity"] == "critical")


@pytest.fixture(scope="module")
def report_incident(tmp_path_factory):
    """The deployment report's incident, all in one platform cluster "report": a leftover
    deployment (127.0.0.201/.202) holds broker ids 1 and 2 in the shared chroot, so the
    expected brokers 1 and 2 (127.0.0.11/.12) exit with NodeExistsException beside the
    expected broker 3; every Doris FE and BE name unresolvable (pods in ImagePullBackOff);
    a healthy Kafka Connect worker (real, against broker 3) on which a declared connector
    was never created."""
    try:
        default_binary()
    except FileNotFoundError:
        pytest.skip("streamprobe binary not found: set STREAMPROBE_BIN")
    tmp = tmp_path_factory.mktemp("report-incident")
    stop = []
    try:
        zk = ZooKeeperEnsemble(size=1)
        stop.append(zk)
        leftover = KafkaZkCluster(zk, broker_ids=[1, 2], hosts=["127.0.0.201", "127.0.0.202"],
                                  name="leftover")
        stop.append(leftover)
        main = KafkaZkCluster(zk, broker_ids=[3], hosts=["127.0.0.13"], name="main")
        stop.append(main)
        expected = [main.start_extra_broker(i, f"127.0.0.1{i}") for i in (1, 2)]
        connect = ConnectCluster(main.broker(3).bootstrap, workers=1)
        stop.append(connect)
        sp = Streamprobe(f"""
defaults: {{interval: 1s, timeout: 900ms}}
clusters:
  - name: report
    kafka:
      bootstrap: ["{main.broker(3).bootstrap}"]
      zookeeper: {{connect: "{zk.connect_string}", chroot: /kafka}}
      expected_brokers: {{ids: [1, 2, 3], host_pattern: "127.0.0.1{{id}}"}}
    kafka_connect:
      workers: ["{connect.workers[0].url}"]
      expected_connectors: [orders-jdbc-sink]
    doris:
      fe: {json.dumps(UNRESOLVABLE)}
      be: ["{UNRESOLVABLE_BE}"]
""")
        stop.append(sp)
        with stack_for(tmp, f"{sp.host}:{sp.port}") as stack:
            yield stack, expected
    finally:
        for server in reversed(stop):
            server.stop()


REPORT_ROOT_CAUSES = {
    ("KafkaBrokerIdRegisteredByForeignHost", "1"),
    ("KafkaBrokerIdRegisteredByForeignHost", "2"),
    *{("DorisFrontendDown", fe) for fe in UNRESOLVABLE},
    ("KafkaConnectDeclaredConnectorMissing", "orders-jdbc-sink"),
}


def test_report_incident_notifies_exactly_its_three_root_causes(report_incident):
    """Notifications at the receiver: exactly the report's three root causes (the two
    foreign registrations, the Doris FEs that never started, the connector never
    created); everything that follows from them is inhibited, nothing else fires."""
    stack, _ = report_incident
    webhook = stack["webhook"]
    wait("the three root causes notified",
         lambda: REPORT_ROOT_CAUSES <= webhook.firing("report") or None, timeout=120)
    # The consequences exist in Alertmanager (so they were evaluated) and are suppressed.
    alerts = {a["labels"]["alertname"]: a for a in am_alerts(stack, "report")
              if a["labels"]["alertname"] in ("DorisBackendDown", "DorisClusterViewUnavailable")}
    assert alerts and all(a["status"]["state"] == "suppressed" for a in alerts.values()), alerts
    # Nothing else is notified while several more evaluation and group intervals pass.
    end = time.monotonic() + 10
    while time.monotonic() < end:
        extra = webhook.firing("report") - REPORT_ROOT_CAUSES
        assert not extra, f"notified beyond the root causes: {sorted(extra)}"
        time.sleep(0.5)


def test_broker_id_held_by_live_foreign_host_pages_with_both_hosts(report_incident):
    stack, expected = report_incident
    key = ("KafkaBrokerIdRegisteredByForeignHost", "2")

    def got():
        alerts = {(a["labels"]["alertname"], a["labels"].get("broker_id", "")): a
                  for a in am_alerts(stack, "report")}
        return alerts if key in alerts else None
    alerts = wait("KafkaBrokerIdRegisteredByForeignHost for broker 2", got, timeout=120)
    alert = alerts[key]
    text = " ".join(alert["annotations"]["description"].split())
    assert alert["status"]["state"] == "active"
    assert alert["labels"]["severity"] == "critical"
    assert "registered by 127.0.0.202:" in text
    assert "instead of 127.0.0.12," in text
    assert "Do NOT delete /brokers/ids/2" in text
    assert ("KafkaExpectedBrokerMissing", "2") not in alerts
    assert ("KafkaBrokerRegistrationStale", "2") not in alerts
    # The incident is real: the expected brokers 1 and 2 could not register.
    for broker in expected:
        broker.wait_exit(60)
        assert broker.log_contains("NodeExists")


def grafana_expand(expr):
    """A panel query as Grafana sends it with every variable at "All"."""
    for var in ("$cluster", "$namespace", "$job", "$instance"):
        expr = expr.replace(var, ".*")
    return expr.replace("$__rate_interval", "1m")


def test_dashboard_queries_run_on_real_metrics(stack):
    """Every dashboard query runs on Prometheus fed by the real binary; the overview's
    failing-targets table and the Doris/Flink panels show the scenario."""
    results = {}
    for path in sorted((ROOT / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for t in panel["targets"]:
                expr = grafana_expand(t["expr"])
                url = f"{stack['prom']}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
                body = get_json(url)
                assert body["status"] == "success", (path.name, panel["title"], body)
                results[(path.stem, panel["title"])] = body["data"]["result"]
    failing = results[("overview", "Failing targets and their reason")]
    reasons = {(r["metric"]["cluster"], r["metric"]["reason"]) for r in failing}
    assert ("incident", "dns") in reasons and ("incident", "refused") in reasons
    assert results[("doris", "Masters")], "Doris masters stat is empty"
    states = {(r["metric"]["flink_job"], r["metric"]["state"]) for r in results[("flink", "Job states")]}
    assert ("orders-enrichment", "FAILED") in states


@pytest.fixture(scope="module")
def zk_quorum(tmp_path_factory):
    try:
        default_binary()
    except FileNotFoundError:
        pytest.skip("streamprobe binary not found: set STREAMPROBE_BIN")
    tmp = tmp_path_factory.mktemp("zk-quorum")
    stop = []
    try:
        zk = ZooKeeperEnsemble(size=3)
        stop.append(zk)
        members = json.dumps([m.address for m in zk.members])
        sp = Streamprobe(f"""
defaults: {{interval: 1s, timeout: 800ms}}
clusters:
  - name: zk
    zookeeper:
      members: {members}
""")
        stop.append(sp)
        with stack_for(tmp, f"{sp.host}:{sp.port}") as stack:
            yield stack, zk
    finally:
        for server in reversed(stop):
            server.stop()


def test_zookeeper_quorum_loss_pages_once(zk_quorum):
    stack, zk = zk_quorum
    wait("quorum held", lambda: prom_value(stack, 'streamprobe_zookeeper_ensemble_quorum{cluster="zk"}') == 1)
    assert not am_alerts(stack, "zk")
    leader = zk.leader()
    follower = next(m for m in zk.members if m is not leader)
    survivor = next(m for m in zk.members if m is not leader and m is not follower)
    leader.kill9()
    follower.kill9()

    def got():
        alerts = by_key(am_alerts(stack, "zk"))
        names = {name for name, _ in alerts}
        return alerts if {"ZookeeperQuorumLost", "ZookeeperMemberDown", "ZookeeperNoLeader"} <= names \
            and sum(name == "ZookeeperMemberDown" for name, _ in alerts) == 3 else None
    alerts = wait("ZooKeeper quorum-loss alerts", got, timeout=90)
    lost = alerts[("ZookeeperQuorumLost", "")]
    assert lost["status"]["state"] == "active"
    text = " ".join(lost["annotations"]["description"].split())
    assert f"{leader.address} (refused)" in text and f"{follower.address} (refused)" in text
    assert f"{survivor.address} (not_serving)" in text
    for (name, target), a in alerts.items():
        if name != "ZookeeperQuorumLost":
            assert a["status"]["state"] == "suppressed", (name, target)
