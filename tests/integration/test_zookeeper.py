"""The zookeeper backend against real ZooKeeper 3.8 servers.

Shared 3-member ensemble (conftest ``zk_ensemble``, 4lw whitelist "*"): healthy quorum,
a Kafka-style broker registration written from a second session, a SIGSTOPped member,
the leader killed with kill -9, and quorum loss.  A private standalone server with the
stock whitelist (only ``srvr``) covers the AdminServer fallback.  Every test that
changes the shared ensemble restores it before it returns.

Probing uses interval 1s / timeout 800ms, so "within two intervals" means ~2 s.
"""
import json
import subprocess
import time

import pytest

from harness.streamprobe import Streamprobe
from harness.zkclient import ZkClient
from harness.zookeeper import ZooKeeperEnsemble

INTERVAL_S = 1.0
CHROOT = "/streamprobe_it"


def config(ensemble, admin_port=None, chroot=CHROOT, checks=True):
    lines = [
        "clusters:",
        "  - name: zk",
        "    zookeeper:",
        "      interval: 1s",
        "      timeout: 800ms",
        "      session_timeout: 4s",
        "      members: [" + ", ".join(f'"{m.address}"' for m in ensemble.members) + "]",
    ]
    if admin_port is not None:
        lines.append(f"      admin_server: {{port: {admin_port}}}")
    if chroot is not None:
        lines.append(f"      kafka_chroot: {chroot}")
    if checks:
        lines += [
            "      znode_checks:",
            f"        - {{path: {CHROOT}/brokers/ids, min_children: 1}}",
            "        - {path: /zookeeper}",
            "        - {path: /must/not/exist}",
        ]
    return "\n".join(lines) + "\n"


def member_value(scrape, name, member, **labels):
    return scrape.value(name, cluster="zk", member=member.address, **labels)


def reason_of(scrape, target):
    return scrape.reason("zookeeper", target, cluster="zk")


def ensemble_value(scrape, name):
    return scrape.value(f"streamprobe_zookeeper_ensemble_{name}", cluster="zk")


def healthy(scrape, size=3):
    return (ensemble_value(scrape, "leaders") == 1 and ensemble_value(scrape, "quorum") == 1
            and ensemble_value(scrape, "members_serving") == size)


@pytest.fixture(scope="module")
def registry(zk_ensemble):
    """A Kafka-shaped registry under CHROOT, the broker registration ephemeral and owned
    by a second client session (like a broker's)."""
    with ZkClient(zk_ensemble.connect_string) as admin:
        admin.create(f"{CHROOT}/brokers/ids", makepath=True)
        admin.create(f"{CHROOT}/cluster/id", '{"version":"1","id":"itClusterId0000000000w"}', makepath=True)
        admin.create(f"{CHROOT}/controller_epoch", "4")
        admin.create(f"{CHROOT}/admin/delete_topics/old-topic", makepath=True)
        admin.create(f"{CHROOT}/isr_change_notification", "")
        broker = ZkClient(zk_ensemble.connect_string)
        registration = {"features": {}, "listener_security_protocol_map": {"PLAINTEXT": "PLAINTEXT"},
                        "endpoints": ["PLAINTEXT://kafka-7.example:9092"], "jmx_port": -1,
                        "port": 9092, "host": "kafka-7.example", "version": 5,
                        "timestamp": str(int(time.time() * 1000)), "rack": "rack-a"}
        broker.create(f"{CHROOT}/brokers/ids/7", json.dumps(registration), ephemeral=True)
        broker.create(f"{CHROOT}/controller",
                      '{"version":2,"brokerid":7,"timestamp":"1718000000000","kraftControllerEpoch":-1}',
                      ephemeral=True)
    try:
        yield broker
    finally:
        broker.close()  # a no-op when a member outage already dropped its connection
        with ZkClient(zk_ensemble.connect_string) as cleanup:
            if cleanup.exists(CHROOT):
                cleanup.delete(CHROOT, recursive=True)


@pytest.fixture(scope="module")
def sp(zk_ensemble, registry):
    probe = Streamprobe(config(zk_ensemble))
    yield probe
    probe.stop()


def test_healthy_ensemble_has_one_leader_and_quorum(zk_ensemble, sp):
    s = sp.wait_for(healthy, timeout=20, what="healthy ensemble", show=("streamprobe_zookeeper_",))
    assert ensemble_value(s, "members_configured") == 3
    leader = zk_ensemble.leader()
    assert member_value(s, "streamprobe_zookeeper_mode", leader, mode="leader") == 1
    for m in zk_ensemble.members:
        assert member_value(s, "streamprobe_zookeeper_up", m) == 1
        assert member_value(s, "streamprobe_zookeeper_stats_source", m, source="mntr") == 1
        assert member_value(s, "streamprobe_zookeeper_ruok", m) == 1
        assert reason_of(s, m.address) == "none"
        assert member_value(s, "streamprobe_zookeeper_last_zxid", m) > 0
        info = s.samples("streamprobe_zookeeper_server_info", cluster="zk", member=m.address)
        assert [i.labels["version"] for i in info] == ["3.8.4"]
    assert member_value(s, "streamprobe_zookeeper_learners", leader) == 2
    assert member_value(s, "streamprobe_zookeeper_synced_followers", leader) == 2
    assert ensemble_value(s, "zxid_spread") is not None
    lint = subprocess.run(["promtool", "check", "metrics"], input=s.text, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_broker_registration_is_read_back_with_its_owner(sp, registry):
    session = "0x%x" % registry.session_id
    s = sp.wait_for(lambda s: s.value("streamprobe_zookeeper_kafka_broker_registered", cluster="zk",
                                      broker_id="7") == 1,
                    timeout=20, what="broker 7 registered", show=("streamprobe_zookeeper_kafka",))
    info = s.samples("streamprobe_zookeeper_kafka_broker_registration_info", cluster="zk", broker_id="7")
    assert len(info) == 1
    assert info[0].labels == {"cluster": "zk", "broker_id": "7", "host": "kafka-7.example",
                              "port": "9092", "rack": "rack-a", "session": session}
    assert s.value("streamprobe_zookeeper_kafka_broker_epoch", cluster="zk", broker_id="7") > 0
    age = s.value("streamprobe_zookeeper_kafka_broker_registration_age_seconds", cluster="zk", broker_id="7")
    assert 0 <= age < 120
    assert s.value("streamprobe_zookeeper_kafka_brokers_registered", cluster="zk") == 1
    assert s.value("streamprobe_zookeeper_kafka_controller_present", cluster="zk") == 1
    assert s.value("streamprobe_zookeeper_kafka_controller_broker_id", cluster="zk") == 7
    assert s.value("streamprobe_zookeeper_kafka_kraft_controller_epoch", cluster="zk") == -1
    assert s.value("streamprobe_zookeeper_kafka_controller_epoch", cluster="zk") == 4
    assert s.value("streamprobe_zookeeper_kafka_cluster_info", cluster="zk",
                   cluster_id="itClusterId0000000000w") == 1
    assert s.value("streamprobe_zookeeper_kafka_pending_topic_deletions", cluster="zk") == 1
    assert s.value("streamprobe_zookeeper_znode_payload_reason", cluster="zk", znode="/brokers/ids/7",
                   reason="none") == 1
    assert s.value("streamprobe_zookeeper_znode_check_passed", cluster="zk",
                   path=f"{CHROOT}/brokers/ids") == 1
    assert s.value("streamprobe_zookeeper_znode_exists", cluster="zk", path="/zookeeper") == 1
    assert s.value("streamprobe_zookeeper_znode_exists", cluster="zk", path="/must/not/exist") == 0
    assert s.value("streamprobe_zookeeper_znode_check_passed", cluster="zk", path="/must/not/exist") == 0
    assert reason_of(s, "znodes") == "none"


def test_bad_registration_payload_is_flagged_per_znode(sp, registry):
    registry.create(f"{CHROOT}/brokers/ids/8", "not json", ephemeral=True)
    try:
        s = sp.wait_for(lambda s: s.value("streamprobe_zookeeper_znode_payload_reason", cluster="zk",
                                          znode="/brokers/ids/8", reason="bad_payload") == 1,
                        timeout=20, what="bad payload flagged", show=("streamprobe_zookeeper_znode",))
        assert reason_of(s, "znodes") == "none"  # the target itself is fine
        assert s.value("streamprobe_zookeeper_kafka_brokers_registered", cluster="zk") == 2
    finally:
        registry.delete(f"{CHROOT}/brokers/ids/8")


def test_stopped_member_times_out_and_scrapes_stay_fast(zk_ensemble, sp):
    sp.wait_for(healthy, timeout=20, what="healthy ensemble first")
    victim = zk_ensemble.followers()[0]
    others = [m for m in zk_ensemble.members if m is not victim]
    victim.pause()
    try:
        s = sp.wait_for(lambda s: reason_of(s, victim.address) == "timeout", timeout=20,
                        what="paused member reported as timeout", show=("streamprobe_probe_failure",))
        assert member_value(s, "streamprobe_zookeeper_up", victim) == 0
        durations = []
        for _ in range(10):
            t0 = time.monotonic()
            s = sp.scrape()
            durations.append(time.monotonic() - t0)
            time.sleep(0.2)
        print(f"scrape seconds with a paused member: max {max(durations):.3f}, "
              f"mean {sum(durations) / len(durations):.3f}")
        assert max(durations) < 1.0
        for m in others:
            assert member_value(s, "streamprobe_zookeeper_up", m) == 1, m.address
            assert reason_of(s, m.address) == "none"
        round_s = s.value("streamprobe_probe_duration_seconds", cluster="zk", system="zookeeper",
                          target=victim.address)
        assert round_s < 1.0  # bounded by the 800 ms deadline
    finally:
        victim.resume()
    zk_ensemble.wait_for_quorum(60)
    sp.wait_for(healthy, timeout=30, what="ensemble healthy after resume")


def test_killed_leader_is_refused_and_a_new_leader_is_reported(zk_ensemble, sp):
    sp.wait_for(healthy, timeout=20, what="healthy ensemble first")
    old = zk_ensemble.leader()
    killed = time.monotonic()
    old.kill9()
    try:
        s = sp.wait_for(lambda s: reason_of(s, old.address) == "refused", timeout=10,
                        what="killed leader refused", show=("streamprobe_probe_failure",))
        assert member_value(s, "streamprobe_zookeeper_up", old) == 0
        new = zk_ensemble.wait_for_quorum(60)
        elected = time.monotonic()
        s = sp.wait_for(lambda s: member_value(s, "streamprobe_zookeeper_mode", new, mode="leader") == 1
                        and ensemble_value(s, "leaders") == 1 and ensemble_value(s, "quorum") == 1,
                        timeout=10, interval=0.1, what="new leader reported",
                        show=("streamprobe_zookeeper_",))
        lag = time.monotonic() - elected
        print(f"kill -9 of the leader: ensemble elected {new.address} after {elected - killed:.2f} s "
              f"(harness polls every 0.25 s), streamprobe reported it after {time.monotonic() - killed:.2f} s")
        assert lag <= 2 * INTERVAL_S + 0.5
        assert ensemble_value(s, "members_serving") == 2
    finally:
        old.start(wait=False)
    zk_ensemble.wait_for_quorum(90, require_all=True)
    sp.wait_for(healthy, timeout=30, what="ensemble healthy after restart")


def test_quorum_loss_is_reported_and_survivor_not_serving(zk_ensemble, sp):
    sp.wait_for(healthy, timeout=20, what="healthy ensemble first")
    survivor = zk_ensemble.followers()[-1]
    stopped = [m for m in zk_ensemble.members if m is not survivor]
    for m in stopped:
        m.stop()
    try:
        s = sp.wait_for(lambda s: ensemble_value(s, "quorum") == 0
                        and member_value(s, "streamprobe_zookeeper_mode", survivor, mode="not_serving") == 1,
                        timeout=30, what="quorum lost", show=("streamprobe_zookeeper_", "streamprobe_probe_failure"))
        assert reason_of(s, survivor.address) == "not_serving"
        assert ensemble_value(s, "leaders") == 0
        assert ensemble_value(s, "members_serving") == 0
        for m in stopped:
            assert reason_of(s, m.address) == "refused"
        assert reason_of(s, "znodes") != "none"
    finally:
        for m in stopped:
            m.start(wait=False)
    zk_ensemble.wait_for_quorum(90, require_all=True)
    sp.wait_for(healthy, timeout=30, what="ensemble healthy after quorum loss")
    # The znodes target's session survives the outage (reconnects or reopens).
    sp.wait_for(lambda s: reason_of(s, "znodes") == "none", timeout=30, what="znodes readable again")


@pytest.fixture(scope="module")
def stock_server():
    with ZooKeeperEnsemble(size=1, four_letter_whitelist=None) as ens:
        yield ens


def test_stock_whitelist_falls_back_to_admin_server(stock_server, streamprobe_factory):
    m = stock_server.members[0]
    with_admin = streamprobe_factory(config(stock_server, admin_port=m.admin_port, chroot=None, checks=False))
    s = with_admin.wait_for(lambda s: member_value(s, "streamprobe_zookeeper_up", m) == 1, timeout=20,
                            what="standalone up")
    assert member_value(s, "streamprobe_zookeeper_stats_source", m, source="admin_server") == 1
    assert member_value(s, "streamprobe_zookeeper_mode", m, mode="standalone") == 1
    assert member_value(s, "streamprobe_zookeeper_watches", m) is not None
    assert member_value(s, "streamprobe_zookeeper_ruok", m) is None  # not whitelisted: not asked
    assert ensemble_value(s, "quorum") == 1


def test_stock_whitelist_without_admin_server_uses_srvr(stock_server, streamprobe_factory):
    m = stock_server.members[0]
    plain = streamprobe_factory(config(stock_server, chroot=None, checks=False))
    s = plain.wait_for(lambda s: member_value(s, "streamprobe_zookeeper_up", m) == 1, timeout=20,
                       what="standalone up")
    assert member_value(s, "streamprobe_zookeeper_stats_source", m, source="srvr") == 1
    assert member_value(s, "streamprobe_zookeeper_znodes", m) is not None
    assert member_value(s, "streamprobe_zookeeper_watches", m) is None


def test_unresolvable_member_is_dns(streamprobe_factory):
    text = ("clusters:\n  - name: zk\n    zookeeper:\n      interval: 1s\n      timeout: 800ms\n"
            "      members: [\"no-such-zookeeper.invalid:2181\"]\n      kafka_chroot: /\n")
    sp = streamprobe_factory(text)
    s = sp.wait_for(lambda s: reason_of(s, "no-such-zookeeper.invalid:2181") == "dns"
                    and reason_of(s, "znodes") == "dns", timeout=20, what="dns reasons",
                    show=("streamprobe_probe_failure",))
    assert ensemble_value(s, "quorum") == 0


@pytest.fixture(scope="module")
def stock_ensemble():
    with ZooKeeperEnsemble(size=3, four_letter_whitelist=None) as ens:
        yield ens


def test_stock_whitelist_ensemble_is_judged_from_srvr_alone(stock_ensemble, streamprobe_factory):
    sp = streamprobe_factory(config(stock_ensemble, chroot=None, checks=False))
    s = sp.wait_for(healthy, timeout=20, what="stock ensemble healthy", show=("streamprobe_zookeeper_",))
    leader = stock_ensemble.leader()
    assert member_value(s, "streamprobe_zookeeper_mode", leader, mode="leader") == 1
    for m in stock_ensemble.members:
        assert member_value(s, "streamprobe_zookeeper_stats_source", m, source="srvr") == 1
        assert member_value(s, "streamprobe_zookeeper_last_zxid", m) is not None
        assert member_value(s, "streamprobe_zookeeper_learners", m) is None  # mntr only
        assert member_value(s, "streamprobe_zookeeper_ruok", m) is None


def registration_owner(kafka, broker_id):
    with kafka.zk() as zk:
        stat = zk.exists(f"/brokers/ids/{broker_id}")
        return None if stat is None else "0x%x" % stat.ephemeral_owner


def test_real_kafka_registry_and_a_stale_registration(zk_ensemble, kafka_zk, streamprobe_factory):
    """Kafka 3.9 brokers register themselves; a kill -9'd broker's registration outlives
    it until its ZooKeeper session expires (the NodeExists window of PROTOCOLS.md §1.8)."""
    sp = streamprobe_factory(config(zk_ensemble, chroot=kafka_zk.chroot, checks=False))
    ids = [str(b.broker_id) for b in kafka_zk.brokers]
    s = sp.wait_for(lambda s: s.value("streamprobe_zookeeper_kafka_brokers_registered", cluster="zk")
                    == len(ids), timeout=30, what="all brokers registered",
                    show=("streamprobe_zookeeper_kafka",))
    for b in kafka_zk.brokers:
        info = s.samples("streamprobe_zookeeper_kafka_broker_registration_info", cluster="zk",
                         broker_id=str(b.broker_id))
        assert len(info) == 1
        assert (info[0].labels["host"], info[0].labels["port"]) == (b.host, str(b.port))
        assert info[0].labels["session"] == registration_owner(kafka_zk, b.broker_id)
        assert s.value("streamprobe_zookeeper_znode_payload_reason", cluster="zk",
                       znode=f"/brokers/ids/{b.broker_id}", reason="none") == 1
    assert s.value("streamprobe_zookeeper_kafka_controller_broker_id", cluster="zk") == kafka_zk.controller_id()
    assert s.value("streamprobe_zookeeper_kafka_kraft_controller_epoch", cluster="zk") == -1
    assert len(s.samples("streamprobe_zookeeper_kafka_cluster_info", cluster="zk")) == 1

    victim = kafka_zk.brokers[-1]
    vid = str(victim.broker_id)
    old_session = registration_owner(kafka_zk, victim.broker_id)
    killed = time.monotonic()
    victim.kill9()
    try:
        s = sp.scrape()
        assert s.value("streamprobe_zookeeper_kafka_broker_registered", cluster="zk", broker_id=vid) == 1
        s = sp.wait_for(lambda s: s.value("streamprobe_zookeeper_kafka_broker_registered", cluster="zk",
                                          broker_id=vid) is None,
                        timeout=60, what="stale registration expired", show=("streamprobe_zookeeper_kafka",))
        print(f"stale registration of broker {vid} (session {old_session}) vanished "
              f"{time.monotonic() - killed:.1f} s after kill -9")
        assert s.value("streamprobe_zookeeper_kafka_brokers_registered", cluster="zk") == len(ids) - 1
    finally:
        victim.start(wait=False)
    kafka_zk.wait_broker_registered(victim.broker_id, timeout=90)
    s = sp.wait_for(lambda s: s.value("streamprobe_zookeeper_kafka_broker_registered", cluster="zk",
                                      broker_id=vid) == 1, timeout=30, what="broker re-registered")
    info = s.samples("streamprobe_zookeeper_kafka_broker_registration_info", cluster="zk", broker_id=vid)
    assert info[0].labels["session"] != old_session


@pytest.fixture(scope="module")
def observer_ensemble():
    with ZooKeeperEnsemble(size=3, observers=1) as ens:
        yield ens


def test_observer_does_not_count_towards_the_quorum(observer_ensemble, streamprobe_factory):
    """3 voters + 1 observer; the observer and one follower stopped leave 2 of 3 voters
    under one leader: a quorum (4 members configured, 2 serving used to read as a false
    ZookeeperQuorumLost). The voter count is the ensemble's own (mntr zk_quorum_size)."""
    ens = observer_ensemble
    observer = ens.observers[0]
    sp = streamprobe_factory(config(ens, chroot=None, checks=False))
    s = sp.wait_for(lambda s: healthy(s, size=4) and member_value(
        s, "streamprobe_zookeeper_mode", observer, mode="observer") == 1,
        timeout=30, what="healthy ensemble with an observer", show=("streamprobe_zookeeper_",))
    assert ensemble_value(s, "voters_configured") == 3
    assert ensemble_value(s, "voters_serving") == 3
    assert ensemble_value(s, "observers_serving") == 1
    assert ensemble_value(s, "members_configured") == 4
    assert member_value(s, "streamprobe_zookeeper_quorum_size", observer) == 3
    follower = ens.followers()[0]
    for m in (observer, follower):
        m.stop()
    try:
        s = sp.wait_for(lambda s: reason_of(s, observer.address) == "refused"
                        and reason_of(s, follower.address) == "refused"
                        and ensemble_value(s, "members_serving") == 2,
                        timeout=30, what="observer and follower down", show=("streamprobe_zookeeper_",))
        assert ensemble_value(s, "quorum") == 1
        assert ensemble_value(s, "voters_configured") == 3
        assert ensemble_value(s, "voters_serving") == 2
        assert ensemble_value(s, "leaders") == 1
    finally:
        for m in (observer, follower):
            m.start(wait=False)
        ens.wait_for_quorum(90, require_all=True)
