"""Integration tests of the kafka backend against real clusters (harness fixtures).

Order matters: non-destructive scenarios first; each destructive one restores the
cluster before it returns (the incident uses its own chroot and deployments).
Reference truth: the Kafka command-line tools from the same jars (harness.tools).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness.jars import JarSet  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402

INTERVAL = "1s"
SHOW = ("streamprobe_kafka_", "streamprobe_probe_")


def zk_config(cluster, chroot=None, ids=(1, 2, 3), name="zk", bootstrap=None):
    """A streamprobe config for a ZooKeeper-mode cluster whose broker <id> lives on
    127.0.0.<x><id> (the harness gives each cluster a block of ten addresses)."""
    pattern = cluster.broker(ids[0]).host[:-len(str(ids[0]))] + "{id}"
    return f"""
clusters:
  - name: {name}
    kafka:
      interval: {INTERVAL}
      timeout: {INTERVAL}
      bootstrap: [{bootstrap or cluster.bootstrap_servers.split(',')[-1]}]
      zookeeper: {{connect: "{cluster.ensemble.connect_string}", chroot: {chroot or cluster.chroot}, session_timeout: 10s}}
      expected_brokers: {{ids: [{', '.join(str(i) for i in ids)}], host_pattern: "{pattern}"}}
      consumer_groups: {{per_partition: true}}
"""


def promtool_clean(text):
    """`promtool check metrics` reports nothing for the kafka families (skipped without promtool)."""
    if shutil.which("promtool") is None:
        return
    kafka = "\n".join(line for line in text.splitlines() if "streamprobe_kafka_" in line) + "\n"
    out = subprocess.run(["promtool", "check", "metrics"], input=kafka, capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip() and not out.stderr.strip(), out.stdout + out.stderr


def state(scrape, broker_id, cluster="zk"):
    """The registration state with value 1 for ``broker_id``, or None."""
    for s in scrape.samples("streamprobe_kafka_broker_registration_state", cluster=cluster,
                            broker_id=str(broker_id)):
        if s.value == 1:
            return s.labels["state"]
    return None


@pytest.fixture(scope="module")
def zk_tools(kafka_zk):
    return KafkaTools(kafka_zk.bootstrap_servers)


@pytest.fixture(scope="module")
def zk_probe(kafka_zk):
    """One streamprobe for the module's ZooKeeper-mode scenarios (started on first use)."""
    from harness.streamprobe import Streamprobe, default_binary
    try:
        default_binary()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    sp = Streamprobe(zk_config(kafka_zk))
    yield sp
    sp.stop()


# --------------------------------------------------------------------------- 1. healthy
def test_healthy_zk_cluster_three_expected_registered_in_metadata(kafka_zk, zk_tools, zk_probe):
    zk_tools.create_topic("healthy", partitions=3, replication_factor=3)
    s = zk_probe.wait_for(
        lambda s: s.value("streamprobe_kafka_brokers_by_registration_state", cluster="zk", state="ok") == 3
        and (s.value("streamprobe_kafka_partitions", cluster="zk") or 0) >= 3,
        timeout=30, what="3 brokers ok", show=SHOW)
    for bid in (1, 2, 3):
        assert state(s, bid) == "ok"
        assert s.value("streamprobe_kafka_broker_expected", cluster="zk", broker_id=bid) == 1
        assert s.value("streamprobe_kafka_broker_registered", cluster="zk", broker_id=bid) == 1
        assert s.value("streamprobe_kafka_broker_in_metadata", cluster="zk", broker_id=bid) == 1
        assert s.value("streamprobe_kafka_broker_reachable", cluster="zk", broker_id=bid) == 1
    assert s.value("streamprobe_kafka_metadata_brokers", cluster="zk") == 3
    assert s.value("streamprobe_kafka_partitions_offline", cluster="zk") == 0
    assert s.value("streamprobe_kafka_partitions_under_replicated", cluster="zk") == 0
    assert s.value("streamprobe_probe_success", cluster="zk", system="kafka") == 1
    info = s.samples("streamprobe_kafka_cluster_info", cluster="zk")
    assert len(info) == 1 and info[0].labels["mode"] == "zookeeper" and info[0].labels["cluster_id"]
    assert zk_tools.broker_ids() == [1, 2, 3]
    promtool_clean(s.text)


# --------------------------------------------------------------------------- 5. lag
def test_consumer_lag_equals_kafka_consumer_groups(zk_tools, zk_probe):
    n, m = 30, 12
    zk_tools.create_topic("lagging", partitions=3, replication_factor=3)
    zk_tools.produce("lagging", [f"m{i}" for i in range(n)])
    zk_tools.consume("lagging", group="lag-group", max_messages=m)
    truth = zk_tools.consumer_groups_describe("lag-group")
    assert sum(r["log_end_offset"] for r in truth) == n
    assert sum(r["lag"] for r in truth) == n - m

    def matches(s):
        for r in truth:
            got = s.value("streamprobe_kafka_consumer_group_partition_lag", cluster="zk",
                          group="lag-group", topic="lagging", partition=r["partition"])
            if got != r["lag"]:
                return False
        return s.value("streamprobe_kafka_consumer_group_lag", cluster="zk", group="lag-group") == n - m

    s = zk_probe.wait_for(matches, timeout=30, what="lag equal to kafka-consumer-groups", show=SHOW)
    assert s.value("streamprobe_kafka_consumer_group_topic_lag", cluster="zk", group="lag-group",
                   topic="lagging") == n - m
    assert s.value("streamprobe_kafka_consumer_group_members", cluster="zk", group="lag-group") == 0
    assert s.value("streamprobe_kafka_consumer_group_state", cluster="zk", group="lag-group",
                   state="empty") == 1
    assert s.value("streamprobe_kafka_consumer_group_series_dropped", cluster="zk") == 0
    promtool_clean(s.text)


# --------------------------------------------------------------------------- 4. broker down
def test_broker_down_under_replicated_equals_kafka_topics(kafka_zk, zk_tools, zk_probe):
    zk_tools.create_topic("urp", partitions=6, replication_factor=3)
    victim = kafka_zk.broker(3)
    victim.stop()
    try:
        tools = KafkaTools(kafka_zk.running_bootstrap_servers())
        s = None
        for _ in range(5):
            expected = len(tools.describe_under_replicated())
            if expected == 0:
                time.sleep(1)
                continue
            try:
                s = zk_probe.wait_for(
                    lambda s: s.value("streamprobe_kafka_partitions_under_replicated", cluster="zk") == expected,
                    timeout=10, what=f"{expected} under-replicated partitions", show=SHOW)
            except Exception:  # noqa: BLE001 - the truth may still be moving: ask again
                continue
            if len(tools.describe_under_replicated()) == expected:
                break
            s = None
        assert s is not None, "streamprobe never agreed with kafka-topics --under-replicated-partitions"
        assert expected > 0
        assert state(s, 3) in ("missing", "metadata_disagreement")
        assert s.value("streamprobe_kafka_broker_registered", cluster="zk", broker_id=3) == 0
    finally:
        victim.start(wait=False)
        kafka_zk.wait_ready([3])
    zk_probe.wait_for(lambda s: state(s, 3) == "ok", timeout=60, what="broker 3 back", show=SHOW)


# --------------------------------------------------------------------------- 3. kill -9
def test_kill9_then_restart_reports_stale_registration_then_recovers(kafka_zk, zk_probe):
    victim = kafka_zk.broker(2)
    seen = []
    victim.kill9()
    killed_at = time.monotonic()
    victim.start(wait=False)  # at once: finds its own old registration
    s = zk_probe.wait_for(lambda s: state(s, 2) == "stale", timeout=15,
                          what="broker 2 registration stale", show=SHOW)
    seen.append(("stale", time.monotonic() - killed_at))
    assert s.value("streamprobe_kafka_broker_registered", cluster="zk", broker_id=2) == 1
    assert s.value("streamprobe_kafka_broker_reachable", cluster="zk", broker_id=2) == 0
    try:
        code = victim.wait_exit(60)
    except Exception:  # noqa: BLE001 - it registered after the old session expired
        code = None
    if code is not None:
        assert code == 1
        assert victim.log_contains("NodeExistsException")
        assert seen[0][0] == "stale"  # named before the restarted broker gave up
        kafka_zk.wait_broker_unregistered(2, timeout=30)  # the old session expired
        victim.start(wait=False)
    else:
        warnings.warn("the restarted broker registered after the old session expired; "
                      "the NodeExistsException window was not hit on this machine")
    kafka_zk.wait_ready([2])
    zk_probe.wait_for(lambda s: state(s, 2) == "ok", timeout=60, what="broker 2 ok again", show=SHOW)


# --------------------------------------------------------------------------- 2. the incident
def test_incident_ids_held_by_leftover_deployment_live_host_mismatch(zk_ensemble, streamprobe_factory):
    leftover = KafkaZkCluster(zk_ensemble, broker_ids=[1, 2], hosts=["127.0.0.231", "127.0.0.232"],
                              chroot="/incident", name="leftover")
    expected = KafkaZkCluster(zk_ensemble, brokers=3, chroot="/incident", name="expected",
                              hosts=["127.0.0.221", "127.0.0.222", "127.0.0.223"], wait=False)
    try:
        for bid in (1, 2):
            assert expected.broker(bid).wait_exit(90) == 1
            assert expected.broker(bid).log_contains("NodeExistsException")
        expected.wait_ready([3])
        sp = streamprobe_factory(zk_config(expected, name="incident",
                                           bootstrap=expected.broker(3).bootstrap))
        s = sp.wait_for(lambda s: state(s, 1, "incident") == "host_mismatch"
                        and state(s, 2, "incident") == "host_mismatch"
                        and state(s, 3, "incident") == "ok",
                        timeout=40, what="ids 1 and 2 registered from foreign live hosts", show=SHOW)
        for bid, foreign in ((1, "127.0.0.231"), (2, "127.0.0.232")):
            info = s.samples("streamprobe_kafka_broker_registration_info", cluster="incident",
                             broker_id=str(bid))
            assert info[0].labels["host"] == foreign
            assert info[0].labels["expected_host"] == f"127.0.0.22{bid}"
            # live: deleting /brokers/ids/<id> would be wrong
            assert s.value("streamprobe_kafka_broker_reachable", cluster="incident", broker_id=bid) == 1
        assert s.value("streamprobe_kafka_brokers_by_registration_state", cluster="incident",
                       state="host_mismatch") == 2
        assert_status_names_the_foreign_hosts(sp)
        assert_check_and_diagnose_name_the_incident(sp)
    finally:
        expected.stop()
        leftover.stop()


def assert_status_names_the_foreign_hosts(sp):
    """/api/v1/status: the Kafka brokers row is 1/3 with the foreign hosts as its cause."""
    status = sp.get("/api/v1/status").json()
    row = next(c for c in status["components"] if c["component"] == "kafka_brokers")
    assert (row["expected"], row["ready"], row["status"]) == (3, 1, "degraded"), row
    assert row["cause"] == ("id 1 (127.0.0.231), id 2 (127.0.0.232): registered by a live foreign "
                            "broker, not the expected host; do not delete the znodes"), row
    assert row["runbook_url"].endswith("/KafkaBrokerIdRegisteredByForeignHost.md")
    page = sp.get("/").text
    assert "id 1 (127.0.0.231), id 2 (127.0.0.232): registered by a live foreign broker" in page


def assert_check_and_diagnose_name_the_incident(sp):
    """`check` exits 1 (degraded) with the cause; `diagnose kafka-registration` calls ids 1
    and 2 foreign with their ZooKeeper sessions, id 3 live, and offers no delete."""
    check = subprocess.run([sp.binary, "check", f"--config.file={sp.config_path}", "--output=json"],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 1, check.stdout + check.stderr
    row = next(c for c in json.loads(check.stdout)["components"] if c["component"] == "kafka_brokers")
    assert row["ready"] == 1 and "127.0.0.231" in row["cause"], row
    table = subprocess.run([sp.binary, "check", f"--config.file={sp.config_path}"],
                           capture_output=True, text=True, timeout=60)
    assert table.returncode == 1 and "Kafka brokers 1/3" in table.stdout, table.stdout
    assert "\033[" not in table.stdout  # no colour when not on a terminal
    diag = subprocess.run([sp.binary, "diagnose", "kafka-registration",
                           f"--config.file={sp.config_path}"], capture_output=True, text=True, timeout=60)
    assert diag.returncode == 1, diag.stdout + diag.stderr
    lines = {line.split()[1]: line for line in diag.stdout.splitlines() if line.startswith("id ")}
    assert lines["1"].split()[2] == "foreign" and "127.0.0.231" in lines["1"], diag.stdout
    assert lines["2"].split()[2] == "foreign" and "127.0.0.232" in lines["2"], diag.stdout
    assert lines["3"].split()[2] == "live", diag.stdout
    assert "Do NOT delete /incident/brokers/ids/1" in diag.stdout
    assert " delete /incident/brokers/ids/" not in diag.stdout.replace("Do NOT delete", "")
    assert re.search(r"grep -i 'sid=0x[0-9a-f]+'", diag.stdout), diag.stdout


def test_two_listeners_bootstrapped_on_external_agree(zk_ensemble, streamprobe_factory):
    """Brokers registered with INTERNAL (listed first) and EXTERNAL listeners, streamprobe
    bootstrapped on EXTERNAL: registrations are compared with metadata, and reachability
    checked, on EXTERNAL, so every broker is ok (not metadata_disagreement)."""
    cluster = KafkaZkCluster(zk_ensemble, brokers=2, chroot="/listeners", name="listeners",
                             two_listeners=True)
    try:
        external = cluster.broker(2).external_bootstrap
        sp = streamprobe_factory(zk_config(cluster, ids=(1, 2), name="listeners",
                                           bootstrap=external))
        s = sp.wait_for(lambda s: s.value("streamprobe_kafka_brokers_by_registration_state",
                                          cluster="listeners", state="ok") == 2,
                        timeout=40, what="both brokers ok on EXTERNAL", show=SHOW)
        for bid in (1, 2):
            info = s.samples("streamprobe_kafka_broker_registration_info", cluster="listeners",
                             broker_id=str(bid))
            assert info and info[0].labels["listener"] == "EXTERNAL", info
            assert info[0].labels["port"] == str(cluster.broker(bid).external_port)
            assert s.value("streamprobe_kafka_broker_reachable", cluster="listeners", broker_id=bid) == 1
        rounds = s.value("streamprobe_probe_rounds_total", cluster="listeners", system="kafka")
        s = sp.wait_for(lambda s: s.value("streamprobe_probe_rounds_total", cluster="listeners",
                                          system="kafka") >= rounds + 3,
                        timeout=20, what="three more rounds", show=SHOW)
        assert s.value("streamprobe_kafka_brokers_by_registration_state", cluster="listeners",
                       state="metadata_disagreement") in (None, 0)
    finally:
        cluster.stop()


# --------------------------------------------------------------------------- 6. KRaft
def test_kraft_brokers_partitions_and_stopped_broker(kraft, streamprobe_factory):
    tools = KafkaTools(kraft.bootstrap_servers, JarSet("kafka4"))
    tools.create_topic("kr", partitions=4, replication_factor=2)
    ids = [b.node_id for b in kraft.brokers]
    sp = streamprobe_factory(f"""
clusters:
  - name: kr
    kafka:
      interval: {INTERVAL}
      timeout: {INTERVAL}
      bootstrap: [{kraft.bootstrap_servers}]
      expected_brokers: {{ids: [{', '.join(map(str, ids))}]}}
""")
    truth = tools.describe_topics("kr")
    s = sp.wait_for(lambda s: s.value("streamprobe_kafka_brokers_by_registration_state", cluster="kr",
                                      state="ok") == len(ids), timeout=30, what="kraft brokers ok", show=SHOW)
    assert s.value("streamprobe_kafka_metadata_brokers", cluster="kr") == len(ids)
    assert s.value("streamprobe_kafka_partitions_offline", cluster="kr") == 0
    assert s.value("streamprobe_kafka_zookeeper_registry_success", cluster="kr") is None
    info = s.samples("streamprobe_kafka_cluster_info", cluster="kr")
    assert info[0].labels["mode"] == "kraft" and info[0].labels["cluster_id"] == kraft.cluster_id
    assert len(truth) == 4
    assert s.value("streamprobe_kafka_metadata_controller_id", cluster="kr") in ids

    victim = kraft.brokers[-1]
    victim.stop()
    stopped = time.monotonic()
    try:
        sp.wait_for(lambda s: state(s, victim.node_id, "kr") in ("missing", "unreachable"),
                    timeout=30, what="stopped kraft broker reported", show=SHOW)
        # broker.session.timeout.ms (6 s) fences it; then two intervals at most
        assert time.monotonic() - stopped < 6 + 2 * 1 + 3
    finally:
        victim.start()
    sp.wait_for(lambda s: state(s, victim.node_id, "kr") == "ok", timeout=60,
                what="kraft broker back", show=SHOW)
