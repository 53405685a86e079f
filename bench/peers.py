#!/usr/bin/env python3
"""Side by side: streamprobe and Burrow on one real Kafka cluster (kafka_exporter: skipped).

Peers are installed by name: Burrow with `apt-get install burrow` when `Burrow` is not on
PATH (Debian's package, 1.2.1). kafka_exporter has no Debian package and the Go module
proxy refuses its module, so the script only checks for the package, prints that it is
skipped and measures nothing for it (docs/benchmarks.md quotes published figures).

Per size (S: 1k partitions / 100 groups, M: 10k / 1k, L: --l-partitions / --l-groups) it
starts, through the test harness, a 1-member ZooKeeper and a Kafka cluster: by default
Kafka 3.9 in ZooKeeper mode (--kafka kafka39-zk), or KRaft (--kafka kafka39 | kafka4:
1 controller); enough brokers that none hosts more partitions than its open-file limit
allows. It creates topics of 100 partitions and groups that commit offsets on 10
partitions each (bench/kafka_scale.py's librdkafka loader), produces --messages keyed
messages so lags are non-zero, stops producing, reads the lag of --sample-groups groups
with kafka-consumer-groups --describe, and then, on the unchanged cluster:

  * lag at once: Burrow and streamprobe (per-partition on) run together; their lag of the
    sampled partitions and kafka-consumer-groups' are read back to back and compared;
  * one exporter at a time: Burrow (reads __consumer_offsets; its ZooKeeper is the one
    above; one "scrape" = what a Burrow-to-Prometheus bridge does: list the groups, then
    GET /v3/kafka/<cluster>/consumer/<group>/lag for each), then streamprobe with
    consumer_groups.per_partition off, on, and on with offsets_source: offsets_topic
    (series_budget 1000000, so everything is exported).

Burrow is left out with --kafka kafka4: Burrow 1.2.1 does not decode Kafka 4's offset
commits. For each exporter it reports scrapes, errors, p50/p99/max scrape (connect to
last byte), RSS (VmRSS of the process and its children), CPU-s/min idle (no scrapes,
--idle-seconds), CPU-s per scrape (CPU of the serving process during the scrapes minus its
idle rate), samples (streamprobe: lines of the exposition; Burrow: partition lags read),
the probe round (streamprobe_probe_duration_seconds) and lag equality with
kafka-consumer-groups' and Burrow's (per group with per-partition off).

    cp build/streamprobe "$TMP/streamprobe"          # benchmark a copy, not build/
    STREAMPROBE_BIN="$TMP/streamprobe" STREAMPROBE_JARS=build/jars \\
        /usr/bin/python3 bench/peers.py --sizes S,M --out peers.md
"""
import argparse
import contextlib
import http.client
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

import kafka_scale  # bench/ is on sys.path when this file runs; importing it adds the harness
from harness import rundir
from harness.jars import JarSet, REPO_ROOT
from harness.kafka import KafkaZkCluster
from harness.kraft import KafkaKraftCluster
from harness.ports import free_port
from harness.proc import ServerProcess
from harness.streamprobe import Streamprobe, default_binary
from harness.tools import KafkaTools, parse_consumer_groups_describe
from harness.zookeeper import ZooKeeperEnsemble

SIZES = {"S": (1000, 100), "M": (10000, 1000)}  # partitions, groups; L from the flags
PARTITIONS_PER_TOPIC = 100   # the loader commits on partitions (i + p) % 100 of scale-0
GROUP_PARTITIONS = 10
CLUSTER = "peers"
BURROW_OFFSET_REFRESH = 10     # s between Burrow's reads of log end offsets
BURROW_KAFKA_VERSION = "2.0.0"  # sarama's protocol level; Kafka 3.9 brokers serve it
KAFKA_EXPORTER_PACKAGE = "prometheus-kafka-exporter"  # Debian's name for it, if it existed

STREAMPROBE_CONFIG = """\
clusters:
  - name: {cluster}
    kafka:
      interval: {interval}
      timeout: {interval}
      bootstrap: [{bootstrap}]
      consumer_groups: {{per_partition: {per_partition}, series_budget: 1000000, offsets_source: {source}}}
"""
STREAMPROBE_MODES = [  # (label, per_partition, offsets_source)
    ("streamprobe (per-partition off)", "false", "admin_api"),
    ("streamprobe (per-partition on)", "true", "admin_api"),
    ("streamprobe (per-partition on, offsets_topic)", "true", "offsets_topic"),
]

# Burrow 1.2.1's format (burrow.toml in --config-dir); logs go to stdout (no filename).
BURROW_CONFIG = """\
[general]
pidfile="{dir}/burrow.pid"
[logging]
level="warn"
[zookeeper]
servers=["{zookeeper}"]
timeout=6
root-path="/burrow"
[client-profile.bench]
client-id="burrow-bench"
kafka-version="{kafka_version}"
[cluster.{cluster}]
class-name="kafka"
servers=[{servers}]
client-profile="bench"
topic-refresh=60
offset-refresh={offset_refresh}
[consumer.{cluster}]
class-name="kafka"
cluster="{cluster}"
servers=[{servers}]
client-profile="bench"
start-latest=false
[httpserver.default]
address="{host}:{port}"
[storage.default]
class-name="inmemory"
workers=20
intervals=10
expire-group=604800
min-distance=1
"""

SAMPLE_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


# ------------------------------------------------------------------ peers
def install_burrow():
    """(binary, version) of Burrow, installed with apt-get when missing; (None, reason)
    when it cannot be. A system service the package may start is stopped and disabled:
    this run starts its own Burrow."""
    if not shutil.which("Burrow"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "install", "-y", "burrow"], ["apt-get", "update"], ["apt-get", "install", "-y", "burrow"]):
            p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            if cmd[1] == "install" and p.returncode == 0:
                break
        if not shutil.which("Burrow"):
            return None, "apt-get install burrow failed: " + " ".join(p.stderr.split())[-300:]
        if os.path.isdir("/run/systemd/system"):
            subprocess.run(["systemctl", "disable", "--now", "burrow"], capture_output=True, timeout=60)
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "burrow"], capture_output=True, text=True).stdout
    return shutil.which("Burrow"), version.strip() or "unknown"


def kafka_exporter_skipped():
    """Why kafka_exporter is not measured: no Debian package (the Go module proxy refuses
    github.com/danielqsj/kafka_exporter, and no peer is built from fetched source)."""
    p = subprocess.run(["apt-cache", "show", KAFKA_EXPORTER_PACKAGE], capture_output=True, text=True)
    if p.returncode == 0 and p.stdout.strip():
        return f"Debian package {KAFKA_EXPORTER_PACKAGE} exists now, but this script has no code to run it yet"
    return (f"no Debian package ({KAFKA_EXPORTER_PACKAGE}) and the Go module proxy refuses "
            "github.com/danielqsj/kafka_exporter; published figures in docs/benchmarks.md")


class Burrow(ServerProcess):
    """Burrow reading __consumer_offsets of `bootstrap`, HTTP API on 127.0.0.1:<free port>."""

    def __init__(self, binary, bootstrap, zookeeper):
        self.host, self.port = "127.0.0.1", free_port()
        d = rundir.new_dir("burrow")
        with open(os.path.join(d, "burrow.toml"), "w") as f:
            f.write(BURROW_CONFIG.format(dir=d, zookeeper=zookeeper, kafka_version=BURROW_KAFKA_VERSION,
                                         cluster=CLUSTER, host=self.host, port=self.port, offset_refresh=BURROW_OFFSET_REFRESH,
                                         servers=", ".join(f'"{b}"' for b in bootstrap.split(","))))
        super().__init__("burrow", [binary, "-config-dir", d], os.path.join(d, "burrow.log"),
                         ready=lambda p: p.get(f"/v3/kafka/{CLUSTER}")[0] == 200)

    def get(self, path, timeout=30):
        """(status, parsed JSON body or None) of GET `path`; (None, None) when nothing answers."""
        try:
            _, status, body = kafka_scale.fetch(self.host, self.port, path, timeout=timeout)
        except (OSError, http.client.HTTPException):
            return None, None
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None

    def lag(self, groups):
        """({(group, topic, partition): current_lag}, errors) from
        /v3/kafka/<cluster>/consumer/<group>/lag of each group."""
        out, errors = {}, 0
        for g in groups:
            status, doc = self.get(f"/v3/kafka/{CLUSTER}/consumer/{g}/lag")
            if status != 200 or doc is None:
                errors += 1
                continue
            for p in doc["status"]["partitions"] or []:
                if p["end"] is not None:  # a partition of the topic the group never committed on: lag 0, no offsets
                    out[(g, p["topic"], p["partition"])] = p["current_lag"]
        return out, errors

    def scrape(self):
        """One full read: the group list, then every group's lag. (status, lags) with
        status 200 when every request succeeded."""
        status, doc = self.get(f"/v3/kafka/{CLUSTER}/consumer")
        if status != 200 or doc is None:
            return status or 0, {}
        lags, errors = self.lag(doc["consumers"])
        return (200 if not errors else 500), lags


# ------------------------------------------------------------------ cluster
def brokers_for(partitions):
    """Brokers so that none hosts more partitions (one open log file each) than 60 % of
    the open-file limit a JVM raises itself to (the hard limit); at least 2."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    per_broker = 10 ** 6 if hard == resource.RLIM_INFINITY else int(0.6 * hard)
    return max(2, math.ceil(partitions / per_broker))


def set_heap(nodes, heap):
    """Replace -Xmx in the command line of every (not yet started) node."""
    for n in nodes:
        n.argv = [f"-Xmx{heap}" if a.startswith("-Xmx") else a for a in n.argv]


def populate(cluster, loader, partitions, groups, messages):
    """Topics of PARTITIONS_PER_TOPIC partitions, `groups` groups with commits on
    GROUP_PARTITIONS partitions of scale-0, then `messages` keyed messages on scale-0.
    Group bench-0 is committed alone first: that creates __consumer_offsets, whose leaders
    come late while brokers still create tens of thousands of logs."""
    bootstrap = cluster.bootstrap_servers
    for attempt in range(5):  # a ZooKeeper-mode controller creating 50k partitions times requests out;
        try:                  # a rerun finds the topics created meanwhile as existing (not an error)
            kafka_scale.create_topics(loader, bootstrap, partitions // PARTITIONS_PER_TOPIC, PARTITIONS_PER_TOPIC)
            break
        except subprocess.CalledProcessError:
            if attempt == 4:
                raise
            time.sleep(30)
    commit_with_retries(loader, bootstrap, 1, attempts=10)
    commit_with_retries(loader, bootstrap, groups, attempts=2)
    kafka_scale.produce_some(cluster, "scale-0", messages)


def commit_with_retries(loader, bootstrap, groups, attempts):
    """kafka_scale.commit_groups, run again (same offsets) while a group failed, e.g. with
    librdkafka's "Waiting for coordinator", which the loader does not retry."""
    for attempt in range(attempts):
        try:
            return kafka_scale.commit_groups(loader, bootstrap, groups, GROUP_PARTITIONS)
        except subprocess.CalledProcessError:
            if attempt == attempts - 1:
                raise
            time.sleep(10)


def sample_groups(groups, n):
    """`n` group ids spread over bench-0..bench-<groups-1> and over the partitions they
    commit on (group i starts at partition i % 100)."""
    step = max(1, groups // n)
    return [f"bench-{i * step + i}" for i in range(n) if i * step + i < groups]


def reference_lag(cluster, groups):
    """{(group, topic, partition): LAG} of one kafka-consumer-groups --describe of `groups`."""
    tools = KafkaTools(cluster.bootstrap_servers, cluster.jars, timeout=600)
    args = ["--bootstrap-server", cluster.bootstrap_servers, "--describe"]
    for g in groups:
        args += ["--group", g]
    rows = parse_consumer_groups_describe(tools.run("consumer-groups", args))
    return {(r["group"], r["topic"], r["partition"]): r["lag"] for r in rows if r["lag"] is not None}


# ------------------------------------------------------------------ measuring
def series(text, name):
    """[(labels, value)] of the samples named `name` in a Prometheus text exposition."""
    out = []
    for line in text.splitlines():
        if line.startswith((name + "{", name + " ")):
            m = SAMPLE_LINE.match(line)
            out.append((dict(LABEL.findall(m.group(2) or "")), float(m.group(3))))
    return out


def sample_count(text):
    """Samples (non-comment lines) in an exposition."""
    return sum(1 for line in text.splitlines() if line and not line.startswith("#"))


def get_text(host, port, timeout=30):
    """The /metrics body as text."""
    return kafka_scale.fetch(host, port, timeout=timeout)[2].decode()


def timed_scrapes(scrape, n):
    """`n` sequential calls of `scrape()` -> (status, result): (sorted ms of the good
    ones, errors, last good result). Timeouts, refusals and non-200 count as errors."""
    times, errors, result = [], 0, None
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            status, got = scrape()
        except (OSError, http.client.HTTPException):  # timeout, refused, reset, bad reply
            errors += 1
            continue
        if status != 200:
            errors += 1
            continue
        times.append((time.perf_counter() - t0) * 1000.0)
        result = got
    return sorted(times), errors, result


def http_scrape(host, port, timeout, path="/metrics"):
    """A scrape callable for timed_scrapes: one GET of `path` on a new connection."""
    return lambda: kafka_scale.fetch(host, port, path, timeout)[1:]


def measure(scrape, pid, args, scrapes):
    """Idle CPU of `pid` and its children over --idle-seconds without scrapes; then
    `scrapes` timed scrapes and the CPU they cost the serving process `pid` beyond its
    idle rate (a client worker serves no scrape); then the RSS of `pid` and its children."""
    parent, workers = kafka_scale.idle_cpu(pid, args.idle_seconds)
    cpu0, t0 = kafka_scale.cpu_seconds(pid), time.monotonic()
    times, errors, result = timed_scrapes(scrape, scrapes)
    busy = kafka_scale.cpu_seconds(pid) - cpu0 - parent / 60.0 * (time.monotonic() - t0)
    tree = [pid] + kafka_scale.children(pid)
    rss = [kafka_scale.rss_kib(p).get("VmRSS", 0) / 1024 for p in tree if os.path.exists(f"/proc/{p}")]
    return dict(scrapes=scrapes, errors=errors, times=times, cpu_idle=parent + workers,
                cpu_scrape=max(0.0, busy) / scrapes, rss=rss, result=result)


def probe_rounds(sp, rounds, timeout):
    """Durations (s) of the next `rounds` rounds of the kafka target, from
    streamprobe_probe_rounds_total and streamprobe_probe_duration_seconds."""
    sel = dict(system="kafka", cluster=CLUSTER)

    def latest(text, name):
        return next(v for labels, v in series(text, name) if all(labels.get(k) == x for k, x in sel.items()))

    durations, seen = [], None
    deadline = time.monotonic() + timeout
    while len(durations) < rounds:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(durations)} of {rounds} rounds in {timeout} s")
        text = get_text(sp.host, sp.port)
        done = latest(text, "streamprobe_probe_rounds_total")
        if seen is not None and done > seen:
            durations.append(latest(text, "streamprobe_probe_duration_seconds"))
        seen = done
        time.sleep(1)
    return durations


def wait_until_all_groups(poll, groups, timeout, what):
    """Poll `poll()` (-> number of groups reported) until it reaches `groups`."""
    deadline = time.monotonic() + timeout
    while (n := poll()) < groups:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: {n} of {groups} groups after {timeout} s")
        time.sleep(2)


def agreement(reference, got, level):
    """"equal/compared" of `got` against `reference` ({(group, topic, partition): lag});
    with `level` "group" both sides are compared as per-group sums."""
    if not reference or got is None:
        return "-"
    if level == "group":
        ref = {}
        for (g, _, _), lag in reference.items():
            ref[g] = ref.get(g, 0) + lag
    else:
        ref = reference
    return f"{sum(1 for k, v in ref.items() if got.get(k) == v)}/{len(ref)}"


def partition_lag(text, name, group_label):
    """{(group, topic, partition): lag} from the per-partition lag samples `name`."""
    return {(labels[group_label], labels["topic"], int(labels["partition"])): int(v)
            for labels, v in series(text, name)}


# ------------------------------------------------------------------ exporters
@contextlib.contextmanager
def running_streamprobe(cluster, args, groups, label, per_partition, source):
    """streamprobe on `cluster` (config checked first), once it reports every group."""
    config = STREAMPROBE_CONFIG.format(cluster=CLUSTER, interval=args.interval, bootstrap=cluster.bootstrap_servers,
                                       per_partition=per_partition, source=source)
    with Streamprobe(config, start=False) as sp:
        check = subprocess.run([sp.binary, "--config.check", f"--config.file={sp.config_path}"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"--config.check failed:\n{check.stdout}{check.stderr}")
        sp.start(timeout=300)
        wait_until_all_groups(lambda: len(series(get_text(sp.host, sp.port), "streamprobe_kafka_consumer_group_lag")),
                              groups, 900, label)
        yield sp


def run_streamprobe(cluster, args, groups, label, per_partition, source):
    """One streamprobe run: all groups reported, --rounds rounds, measure."""
    with running_streamprobe(cluster, args, groups, label, per_partition, source) as sp:
        rounds = probe_rounds(sp, args.rounds, 60 + 3 * args.rounds * 60)
        m = measure(http_scrape(sp.host, sp.port, args.scrape_timeout), sp.pid, args, args.scrapes)
    text = (m["result"] or b"").decode()
    if per_partition == "true":
        lag = partition_lag(text, "streamprobe_kafka_consumer_group_partition_lag", "group")
    else:
        lag = {labels["group"]: int(v) for labels, v in series(text, "streamprobe_kafka_consumer_group_lag")}
    return dict(m, label=label, round=rounds, lag=lag, samples=sample_count(text),
                level="partition" if per_partition == "true" else "group")


def wait_for_burrow(burrow, reference, timeout=900):
    """Wait until Burrow has the lag of every partition in `reference`."""
    t0 = time.monotonic()
    groups = sorted({g for g, _, _ in reference})
    while len(burrow.lag(groups)[0].keys() & reference.keys()) < len(reference):
        if time.monotonic() > t0 + timeout:
            raise TimeoutError(f"Burrow: not every sampled partition has lag after {timeout} s; log {burrow.log_path}")
        time.sleep(2)
    print(f"Burrow: lag of all {len(reference)} sampled partitions after {time.monotonic() - t0:.0f} s")


def lag_at_once(cluster, args, groups, sample, burrow):
    """With Burrow running, start streamprobe (per-partition on); then read the sampled
    partitions' lag from Burrow, streamprobe and kafka-consumer-groups back to back."""
    with running_streamprobe(cluster, args, groups, "lag at once", "true", "admin_api") as sp:
        t0 = time.monotonic()
        burrow_lag, _ = burrow.lag(sample)
        sp_lag = partition_lag(get_text(sp.host, sp.port), "streamprobe_kafka_consumer_group_partition_lag", "group")
        tool = reference_lag(cluster, sample)
        window = time.monotonic() - t0
    eq = lambda x, y: sum(1 for k in tool if x.get(k) is not None and x.get(k) == y.get(k))  # noqa: E731
    out = dict(window=window, compared=len(tool), burrow_tool=eq(burrow_lag, tool), sp_tool=eq(sp_lag, tool),
               burrow_sp=eq(burrow_lag, sp_lag),
               differ=[(k, tool[k], burrow_lag.get(k), sp_lag.get(k)) for k in sorted(tool)
                       if not tool[k] == burrow_lag.get(k) == sp_lag.get(k)])
    print(f"lag at once (read within {window:.1f} s), {len(tool)} partitions: Burrow = tool {out['burrow_tool']}, "
          f"streamprobe = tool {out['sp_tool']}, Burrow = streamprobe {out['burrow_sp']}")
    for k, t, bl, sl in out["differ"][:10]:
        print(f"  {k}: tool {t}, Burrow {bl}, streamprobe {sl}")
    return out


def run_burrow(burrow, args, version):
    """Burrow measured alone: a scrape is a full read of every group's lag."""
    m = measure(burrow.scrape, burrow.pid, args, args.peer_scrapes)
    lags = m["result"] or {}
    return dict(m, label=f"Burrow {version}", round=None, lag=lags, samples=len(lags), level="partition")


def start_cluster(stack, args, size, partitions, zookeeper):
    """The Kafka cluster of --kafka, started; (cluster, description)."""
    brokers = brokers_for(partitions)
    if args.kafka == "kafka39-zk":
        cluster = stack.enter_context(KafkaZkCluster(zookeeper, brokers=brokers, jars=JarSet("kafka39"), start=False))
        nodes, mode = cluster.brokers, "ZooKeeper mode"
    else:
        cluster = stack.enter_context(KafkaKraftCluster(controllers=1, brokers=brokers, jars=JarSet(args.kafka),
                                                        start=False))
        nodes, mode = cluster.nodes, "KRaft, 1 controller"
    if size == "L" and args.l_heap:
        set_heap(nodes, args.l_heap)
    cluster.start(timeout=300)
    return cluster, dict(kafka=cluster.jars.version, mode=mode, brokers=brokers)


def run_size(size, partitions, groups, args, peers, loader):
    """Every exporter against one cluster of `partitions` / `groups`: (rows, lag at once, cluster)."""
    rows, at_once = [], None
    with contextlib.ExitStack() as stack:
        zk = stack.enter_context(ZooKeeperEnsemble(size=1))
        cluster, desc = start_cluster(stack, args, size, partitions, zk)
        print(f"\n== {size}: {partitions} partitions, {groups} groups; kafka {desc['kafka']} ({desc['mode']}), "
              f"{desc['brokers']} brokers, up in {cluster.startup_seconds:.1f} s")
        populate(cluster, loader, partitions, groups, args.messages)
        sample = sample_groups(groups, args.sample_groups)
        reference = reference_lag(cluster, sample)
        print(f"kafka-consumer-groups --describe: {len(reference)} partitions of {len(sample)} groups")
        version, binary, _ = peers["Burrow"]
        if binary and args.kafka == "kafka4":
            print("Burrow: skipped, it does not decode Kafka 4's offset commits")
        elif binary:
            with Burrow(binary, cluster.bootstrap_servers, zk.connect_string) as burrow:
                burrow.start(timeout=120)
                wait_for_burrow(burrow, reference)
                at_once = lag_at_once(cluster, args, groups, sample, burrow)
                rows.append(run_burrow(burrow, args, version))
            print(f"Burrow {version}: done")
        for label, per_partition, source in STREAMPROBE_MODES:
            rows.append(run_streamprobe(cluster, args, groups, label, per_partition, source))
            print(f"{label}: done")
        print(f"kafka_exporter: skipped: {peers['kafka_exporter'][2]}")
        burrow_lag = next((r["lag"] for r in rows if r["label"].startswith("Burrow")), None)
        for r in rows:
            r["vs_tool"] = agreement(reference, r["lag"], r["level"])
            r["vs_burrow"] = "-" if r["lag"] is burrow_lag else agreement(
                {k: v for k, v in (burrow_lag or {}).items() if k in reference} or None, r["lag"], r["level"])
    return rows, at_once, desc


# ------------------------------------------------------------------ report
def pct(times, q):
    """The q-quantile of sorted `times` (the same pick as kafka_scale.py), None if empty."""
    return times[min(len(times) - 1, int(q * len(times)))] if times else None


def fmt(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}"


def size_table(rows):
    """Markdown table of one size's rows."""
    head = ("| exporter | scrapes | errors | p50 ms | p99 ms | max ms | RSS MB | CPU-s/min idle | "
            "CPU-s/scrape | samples | probe round s (median / max) | lag = tool | lag = Burrow |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for r in rows:
        t = r["times"]
        rss = f"{sum(r['rss']):.1f}" + (f" ({' + '.join(f'{x:.1f}' for x in r['rss'])})" if len(r["rss"]) > 1 else "")
        rounds = f"{statistics.median(r['round']):.3f} / {max(r['round']):.3f}" if r["round"] else "-"
        lines.append(f"| {r['label']} | {r['scrapes']} | {r['errors']} | {fmt(statistics.median(t) if t else None)} | "
                     f"{fmt(pct(t, 0.99))} | {fmt(t[-1] if t else None)} | {rss} | {r['cpu_idle']:.2f} | "
                     f"{r['cpu_scrape']:.4f} | {r['samples']} | {rounds} | {r['vs_tool']} | {r['vs_burrow']} |")
    return head + "\n".join(lines) + "\n"


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def ratios_table(rows):
    """Each other row against streamprobe (per-partition on): p50, p99, RSS, CPU, round."""
    base = next(r for r in rows if r["label"] == STREAMPROBE_MODES[1][0])

    def figures(r):
        t = r["times"]
        return [statistics.median(t) if t else None, pct(t, 0.99), sum(r["rss"]), r["cpu_idle"],
                r["cpu_scrape"], statistics.median(r["round"]) if r["round"] else None]

    out = ("| ratio | p50 | p99 | RSS | CPU idle | CPU/scrape | probe round |\n"
           "|---|---|---|---|---|---|---|\n")
    for r in rows:
        if r is not base:
            out += (f"| {r['label']} / {base['label']} | "
                    + " | ".join(ratio(a, b) for a, b in zip(figures(r), figures(base))) + " |\n")
    return out


def linearity_table(results, sizes):
    """streamprobe's round, RSS and idle CPU per size, and per 1,000 committed partitions."""
    out = ("| size | mode | committed partitions | round s | RSS MB | CPU-s/min idle | "
           "round ms / 1k | RSS MB / 1k | CPU-s/min / 1k |\n|---|---|---|---|---|---|---|---|---|\n")
    for size in sizes:
        groups = results[size]["groups"]
        k = groups * GROUP_PARTITIONS / 1000.0
        for r in results[size]["rows"]:
            if r["label"].startswith("streamprobe") and r["round"]:
                rnd, rss = statistics.median(r["round"]), sum(r["rss"])
                out += (f"| {size} | {r['label'][12:]} | {groups * GROUP_PARTITIONS} | {rnd:.3f} | {rss:.1f} | "
                        f"{r['cpu_idle']:.2f} | {1000 * rnd / k:.1f} | {rss / k:.2f} | {r['cpu_idle'] / k:.3f} |\n")
    return out


def goals_table(results, sizes):
    """The issue's goals against this run's streamprobe figures."""
    def row_of(size, mode):
        return next((r for r in results[size]["rows"] if r["label"] == STREAMPROBE_MODES[mode][0]), None) \
            if size in results else None

    p99 = {(s, m): pct(row_of(s, m)["times"], 0.99) for s in sizes for m in range(len(STREAMPROBE_MODES))}
    worst = max((v for v in p99.values() if v is not None), default=None)
    out = "| goal | measured | met? |\n|---|---|---|\n"
    out += ("| scrape p99 <= 5 ms at every size | " + ", ".join(
        f"{s}: " + " / ".join(fmt(p99[(s, m)]) for m in range(len(STREAMPROBE_MODES))) for s in sizes)
        + " ms (off / on / on+offsets_topic) | " + ("yes" if worst is not None and worst <= 5 else "no") + " |\n")
    m_on = row_of("M", 1)
    if m_on:
        total = sum(m_on["rss"])
        out += (f"| RSS <= 100 MB at M, per-partition on | {total:.1f} MB (streamprobe {m_on['rss'][0]:.1f} + "
                f"client worker {total - m_on['rss'][0]:.1f}) | {'yes' if total <= 100 else 'no'} |\n")
    for mode in (1, 2):
        r = row_of("L", mode)
        if r:
            rnd = statistics.median(r["round"])
            out += (f"| probe round <= 5 s at L ({STREAMPROBE_MODES[mode][2]}) | median {rnd:.3f} s, "
                    f"max {max(r['round']):.3f} s | {'yes' if rnd <= 5 else 'no'} |\n")
    out += "| cost linear from S to L | see the per-1k columns of the linearity table | see text |\n"
    return out


def at_once_table(results, sizes):
    """The lag-at-once comparison per size."""
    out = ("| size | sampled partitions | read within s | Burrow = tool | streamprobe = tool | Burrow = streamprobe |\n"
           "|---|---|---|---|---|---|\n")
    for size in sizes:
        a = results[size]["at_once"]
        if a:
            n = a["compared"]
            out += (f"| {size} | {n} | {a['window']:.1f} | {a['burrow_tool']}/{n} | {a['sp_tool']}/{n} | "
                    f"{a['burrow_sp']}/{n} |\n")
    return out


def report(results, sizes, peers, meta):
    """The whole result as Markdown."""
    out = [f"Command: `{meta['command']}`  ", f"Date: {meta['date']}  ",
           f"Kafka {meta['kafka']} ({meta['mode']}, harness); streamprobe {meta['streamprobe']} at commit "
           f"{meta['commit']}  "]
    version, binary, reason = peers["Burrow"]
    out.append(f"Burrow {version} (Debian package burrow)  " if binary else f"Burrow: NOT INSTALLED ({reason})  ")
    out.append(f"kafka_exporter: skipped ({peers['kafka_exporter'][2]})  ")
    for size in sizes:
        r = results[size]
        out += ["", f"### {size}: {r['partitions']} partitions, {r['groups']} groups ({r['brokers']} brokers)", "",
                size_table(r["rows"]), ratios_table(r["rows"])]
    out += ["### Lag at once (Burrow and streamprobe running together)", "", at_once_table(results, sizes),
            "### Linearity (streamprobe)", "", linearity_table(results, sizes),
            "### Goals", "", goals_table(results, sizes)]
    return "\n".join(out)


def run_meta(binary, command, commit):
    """Command, date and versions for the report header."""
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    commit = commit or subprocess.run(["git", "-C", REPO_ROOT, "rev-parse", "--short", "HEAD"],
                                      capture_output=True, text=True).stdout.strip() or "unknown"
    return dict(command=command, date=time.strftime("%Y-%m-%d", time.gmtime()),
                streamprobe=version.replace("streamprobe ", ""), commit=commit)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="S,M", help="comma-separated of S, M, L")
    parser.add_argument("--kafka", choices=["kafka39-zk", "kafka39", "kafka4"], default="kafka39-zk",
                        help="Kafka 3.9 in ZooKeeper mode, or KRaft with the harness jar set kafka39 or kafka4")
    parser.add_argument("--l-partitions", type=int, default=50000)
    parser.add_argument("--l-groups", type=int, default=5000)
    parser.add_argument("--l-heap", default="1g", help="heap of every Kafka node at L (harness default: 256m)")
    parser.add_argument("--scrapes", type=int, default=200, help="timed scrapes of streamprobe")
    parser.add_argument("--peer-scrapes", type=int, default=20, help="timed scrapes (full reads) of Burrow")
    parser.add_argument("--scrape-timeout", type=float, default=120)
    parser.add_argument("--idle-seconds", type=float, default=60, help="wall seconds of the idle CPU reading")
    parser.add_argument("--rounds", type=int, default=4, help="streamprobe rounds to time")
    parser.add_argument("--interval", default="15s", help="streamprobe kafka interval (= timeout)")
    parser.add_argument("--messages", type=int, default=2000, help="keyed messages produced on scale-0")
    parser.add_argument("--sample-groups", type=int, default=10, help="groups whose lag is compared")
    parser.add_argument("--out", help="also write the result as Markdown to this file")
    parser.add_argument("--commit", help="commit the streamprobe binary was built from (default: HEAD here)")
    args = parser.parse_args()
    args.sizes = [s.strip().upper() for s in args.sizes.split(",")]
    if not set(args.sizes) <= {"S", "M", "L"}:
        parser.error("--sizes takes S, M and L")
    return args


def main():
    args = parse_args()
    command = "/usr/bin/python3 bench/peers.py " + " ".join(sys.argv[1:])
    sizes = dict(SIZES, L=(args.l_partitions, args.l_groups))
    meta = run_meta(os.path.abspath(default_binary()), command, args.commit)
    burrow, version = install_burrow()
    print(f"Burrow {version}: {burrow}" if burrow else f"Burrow: NOT INSTALLED, left out of this run: {version}")
    peers = {"Burrow": (version, burrow, None if burrow else version),
             "kafka_exporter": (None, None, kafka_exporter_skipped())}
    print(f"kafka_exporter: skipped: {peers['kafka_exporter'][2]}")
    loader = kafka_scale.build_loader()
    results = {}
    for size in args.sizes:
        partitions, groups = sizes[size]
        rows, at_once, cluster = run_size(size, partitions, groups, args, peers, loader)
        results[size] = dict(rows=rows, at_once=at_once, partitions=partitions, groups=groups,
                             brokers=cluster["brokers"])
        meta.update(kafka=cluster["kafka"], mode=cluster["mode"])
        print()
        print(size_table(rows))
    text = report(results, args.sizes, peers, meta)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if rundir.is_temporary():
        rundir.remove()


if __name__ == "__main__":
    main()
