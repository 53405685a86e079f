"""The Kafka probe when things go wrong, against a real KRaft cluster (Kafka 4.1.1)
with a SASL_PLAINTEXT/PLAIN listener beside the plain one: SASL misconfiguration,
a whole cluster unreachable, a hung broker, and the canary round trip."""
import os
import time

import pytest
import requests

from harness.jars import JarSet
from harness.kraft import KafkaKraftCluster
from harness.ports import free_port
from harness.tools import KafkaTools
from harness.wait import wait_until

INTERVAL = "1s"
TIMEOUT = "900ms"


@pytest.fixture(scope="module")
def secured():
    cluster = KafkaKraftCluster(controllers=1, brokers=2, sasl_users={"probe": "right-secret"})
    yield cluster
    cluster.stop()


def kafka_section(bootstrap, extra=""):
    return (f"clusters:\n  - name: k\n    kafka:\n      interval: {INTERVAL}\n"
            f"      timeout: {TIMEOUT}\n      bootstrap: [{', '.join(repr(b) for b in bootstrap.split(','))}]\n"
            + extra)


def target(bootstrap):
    return bootstrap.split(",")[0]


def reason_of(scrape, bootstrap):
    return scrape.reason("kafka", target(bootstrap))


def test_sasl_wrong_password_is_auth_and_right_one_succeeds(secured, streamprobe_factory, tmp_path):
    secret = tmp_path / "kafka-password"
    secret.write_text("wrong-secret\n")
    sasl = ("      client: {security.protocol: SASL_PLAINTEXT, sasl.mechanism: PLAIN, "
            "sasl.username: probe}\n"
            f"      client_secrets: {{sasl.password: {{file: {secret}}}}}\n")
    sp = streamprobe_factory(kafka_section(secured.sasl_bootstrap, sasl))
    sp.wait_for(lambda s: reason_of(s, secured.sasl_bootstrap) == "auth", timeout=30,
                what="reason auth for a wrong SASL password", show=("streamprobe_probe",))
    log = open(sp.log_path).read()
    assert "wrong-secret" not in log, "a secret must never reach the logs"

    secret.write_text("right-secret\n")
    assert sp.reload().status_code == 200
    sp.wait_for(lambda s: s.value("streamprobe_probe_success", system="kafka",
                                  target=target(secured.sasl_bootstrap)) == 1
                and s.value("streamprobe_kafka_metadata_brokers") == 2, timeout=30,
                what="SASL success with the right password", show=("streamprobe_probe", "streamprobe_kafka_metadata"))


def test_whole_cluster_unreachable_is_refused(streamprobe_factory):
    closed = f"127.0.0.1:{free_port('127.0.0.1')}"
    sp = streamprobe_factory(kafka_section(closed))
    sp.wait_for(lambda s: reason_of(s, closed) == "refused", timeout=20,
                what="reason refused for a closed bootstrap port", show=("streamprobe_probe",))


def test_hung_broker_is_bounded_and_named(secured, streamprobe_factory):
    sp = streamprobe_factory(kafka_section(secured.bootstrap_servers))
    sp.wait_for(lambda s: s.value("streamprobe_kafka_metadata_brokers") == 2, timeout=30,
                what="both brokers in metadata")
    hung = secured.brokers[1]
    hung.pause()
    try:
        sp.wait_for(lambda s: s.value("streamprobe_kafka_broker_reachable",
                                      broker_id=str(hung.node_id)) == 0, timeout=20,
                    what="the hung broker reported unreachable", show=("streamprobe_kafka_broker",))
        worst = 0.0
        for _ in range(20):
            start = time.perf_counter()
            requests.get(sp.url + "/metrics", timeout=5).raise_for_status()
            worst = max(worst, time.perf_counter() - start)
            time.sleep(0.1)
        assert worst < 0.5, f"/metrics took {worst:.3f} s while a broker hung"
        rounds = sp.scrape().samples("streamprobe_probe_duration_seconds", system="kafka")
        assert rounds and rounds[0].value < 1.5, "a round stays bounded by its deadline"
    finally:
        hung.resume()


def wait_for_full_isr(tools, topic, timeout=60):
    """Until every partition of ``topic`` has a leader and all its replicas in sync."""
    def in_sync():
        rows = tools.describe_topics(topic)
        return rows and all(r["leader"] is not None and sorted(r["isr"]) == sorted(r["replicas"])
                            for r in rows)
    wait_until(in_sync, timeout=timeout, interval=0.5, what=f"a complete ISR for {topic}",
               describe=lambda: tools.describe_topics_text(topic))


def canary_counts(scrape):
    return {name: scrape.value(f"streamprobe_kafka_canary_{name}") or 0
            for name in ("round_trip_seconds_count", "produce_failures_total",
                         "consume_failures_total")}


def test_canary_round_trip(secured, streamprobe_factory):
    tools = KafkaTools(secured.bootstrap_servers, jars=JarSet("kafka4"))
    tools.create_topic("streamprobe-canary", partitions=1, replication_factor=2)
    wait_for_full_isr(tools, "streamprobe-canary")
    sp = streamprobe_factory(kafka_section(secured.bootstrap_servers,
                                           "      canary: {topic: streamprobe-canary, partition: 0}\n"))
    # Brokers may learn the new partition's leader after the admin tools do, so a
    # round before the first success may fail; from then on none may.
    sp.wait_for(lambda s: s.value("streamprobe_kafka_canary_success") == 1, timeout=40,
                what="a first canary round trip", show=("streamprobe_kafka_canary",))
    first = canary_counts(sp.scrape())
    sp.wait_for(lambda s: canary_counts(s)["round_trip_seconds_count"]
                >= first["round_trip_seconds_count"] + 3, timeout=40,
                what="three more canary round trips", show=("streamprobe_kafka_canary",))
    scrape = sp.scrape()
    now = canary_counts(scrape)
    assert scrape.value("streamprobe_kafka_canary_success") == 1
    assert now["produce_failures_total"] == first["produce_failures_total"]
    assert now["consume_failures_total"] == first["consume_failures_total"]
    assert 0 < scrape.value("streamprobe_kafka_canary_round_trip_seconds_sum") < 30
