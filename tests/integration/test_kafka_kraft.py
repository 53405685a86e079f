"""The KRaft controller quorum (system "kafka_kraft") against real Kafka controllers.

One KafkaKraftCluster (Kafka 4.1: 3 controllers, 1 broker) for the module. streamprobe
probes every controller (ApiVersions + DescribeQuorum v1) each second; its view is
compared with Kafka's own `kafka-metadata-quorum describe --status` (MetadataQuorumCommand).
Then scenario 6 of the alert catalogue end to end, through a real Prometheus with the
shipped rules (every `for:` divided by 20) and a real Alertmanager with the shipped
routes and inhibitions: one controller stopped -> exactly KafkaKraftQuorumAtRisk; a
second stopped -> exactly KafkaKraftQuorumLost; both back -> quiet. Tests that stop
controllers start them again before they return.
"""
import json
import re
import socket

import pytest

from harness.alerting import AlertStack, Scenarios, am_alerts, tool
from harness.kraft import KafkaKraftCluster
from harness.ports import free_port
from harness.tools import KafkaTools

CLUSTER = "kq"
FOR_DIVISOR = 20
SHOW = ("streamprobe_kafka_kraft_", "streamprobe_probe_failure_reason", "streamprobe_probe_success")


@pytest.fixture(scope="module")
def kraft3():
    cluster = KafkaKraftCluster(controllers=3, brokers=1)
    try:
        yield cluster
    finally:
        cluster.stop()


def config(cluster, controllers=None):
    controllers = controllers or [c.bootstrap for c in cluster.controllers]
    return f"""
defaults: {{interval: 1s, timeout: 900ms}}
clusters:
  - name: {CLUSTER}
    kafka:
      bootstrap: [{cluster.bootstrap_servers}]
      kraft:
        controllers: {json.dumps(controllers)}
"""


def quorum_status(cluster):
    """Kafka's own view: `kafka-metadata-quorum --bootstrap-controller ... describe --status`."""
    text = KafkaTools(cluster.bootstrap_servers, jars=cluster.jars).run(
        "metadata-quorum", ["--bootstrap-controller", ",".join(c.bootstrap for c in cluster.controllers),
                            "describe", "--status"])
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", text, re.M))

    def ids(value):
        return sorted(int(i) for i in re.findall(r'"id":\s*(\d+)', value)) or json.loads(value)
    return {"leader": int(fields["LeaderId"]), "epoch": int(fields["LeaderEpoch"]),
            "high_watermark": int(fields["HighWatermark"]), "voters": ids(fields["CurrentVoters"]),
            "observers": ids(fields["CurrentObservers"])}


def healthy(s, voters=3):
    return (s.value("streamprobe_kafka_kraft_quorum", cluster=CLUSTER) == 1
            and s.value("streamprobe_kafka_kraft_quorum_voters_caught_up", cluster=CLUSTER) == voters)


def leader_node(cluster, s):
    leader_id = int(s.value("streamprobe_kafka_kraft_quorum_leader_id", cluster=CLUSTER))
    return cluster.node(leader_id)


def test_quorum_matches_kafka_metadata_quorum_tool(kraft3, streamprobe_factory):
    sp = streamprobe_factory(config(kraft3))
    before = sp.wait_for(healthy, timeout=60, what="quorum of 3 caught-up voters", show=SHOW)
    truth = quorum_status(kraft3)
    assert before.value("streamprobe_kafka_kraft_quorum_leader_id", cluster=CLUSTER) == truth["leader"]
    assert before.value("streamprobe_kafka_kraft_quorum_leader_epoch", cluster=CLUSTER) == truth["epoch"]
    voters = sorted(int(x.labels["voter_id"]) for x in
                    before.samples("streamprobe_kafka_kraft_quorum_voter_caught_up", cluster=CLUSTER))
    assert voters == truth["voters"] == [c.node_id for c in kraft3.controllers]
    assert before.value("streamprobe_kafka_kraft_quorum_observers", cluster=CLUSTER) == len(truth["observers"])
    assert before.value("streamprobe_kafka_kraft_quorum_high_watermark", cluster=CLUSTER) <= truth["high_watermark"]
    # the leader commits a NoOp record every 500 ms: streamprobe sees the high watermark move past the tool's
    sp.wait_for(lambda s: s.value("streamprobe_kafka_kraft_quorum_high_watermark", cluster=CLUSTER)
                > truth["high_watermark"], timeout=30, what="high watermark advancing", show=SHOW)
    s = sp.scrape()
    for c in kraft3.controllers:
        assert s.reason("kafka_kraft", c.bootstrap, cluster=CLUSTER) == "none"
        assert s.value("streamprobe_kafka_kraft_controller_leader", cluster=CLUSTER,
                       controller=c.bootstrap) == (1 if c.node_id == truth["leader"] else 0)
    assert s.value("streamprobe_kafka_kraft_quorum_commit_age_seconds", cluster=CLUSTER) < 5


def test_broker_listener_and_dead_endpoints_fail_with_their_reason(kraft3, streamprobe_factory):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts into the backlog, never answers
    silent_ep, closed_ep = f"127.0.0.1:{silent.getsockname()[1]}", f"127.0.0.1:{free_port()}"
    broker_ep = kraft3.brokers[0].bootstrap
    try:
        sp = streamprobe_factory(config(kraft3))
        leader = leader_node(kraft3, sp.wait_for(healthy, timeout=60, what="healthy quorum", show=SHOW))
        sp.write_config(config(kraft3, [leader.bootstrap, broker_ep, closed_ep, silent_ep]))
        assert sp.reload().status_code == 200
        want = {leader.bootstrap: "none", broker_ep: "other", closed_ep: "refused", silent_ep: "timeout"}
        s = sp.wait_for(lambda s: all(s.reason("kafka_kraft", ep, cluster=CLUSTER) == r for ep, r in want.items()),
                        timeout=30, what=f"reasons {want}", show=SHOW)
        assert s.value("streamprobe_kafka_kraft_quorum_controllers_configured", cluster=CLUSTER) == 4
        assert s.value("streamprobe_kafka_kraft_quorum_controllers_up", cluster=CLUSTER) == 1
        assert s.value("streamprobe_kafka_kraft_quorum", cluster=CLUSTER) == 1  # voters come from the leader
        targets = {t["target"]: t for t in sp.get("/api/v1/targets").json()["targets"] if t["system"] == "kafka_kraft"}
        assert "broker listener" in targets[broker_ep]["detail"]
        assert sp.get("/metrics", timeout=2).elapsed.total_seconds() < 1  # never waits on the silent one
    finally:
        silent.close()


def test_controllers_stopped_page_at_risk_then_lost(kraft3, streamprobe_factory, tmp_path):
    try:
        tool("prometheus"), tool("prometheus-alertmanager")
    except FileNotFoundError as e:
        pytest.skip(str(e))
    sp = streamprobe_factory(config(kraft3))
    s = sp.wait_for(healthy, timeout=60, what="healthy quorum", show=SHOW)
    leader = leader_node(kraft3, s)
    follower = next(c for c in kraft3.controllers if c is not leader)
    with AlertStack(tmp_path, f"{sp.host}:{sp.port}", for_divisor=FOR_DIVISOR) as stack:
        steps = Scenarios(stack)
        try:
            steps.wait_quiet(CLUSTER)
            steps.expect(CLUSTER, follower.stop, {("KafkaKraftQuorumAtRisk", "")})
            risk = next(a for a in am_alerts(stack, CLUSTER) if a["labels"]["alertname"] == "KafkaKraftQuorumAtRisk")
            text = risk["annotations"]["description"]
            assert "Only 2 of 3 voters" in text and f"Voters not caught up: {follower.node_id}." in text
            assert f"{follower.bootstrap} (refused)" in text

            steps.expect(CLUSTER, leader.stop, {("KafkaKraftQuorumLost", "")})
            lost = next(a for a in am_alerts(stack, CLUSTER) if a["labels"]["alertname"] == "KafkaKraftQuorumLost")
            text = lost["annotations"]["description"]
            assert "no controller answers as leader" in text
            assert all(f"{c.bootstrap} (refused)" in text for c in (leader, follower)), text
        finally:
            for c in (follower, leader):
                if not c.running:
                    c.start()
        sp.wait_for(healthy, timeout=90, what="quorum back with 3 caught-up voters", show=SHOW)
        steps.wait_quiet(CLUSTER)
