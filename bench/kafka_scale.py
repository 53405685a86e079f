#!/usr/bin/env python3
"""The kafka backend at scale: round time, /metrics latency and RSS.

Starts a real KRaft cluster (harness, Kafka 4.x: 1 controller + 2 brokers), creates
--partitions partitions (over --topics topics, replication factor 1) and --groups consumer
groups that each commit offsets on --group-partitions partitions (a small librdkafka
program compiled on the fly: CreateTopics, then one short-lived consumer per group
committing explicit offsets; far faster than the JVM tools), produces a few messages so lags are non-zero, then runs streamprobe with
per-partition lag on and reports:

  * probe round time (streamprobe_probe_duration_seconds), over the rounds observed
  * /metrics p50/p90/p99/max over --scrapes sequential scrapes (connect to last byte)
  * idle CPU: CPU-seconds per minute of streamprobe and of its Kafka client worker
    process, over --cpu-seconds with no scrapes (utime + stime from /proc/<pid>/stat)
  * streamprobe RSS (VmRSS and VmHWM from /proc/<pid>/status)

    STREAMPROBE_BIN=build/streamprobe STREAMPROBE_JARS=build/jars \\
        /usr/bin/python3 bench/kafka_scale.py --partitions 5000 --groups 500 --scrapes 500
"""
import argparse
import http.client
import os
import pathlib
import statistics
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "harness"))

from harness import rundir  # noqa: E402
from harness.kraft import KafkaKraftCluster  # noqa: E402
from harness.streamprobe import Streamprobe  # noqa: E402

LOADER_C = r"""
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rd_kafka_t *client(const char *bootstrap) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof(err));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", err); exit(2); }
  return rk;
}

/* Waits for `n` admin results on `q`; returns the number of failed items. */
static int drain(rd_kafka_queue_t *q, int n) {
  int failed = 0;
  for (int i = 0; i < n; i++) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 120000);
    if (!ev) { fprintf(stderr, "admin timeout\n"); return failed + n - i; }
    if (rd_kafka_event_error(ev)) { fprintf(stderr, "%s\n", rd_kafka_event_error_string(ev)); failed++; }
    rd_kafka_event_destroy(ev);
  }
  return failed;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: loader BOOTSTRAP topics PREFIX COUNT PARTS | groups PREFIX COUNT TOPIC PARTS\n"); return 2; }
  rd_kafka_t *rk = client(argv[1]);
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  char name[256], err[512];
  int count = atoi(argv[4]);
  int failed = 0;
  if (!strcmp(argv[2], "topics")) {
    int parts = atoi(argv[5]);
    for (int i = 0; i < count; i++) {
      snprintf(name, sizeof(name), "%s-%d", argv[3], i);
      rd_kafka_NewTopic_t *t = rd_kafka_NewTopic_new(name, parts, 1, err, sizeof(err));
      rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
      rd_kafka_AdminOptions_set_operation_timeout(o, 60000, err, sizeof(err));
      rd_kafka_CreateTopics(rk, &t, 1, o, q);
      rd_kafka_AdminOptions_destroy(o);
      rd_kafka_NewTopic_destroy(t);
    }
    failed = drain(q, count);
  } else {
    /* One short-lived consumer per group committing explicit offsets (the consumer
     * group protocol, not the admin API: no coordinator-request abort in 2.0.2). */
    const char *topic = argv[5];
    int parts = argc > 6 ? atoi(argv[6]) : 1;
    for (int i = 0; i < count; i++) {
      snprintf(name, sizeof(name), "%s-%d", argv[3], i);
      rd_kafka_conf_t *conf = rd_kafka_conf_new();
      rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof(err));
      rd_kafka_conf_set(conf, "group.id", name, err, sizeof(err));
      rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof(err));
      rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
      rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(parts);
      for (int p = 0; p < parts; p++)
        rd_kafka_topic_partition_list_add(l, topic, (i + p) % 100)->offset = (i % 3);
      /* The first commits on a fresh cluster meet NOT_COORDINATOR while
       * __consumer_offsets is being created: retry those a few times. */
      rd_kafka_resp_err_t e = rd_kafka_commit(c, l, 0);
      for (int attempt = 0; attempt < 120 && (e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
                                             e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
                                             e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
           attempt++) {
        rd_kafka_poll(c, 500);
        e = rd_kafka_commit(c, l, 0);
      }
      if (e) { fprintf(stderr, "%s: %s\n", name, rd_kafka_err2str(e)); failed++; }
      rd_kafka_topic_partition_list_destroy(l);
      rd_kafka_destroy_flags(c, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    }
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  printf("%s: %d of %d failed\n", argv[2], failed, count);
  return failed ? 1 : 0;
}
"""


def build_loader():
    src = os.path.join(rundir.new_dir("kafka-scale-loader"), "loader.c")
    with open(src, "w") as f:
        f.write(LOADER_C)
    exe = src[:-2]
    subprocess.run(["cc", "-O1", "-Wall", "-o", exe, src, "-lrdkafka"], check=True)
    return exe


def fetch(host, port, path="/metrics", timeout=10):
    """GET `path` on a new connection: (milliseconds from connect to last byte, status, body)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return (time.perf_counter() - start) * 1000.0, response.status, body


def scrape_once(host, port):
    ms, _, body = fetch(host, port)
    return ms, len(body)


def rss_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def cpu_seconds(pid):
    """utime + stime of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid):
    """Direct children of `pid` (the Kafka client worker processes)."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            out += [int(c) for c in f.read().split()]
    return out


def idle_cpu(pid, seconds):
    """CPU-seconds per minute of streamprobe and of its workers, with no scrapes."""
    workers = children(pid)
    before = cpu_seconds(pid), sum(cpu_seconds(w) for w in workers)
    t0 = time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - t0
    after = cpu_seconds(pid), sum(cpu_seconds(w) for w in workers if os.path.exists(f"/proc/{w}"))
    per_minute = 60.0 / wall
    return (after[0] - before[0]) * per_minute, (after[1] - before[1]) * per_minute


def produce_some(kraft, topic, count=200):
    """`count` keyed messages on `topic` (spread over its partitions) so committed offsets lag."""
    from harness.jars import JarSet
    from harness.tools import KafkaTools
    tools = KafkaTools(kraft.bootstrap_servers, JarSet("kafka4"))
    tools.produce(topic, [(f"k{i}", f"v{i}") for i in range(count)])


def create_topics(loader, bootstrap, topics, per_topic):
    """Topics scale-0..scale-<topics-1> with `per_topic` partitions each (replication factor 1)."""
    t0 = time.monotonic()
    subprocess.run([loader, bootstrap, "topics", "scale", str(topics), str(per_topic)], check=True)
    print(f"created {topics} topics x {per_topic} partitions in {time.monotonic() - t0:.1f} s")


def commit_groups(loader, bootstrap, groups, group_partitions):
    """Groups bench-0..bench-<groups-1>, group i committing offset i % 3 on partitions
    (i + p) % 100, p < `group_partitions`, of topic scale-0."""
    t0 = time.monotonic()
    subprocess.run([loader, bootstrap, "groups", "bench", str(groups), "scale-0", str(group_partitions)],
                   check=True)
    print(f"committed offsets for {groups} groups in {time.monotonic() - t0:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partitions", type=int, default=5000)
    parser.add_argument("--topics", type=int, default=50)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--group-partitions", type=int, default=10)
    parser.add_argument("--scrapes", type=int, default=500)
    parser.add_argument("--interval", default="15s")
    parser.add_argument("--rounds", type=int, default=5, help="probe rounds to observe")
    parser.add_argument("--cpu-seconds", type=float, default=120,
                        help="wall seconds over which idle CPU is measured (no scrapes)")
    parser.add_argument("--series-budget", type=int, default=2000,
                        help="consumer_groups.series_budget (default: the config default)")
    args = parser.parse_args()

    loader = build_loader()
    with KafkaKraftCluster(controllers=1, brokers=2) as kraft:
        print(f"kafka {kraft.version} kraft up in {kraft.startup_seconds:.1f} s: {kraft.bootstrap_servers}")
        create_topics(loader, kraft.bootstrap_servers, args.topics, args.partitions // args.topics)
        produce_some(kraft, "scale-0")
        commit_groups(loader, kraft.bootstrap_servers, args.groups, args.group_partitions)

        sp = Streamprobe(f"""
clusters:
  - name: scale
    kafka:
      interval: {args.interval}
      timeout: {args.interval}
      bootstrap: [{kraft.bootstrap_servers}]
      consumer_groups: {{per_partition: true, series_budget: {args.series_budget}}}
""")
        sel = dict(cluster="scale", system="kafka")
        durations, seen = [], 0
        deadline = time.monotonic() + 600
        while len(durations) < args.rounds and time.monotonic() < deadline:
            s = sp.scrape()
            rounds = s.value("streamprobe_probe_rounds_total", **sel) or 0
            if rounds > seen:
                seen = rounds
                durations.append(s.value("streamprobe_probe_duration_seconds", **sel))
                print(f"round {int(rounds)}: {durations[-1]:.3f} s, success "
                      f"{s.value('streamprobe_probe_success', **sel)}, partitions "
                      f"{s.value('streamprobe_kafka_partitions', cluster='scale')}, groups "
                      f"{sum(x.value for x in s.samples('streamprobe_kafka_consumer_groups', cluster='scale'))}, "
                      f"series dropped {s.value('streamprobe_kafka_consumer_group_series_dropped', cluster='scale')}")
            time.sleep(0.5)

        parent_cpu, worker_cpu = idle_cpu(sp.pid, args.cpu_seconds)

        samples, size = [], 0
        for _ in range(args.scrapes):
            ms, size = scrape_once(sp.host, sp.port)
            samples.append(ms)
        samples.sort()
        pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]  # noqa: E731
        mem = rss_kib(sp.pid)
        print()
        print(f"partitions {args.partitions}, groups {args.groups}, interval {args.interval}, "
              f"series budget {args.series_budget}")
        print(f"probe round: min {min(durations):.3f} s, median {statistics.median(durations):.3f} s, "
              f"max {max(durations):.3f} s over {len(durations)} rounds (first includes min.insync.replicas reads)")
        print(f"/metrics ({size} bytes) over {len(samples)} scrapes: p50 {statistics.median(samples):.2f} ms, "
              f"p90 {pick(0.90):.2f} ms, p99 {pick(0.99):.2f} ms, max {samples[-1]:.2f} ms")
        print(f"idle CPU over {args.cpu_seconds:.0f} s without scrapes: streamprobe "
              f"{parent_cpu:.2f} CPU-s/min, its Kafka client worker {worker_cpu:.2f} CPU-s/min, "
              f"total {parent_cpu + worker_cpu:.2f} CPU-s/min")
        print(f"RSS: VmRSS {mem.get('VmRSS', 0) / 1024:.1f} MiB, VmHWM {mem.get('VmHWM', 0) / 1024:.1f} MiB")
        sp.stop()


if __name__ == "__main__":
    main()
