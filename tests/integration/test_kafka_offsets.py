"""consumer_groups.offsets_source: the committed offsets read from __consumer_offsets
give the same lag as the admin API (OffsetFetch per group), on the same cluster.

One streamprobe probes a cluster twice: cluster ``admin`` with ``offsets_source:
admin_api`` and cluster ``topic`` with ``offsets_source: offsets_topic``, on the
session's ZooKeeper-mode Kafka 3.9 cluster and on its KRaft Kafka 4 cluster (which
writes OffsetCommitValue version 4). Reference truth: ``kafka-consumer-groups --describe``.
"""
import os
import time
import sys

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness.jars import JarSet  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402
from harness.wait import wait_until  # noqa: E402

SHOW = ("streamprobe_kafka_consumer_group", "streamprobe_probe_")
GROUP, TOPIC = "offsets-source-group", "offsets-source"


def config(kafka):
    targets = ""
    for i, (name, source) in enumerate((("admin", "admin_api"), ("topic", "offsets_topic"))):
        targets += f"""
  - name: {name}
    kafka:
      interval: 1s
      timeout: 1s
      bootstrap: [{brokers(kafka)[i]}]
      consumer_groups: {{per_partition: true, offsets_source: {source}}}
"""
    return "clusters:" + targets


def partition_lag(s, cluster, partition, group=GROUP, topic=TOPIC):
    return s.value("streamprobe_kafka_consumer_group_partition_lag", cluster=cluster, group=group,
                   topic=topic, partition=partition)


def same_lag_as(truth, group=GROUP, topic=TOPIC):
    """A predicate: both clusters report kafka-consumer-groups' lag on every partition."""
    def check(s):
        return all(partition_lag(s, cluster, r["partition"], group, topic) == r["lag"]
                   for cluster in ("admin", "topic") for r in truth)
    return check


def brokers(kafka):
    return kafka.bootstrap_servers.split(",")


def reader_log_lines(sp):
    """Log lines of the __consumer_offsets reader reaching the topic's end (one per reader)."""
    with open(os.path.join(sp.dir, "streamprobe.log")) as f:
        return [line for line in f if "read __consumer_offsets to its end" in line]


@pytest.fixture(scope="module")
def tools(kafka_zk):
    return KafkaTools(kafka_zk.bootstrap_servers)


def test_offsets_topic_reports_the_same_lag_as_admin_api(kafka_zk, tools, streamprobe_factory):
    tools.create_topic(TOPIC, partitions=3, replication_factor=3)
    tools.produce(TOPIC, [f"m{i}" for i in range(30)])
    tools.consume(TOPIC, group=GROUP, max_messages=12)
    truth = tools.consumer_groups_describe(GROUP)
    assert sum(r["lag"] for r in truth) == 18

    sp = streamprobe_factory(config(kafka_zk))
    s = sp.wait_for(same_lag_as(truth), timeout=60, what="the same lag in both modes", show=SHOW)
    for cluster in ("admin", "topic"):
        assert s.value("streamprobe_kafka_consumer_group_lag", cluster=cluster, group=GROUP) == 18
        assert s.value("streamprobe_probe_success", cluster=cluster, system="kafka") == 1
        seconds = s.value("streamprobe_probe_duration_seconds", cluster=cluster, system="kafka")
        print(f"round duration, {cluster}: {seconds:.3f} s")

    readers = reader_log_lines(sp)
    assert len(readers) == 1 and brokers(kafka_zk)[1] in readers[0], readers
    print(readers[0])

    # Later commits are read incrementally by the long-lived reader.
    tools.consume(TOPIC, group=GROUP, max_messages=6, from_beginning=False)
    later = tools.consumer_groups_describe(GROUP)
    assert sum(r["lag"] for r in later) == 12
    sp.wait_for(same_lag_as(later), timeout=60, what="the later commit in both modes", show=SHOW)

    # Deleted offsets are tombstones: the partitions' lag vanishes in both modes.
    tools.run("consumer-groups", ["--bootstrap-server", kafka_zk.bootstrap_servers,
                                  "--delete-offsets", "--group", GROUP, "--topic", TOPIC])
    sp.wait_for(lambda s: all(partition_lag(s, c, r["partition"]) is None
                              for c in ("admin", "topic") for r in truth),
                timeout=60, what="no partition lag after --delete-offsets", show=SHOW)


def test_offsets_topic_reads_kafka4_commits(kraft, streamprobe_factory):
    """Kafka 4 writes OffsetCommitValue version 4 (flexible: compact metadata string and
    tagged fields): the offsets_topic mode reads the same lag as the admin API there too,
    where it once read no commit at all and reported every group's lag as 0."""
    group, topic = "kafka4-offsets-group", "kafka4-offsets"
    tools = KafkaTools(kraft.bootstrap_servers, JarSet("kafka4"))
    tools.create_topic(topic, partitions=3, replication_factor=2)
    tools.produce(topic, [f"m{i}" for i in range(30)])
    tools.consume(topic, group=group, max_messages=12)
    truth = tools.consumer_groups_describe(group)
    assert sum(r["lag"] for r in truth) == 18

    sp = streamprobe_factory(config(kraft))
    s = sp.wait_for(same_lag_as(truth, group, topic), timeout=60,
                    what="the same lag in both modes on Kafka 4", show=SHOW)
    for cluster in ("admin", "topic"):
        assert s.value("streamprobe_kafka_consumer_group_lag", cluster=cluster, group=group) == 18
    assert s.value("streamprobe_kafka_consumer_groups_offsets_unreadable", cluster="topic") == 0
    readers = reader_log_lines(sp)
    assert len(readers) == 1 and "offsets=0" not in readers[0], readers


LAGGING_GROUP, LAGGING_TOPIC = "time-lag-group", "time-lag"


def group_lag(s, cluster, name="streamprobe_kafka_consumer_group_lag"):
    return s.value(name, cluster=cluster, group=LAGGING_GROUP)


def lag_seconds_at_least(seconds):
    return lambda s: all((group_lag(s, c, "streamprobe_kafka_consumer_group_lag_seconds") or 0) >= seconds
                         for c in ("admin", "topic"))


def test_time_lag_follows_the_wall_clock_through_a_leader_outage(kafka_zk, tools, streamprobe_factory):
    """lag_seconds is the age of the oldest unconsumed message: for a group that stopped
    consuming it grows with the wall clock, in both offset sources, and an outage of the
    partition's only replica (log end unreadable, the group's lag absent meanwhile) does
    not restart it: afterwards the group is as far behind as before plus the outage."""
    tools.create_topic(LAGGING_TOPIC, replica_assignment="3")
    tools.produce(LAGGING_TOPIC, ["a", "b", "c"])
    tools.consume(LAGGING_TOPIC, group=LAGGING_GROUP, max_messages=3)
    sp = streamprobe_factory(config(kafka_zk))
    sp.wait_for(lambda s: all(group_lag(s, c) == 0 for c in ("admin", "topic")), timeout=60,
                what="the caught-up group at lag 0", show=SHOW)
    produced = time.monotonic()
    tools.produce(LAGGING_TOPIC, ["d", "e"])
    sp.wait_for(lambda s: all(group_lag(s, c) == 2 for c in ("admin", "topic")), timeout=60,
                what="lag 2 after two more messages", show=SHOW)
    sp.wait_for(lag_seconds_at_least(10), timeout=60, what="lag_seconds past 10 s", show=SHOW)

    broker = kafka_zk.broker(3)
    broker.stop()
    try:
        sp.wait_for(lambda s: all(group_lag(s, c) is None for c in ("admin", "topic")), timeout=60,
                    what="lag unknown while the only replica is down", show=SHOW)
    finally:
        broker.start()
        kafka_zk.wait_ready([3])
    s = sp.wait_for(lambda s: all(group_lag(s, c) == 2 for c in ("admin", "topic")), timeout=90,
                    what="lag 2 again after the outage", show=SHOW)
    elapsed = time.monotonic() - produced
    for cluster in ("admin", "topic"):
        seconds = group_lag(s, cluster, "streamprobe_kafka_consumer_group_lag_seconds")
        print(f"lag_seconds {cluster}: {seconds:.1f} s, {elapsed:.1f} s after the produce")
        assert elapsed - 3 <= seconds <= elapsed + 2
    wait_until(lambda: not tools.describe_under_replicated(), 120, interval=1,
               what="every partition fully replicated again")
