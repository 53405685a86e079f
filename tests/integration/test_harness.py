"""Self-tests of the integration harness (tests/harness/harness): each system starts, answers,
and its failure controls behave as the streamprobe tests will rely on."""
import json
import os
import time

import pytest

from harness import rdkafka_check
from harness.jars import JarSet
from harness.streamprobe import Streamprobe
from harness.tools import KafkaTools

FAKE_BINARY = os.path.join(os.path.dirname(__file__), "..", "harness", "fake_streamprobe.py")


# ------------------------------------------------------------------ ZooKeeper
def test_ensemble_has_exactly_one_leader(zk_ensemble):
    modes = sorted(m.mode() for m in zk_ensemble.members)
    assert modes == ["follower", "follower", "leader"]
    leader = zk_ensemble.leader()
    status, body = leader.admin("monitor")
    assert status == 200
    assert json.loads(body)["server_state"] == "leader"
    assert leader.four_letter("ruok") == b"imok"


def test_killing_the_leader_elects_a_new_one(zk_ensemble):
    old = zk_ensemble.leader()
    old.kill9()
    t0 = time.monotonic()
    new = zk_ensemble.wait_for_quorum(timeout=30)
    elected_after = time.monotonic() - t0
    assert new.myid != old.myid
    assert new.mode() == "leader"
    old.start()  # restore the shared ensemble: same ports and data dir
    zk_ensemble.wait_for_quorum(timeout=30)
    assert old.mode() == "follower"
    assert elected_after < 30


# ------------------------------------------------------------------ Kafka (ZooKeeper mode)
def test_brokers_register_on_distinct_loopback_addresses(kafka_zk, zk_ensemble):
    assert kafka_zk.registered_ids() == [1, 2, 3]
    assert len({b.host for b in kafka_zk.brokers}) == 3
    with kafka_zk.zk() as zk:
        for b in kafka_zk.brokers:
            data, stat = zk.get(f"/brokers/ids/{b.broker_id}")
            assert json.loads(data)["endpoints"] == [b.endpoint]
            assert stat.ephemeral_owner != 0
    timeout = kafka_zk.brokers[0].negotiated_session_timeout_ms
    assert timeout == 6000
    assert zk_ensemble.min_session_timeout_ms <= timeout <= zk_ensemble.max_session_timeout_ms


def test_duplicate_broker_id_exits_with_node_exists(kafka_zk):
    original = kafka_zk.broker(2).endpoint
    extra = kafka_zk.start_extra_broker(2, "127.0.0.99")
    assert extra.wait_exit(90) == 1
    assert extra.log_contains("NodeExistsException")
    assert extra.log_contains("Error while creating ephemeral at /brokers/ids/2, node already exists")
    with kafka_zk.zk() as zk:
        assert json.loads(zk.get("/brokers/ids/2")[0])["endpoints"] == [original]


def test_leftover_deployment_takes_the_ids_of_the_expected_brokers(zk_ensemble):
    from harness.kafka import KafkaZkCluster
    leftover = KafkaZkCluster(zk_ensemble, broker_ids=[1, 2], hosts=["127.0.0.31", "127.0.0.32"],
                              chroot="/incident", name="leftover")
    expected = KafkaZkCluster(zk_ensemble, brokers=3, chroot="/incident", name="expected",
                              hosts=["127.0.0.41", "127.0.0.42", "127.0.0.43"], wait=False)
    try:
        assert expected.broker(1).wait_exit(90) == 1
        assert expected.broker(2).wait_exit(90) == 1
        assert expected.broker(1).log_contains("NodeExistsException")
        expected.wait_ready(broker_ids=[3])
        with expected.zk() as zk:
            hosts = {i: json.loads(zk.get(f"/brokers/ids/{i}")[0])["host"] for i in (1, 2, 3)}
        assert hosts == {1: "127.0.0.31", 2: "127.0.0.32", 3: "127.0.0.43"}
    finally:
        expected.stop()
        leftover.stop()


def test_tools_report_lag_and_under_replication(kafka_zk):
    tools = KafkaTools(kafka_zk.bootstrap_servers)
    tools.create_topic("harness-lag", partitions=1, replication_factor=3)
    tools.produce("harness-lag", ["m1", "m2", "m3", "m4"], key="k")
    assert tools.consume("harness-lag", group="harness-group", max_messages=2) == ["m1", "m2"]
    rows = tools.consumer_groups_describe("harness-group")
    assert [(r["topic"], r["partition"], r["current_offset"], r["log_end_offset"], r["lag"]) for r in rows] \
        == [("harness-lag", 0, 2, 4, 2)]
    assert tools.describe_under_replicated("harness-lag") == []


# ------------------------------------------------------------------ Kafka KRaft
def test_kraft_metadata_shows_two_brokers(kraft):
    ids = KafkaTools(kraft.bootstrap_servers, JarSet("kafka4")).broker_ids()
    assert ids == [b.node_id for b in kraft.brokers]
    assert len(ids) >= 2


@pytest.mark.skipif(not rdkafka_check.available(), reason="cc or librdkafka-dev missing")
def test_librdkafka_works_against_kraft(kraft):
    rc, steps, out, err = rdkafka_check.run(kraft.bootstrap_servers, "harness-rdkafka", "harness-rdkafka-group")
    assert rc == 0, f"{out}\n{err}"
    assert all(ok for ok, _ in steps.values()), out
    assert steps["metadata"][1].startswith(f"{len(kraft.brokers)} brokers")


# ------------------------------------------------------------------ Kafka Connect
def test_connect_workers_answer_with_cluster_id(connect, kafka_zk):
    with kafka_zk.zk() as zk:
        cluster_id = json.loads(zk.get("/cluster/id")[0])["id"]
    for w in connect.workers:
        r = w.rest("GET", "/")
        assert r.status_code == 200
        assert r.json()["kafka_cluster_id"] == cluster_id
        assert w.rest("GET", "/health").json()["status"] == "healthy"


# ------------------------------------------------------------------ MariaDB
def test_mariadb_answers_select_1(mariadb):
    assert mariadb.execute("SELECT 1") == [("1",)]
    assert mariadb.execute("SELECT DATABASE()") == [(mariadb.database,)]


# ------------------------------------------------------------------ streamprobe wrapper
def test_streamprobe_wrapper_against_a_fake_binary():
    sp = Streamprobe("first\n", binary=FAKE_BINARY)
    try:
        assert sp.value("fake_config_info", text="first") == 1
        sp.write_config("second\n")
        assert sp.reload().status_code == 200
        sp.wait_for(lambda s: s.value("fake_config_info", text="second") == 1, timeout=10)
        sp.sighup()
        sp.wait_for(lambda s: s.value("fake_config_reloads_total") == 2, timeout=10)
        with pytest.raises(AssertionError, match="fake_config_info"):
            sp.wait_for(lambda s: s.value("absent") is not None, timeout=1, show=("fake_config_info",))
    finally:
        sp.stop()
    assert not sp.running
