#!/usr/bin/env python3
"""Record raw ``__consumer_offsets`` records of a real Kafka broker into
tests/fixtures/kafka/offsets/ for the offsets parser's unit tests.

    /usr/bin/python3 tests/harness/record_offsets_fixtures.py [--kafka kafka39|kafka4]
        [--out tests/fixtures/kafka/offsets]

With ``--kafka kafka39`` (the default) starts one ZooKeeper and one Kafka 3.9 broker,
with ``--kafka kafka4`` one KRaft controller and one Kafka 4 broker (files get a
``_kafka4`` suffix). Lets group ``billing`` commit offset 5 (partition 0) of topic
``orders``, deletes that commit (a tombstone), then reads the broker's
``__consumer_offsets`` log segments and writes the key and value bytes of one record of
each kind exactly as stored.  Existing files are kept unless ``--overwrite`` is given:
unit tests depend on the recorded values.  Takes about a minute.
"""
import argparse
import glob
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.jars import JarSet  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.kraft import KafkaKraftCluster  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402
from harness.wait import wait_until  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GROUP, TOPIC = "billing", "orders"


def varint(buf, pos):
    """Zig-zag varint at ``pos``: (value, next position)."""
    shift = raw = 0
    while True:
        b = buf[pos]
        pos += 1
        raw |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return (raw >> 1) ^ -(raw & 1), pos


def segment_records(path):
    """(key bytes, value bytes or None) of every record of an uncompressed v2 log segment."""
    data = open(path, "rb").read()
    pos = 0
    while pos + 61 <= len(data):
        base_offset, length = struct.unpack_from(">qi", data, pos)
        if length <= 0 or pos + 12 + length > len(data):
            return
        batch = data[pos + 12:pos + 12 + length]
        attributes = struct.unpack_from(">h", batch, 9)[0]
        count = struct.unpack_from(">i", batch, 45)[0]
        pos += 12 + length
        if attributes & 0x07 or attributes & 0x20:  # compressed or control batch
            continue
        rpos = 49
        for _ in range(count):
            _, rpos = varint(batch, rpos)      # record length
            rpos += 1                          # attributes
            _, rpos = varint(batch, rpos)      # timestamp delta
            _, rpos = varint(batch, rpos)      # offset delta
            klen, rpos = varint(batch, rpos)
            key = batch[rpos:rpos + klen] if klen >= 0 else None
            rpos += max(klen, 0)
            vlen, rpos = varint(batch, rpos)
            value = batch[rpos:rpos + vlen] if vlen >= 0 else None
            rpos += max(vlen, 0)
            headers, rpos = varint(batch, rpos)
            for _ in range(headers):
                hk, rpos = varint(batch, rpos)
                rpos += hk
                hv, rpos = varint(batch, rpos)
                rpos += max(hv, 0)
            yield key, value


def offsets_records(broker):
    for seg in sorted(glob.glob(os.path.join(broker.data_dir, "__consumer_offsets-*", "*.log"))):
        yield from segment_records(seg)


def key_version(key):
    return struct.unpack_from(">h", key, 0)[0]


def find_record(broker, want):
    for key, value in offsets_records(broker):
        if want(key, value):
            return key, value
    return None


def is_commit(key, value):
    return key is not None and key_version(key) in (0, 1) and value is not None


def is_tombstone(key, value):
    return key is not None and key_version(key) in (0, 1) and value is None


def is_group_metadata(key, value):
    return key is not None and key_version(key) == 2 and value is not None


def save(out, name, data, overwrite):
    path = os.path.join(out, name)
    if os.path.exists(path) and not overwrite:
        print(f"  kept {os.path.relpath(path, REPO)}")
        return
    with open(path, "wb") as f:
        f.write(data)
    print(f"  wrote {os.path.relpath(path, REPO)} ({len(data)} bytes)")


def record(kafka, broker, tools):
    """(commit, group metadata, tombstone) records of group ``billing`` on a started cluster."""
    tools.create_topic(TOPIC, partitions=1)
    tools.produce(TOPIC, [f"order-{i}" for i in range(8)])
    tools.consume(TOPIC, group=GROUP, max_messages=5)
    commit = wait_until(lambda: find_record(broker, is_commit), timeout=60,
                        what="an offset commit in __consumer_offsets")
    group = wait_until(lambda: find_record(broker, is_group_metadata), timeout=60,
                       what="group metadata in __consumer_offsets")
    tools.run("consumer-groups", ["--bootstrap-server", kafka.bootstrap_servers,
                                  "--delete-offsets", "--group", GROUP, "--topic", TOPIC])
    tombstone = wait_until(lambda: find_record(broker, is_tombstone), timeout=60,
                           what="an offset commit tombstone in __consumer_offsets")
    return commit, group, tombstone


def record_kafka39():
    with ZooKeeperEnsemble(size=1) as zk, KafkaZkCluster(zk, brokers=1, name="offsets") as kafka:
        return record(kafka, kafka.brokers[0], KafkaTools(kafka.bootstrap_servers))


def record_kafka4():
    jars = JarSet("kafka4")
    with KafkaKraftCluster(controllers=1, brokers=1, jars=jars) as kafka:
        return record(kafka, kafka.brokers[0], KafkaTools(kafka.bootstrap_servers, jars=jars))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kafka", choices=("kafka39", "kafka4"), default="kafka39")
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "kafka", "offsets"))
    ap.add_argument("--overwrite", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    commit, group, tombstone = record_kafka4() if args.kafka == "kafka4" else record_kafka39()
    suffix = "_kafka4" if args.kafka == "kafka4" else ""
    save(args.out, f"offset_commit__key{suffix}.bin", commit[0], args.overwrite)
    save(args.out, f"offset_commit__value{suffix}.bin", commit[1], args.overwrite)
    save(args.out, f"group_metadata__key{suffix}.bin", group[0], args.overwrite)
    save(args.out, f"group_metadata__value{suffix}.bin", group[1], args.overwrite)
    save(args.out, f"offset_commit__tombstone_key{suffix}.bin", tombstone[0], args.overwrite)

if __name__ == "__main__":
    main()
