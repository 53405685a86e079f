#!/usr/bin/env python3
"""Side by side: streamprobe, kafka_exporter and Burrow on one real Kafka cluster.

Installs the peers by name at exact versions (`go install module@version`, GOPATH,
GOMODCACHE, GOCACHE and GOBIN under --peer-cache; a peer the Go module proxy refuses is
reported and left out, the run goes on without it). Then, per size (S: 1k partitions /
100 groups, M: 10k / 1k, L: --l-partitions / --l-groups), it starts a KRaft cluster
through the test harness (Kafka 4.x, or 3.9 with --kafka kafka39; 1 controller + enough
brokers that none hosts more partitions than its open-file limit allows), creates topics of 100 partitions and groups
that commit offsets on 10 partitions each (bench/kafka_scale.py's librdkafka loader),
produces --messages keyed messages so lags are non-zero, stops producing, reads the lag of
--sample-groups groups with kafka-consumer-groups --describe, and runs one exporter at a
time on the unchanged cluster:

  * Burrow (consumer from __consumer_offsets, HTTP API; needs a ZooKeeper, started for it)
  * streamprobe with consumer_groups.per_partition off, on, and on with
    offsets_source: offsets_topic (series_budget 1000000, so everything is exported)
  * kafka_exporter (each scrape does the whole collection; --peer-scrapes, --scrape-timeout)

For each it reports scrapes, errors, p50/p99/max scrape (connect to last byte), RSS
(VmRSS of the process and its children), CPU-s/min idle (no scrapes, --idle-seconds),
CPU-s per scrape (CPU of the serving process during the scrapes minus its idle rate),
samples in the exposition, the probe round (streamprobe_probe_duration_seconds; for
kafka_exporter its scrape) and lag equality: sampled partitions whose lag equals
kafka-consumer-groups', and Burrow's (per group with per-partition off).

    cp build/streamprobe "$TMP/streamprobe"          # benchmark a copy, not build/
    STREAMPROBE_BIN="$TMP/streamprobe" STREAMPROBE_JARS=build/jars \\
        /usr/bin/python3 bench/peers.py --sizes S,M,L --out peers.md
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
from harness.kraft import KafkaKraftCluster
from harness.ports import free_port, is_listening
from harness.proc import ServerProcess
from harness.streamprobe import Streamprobe, default_binary
from harness.tools import KafkaTools, parse_consumer_groups_describe
from harness.zookeeper import ZooKeeperEnsemble

SIZES = {"S": (1000, 100), "M": (10000, 1000)}  # partitions, groups; L from the flags
PARTITIONS_PER_TOPIC = 100   # the loader commits on partitions (i + p) % 100 of scale-0
GROUP_PARTITIONS = 10
CLUSTER = "peers"
PEERS = {  # name: (module, exact version)
    "kafka_exporter": ("github.com/danielqsj/kafka_exporter", "v1.9.0"),
    "Burrow": ("github.com/linkedin/Burrow", "v1.9.4"),
}
NEWER_GO = "go1.27.3"        # the approved toolchain for modules that need a newer Go
KAFKA_EXPORTER_KAFKA_VERSION = "3.9.0"  # sarama's protocol level; 4.x brokers serve it
BURROW_KAFKA_VERSION = "2.0.0"          # a version string every Burrow 1.x since 1.2 parses

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

BURROW_CONFIG = """\
[general]
pidfile="{dir}/burrow.pid"
[logging]
level="warn"
[zookeeper]
servers=["{zookeeper}"]
root-path="/burrow"
[client-profile.bench]
client-id="burrow-bench"
kafka-version="{kafka_version}"
[cluster.{cluster}]
class-name="kafka"
servers=[{servers}]
client-profile="bench"
topic-refresh=60
offset-refresh=10
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
def install_peer(module, version, cache):
    """`go install module@version` with GOPATH, GOMODCACHE, GOCACHE and GOBIN under `cache`
    (a binary installed before is reused). Returns (binary, None), or (None, reason) when
    go or the module proxy refuses; retried once with NEWER_GO if the module needs it."""
    name = module.rsplit("/", 1)[1]
    gobin = os.path.join(cache, "bin", f"{name}@{version}")
    binary = os.path.join(gobin, name)
    if os.access(binary, os.X_OK):
        return binary, None
    go = shutil.which("go") or "/usr/bin/go"
    env = dict(os.environ, GOPATH=os.path.join(cache, "gopath"), GOMODCACHE=os.path.join(cache, "gomod"),
               GOCACHE=os.path.join(cache, "gocache"), GOBIN=gobin)
    for toolchain in (env.get("GOTOOLCHAIN"), NEWER_GO):
        if toolchain:
            env["GOTOOLCHAIN"] = toolchain
        p = subprocess.run([go, "install", f"{module}@{version}"], env=env, capture_output=True,
                           text=True, timeout=1800)
        if p.returncode == 0:
            return binary, None
        if "requires go >=" not in p.stderr:
            break
    return None, " ".join(p.stderr.split())[:400]


def install_peers(cache):
    """{name: (version, binary or None, reason or None)} for every peer in PEERS."""
    out = {}
    for name, (module, version) in PEERS.items():
        binary, reason = install_peer(module, version, cache)
        if binary:
            print(f"{name} {version}: {binary}")
        else:
            print(f"{name} {version}: NOT INSTALLED, left out of this run: {reason}")
        out[name] = (version, binary, reason)
    return out


class KafkaExporter(ServerProcess):
    """kafka_exporter on 127.0.0.1:<free port> against every broker of `bootstrap`."""

    def __init__(self, binary, bootstrap):
        self.host, self.port = "127.0.0.1", free_port()
        d = rundir.new_dir("kafka-exporter")
        argv = ([binary] + [f"--kafka.server={b}" for b in bootstrap.split(",")]
                + [f"--kafka.version={KAFKA_EXPORTER_KAFKA_VERSION}",
                   f"--web.listen-address={self.host}:{self.port}"])
        super().__init__("kafka_exporter", argv, os.path.join(d, "kafka_exporter.log"),
                         ready=lambda p: is_listening(p.host, p.port))


class Burrow(ServerProcess):
    """Burrow reading __consumer_offsets of `bootstrap`, HTTP API on 127.0.0.1:<free port>."""

    def __init__(self, binary, bootstrap, zookeeper):
        self.host, self.port = "127.0.0.1", free_port()
        d = rundir.new_dir("burrow")
        with open(os.path.join(d, "burrow.toml"), "w") as f:
            f.write(BURROW_CONFIG.format(dir=d, zookeeper=zookeeper, kafka_version=BURROW_KAFKA_VERSION,
                                         cluster=CLUSTER, host=self.host, port=self.port,
                                         servers=", ".join(f'"{b}"' for b in bootstrap.split(","))))
        super().__init__("burrow", [binary, "--config-dir", d], os.path.join(d, "burrow.log"),
                         ready=lambda p: p.get_status("/burrow/admin") == 200)

    def get_status(self, path):
        """HTTP status of GET `path`, None when nothing answers."""
        try:
            return kafka_scale.fetch(self.host, self.port, path, timeout=5)[1]
        except (OSError, http.client.HTTPException):
            return None

    def lag(self, groups):
        """{(group, topic, partition): current_lag} from /v3/kafka/<cluster>/consumer/<group>/lag."""
        out = {}
        for g in groups:
            _, status, body = kafka_scale.fetch(self.host, self.port, f"/v3/kafka/{CLUSTER}/consumer/{g}/lag")
            if status == 200:
                for p in json.loads(body)["status"]["partitions"] or []:
                    out[(g, p["topic"], p["partition"])] = p["current_lag"]
        return out


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


def populate(kraft, loader, partitions, groups, messages):
    """Topics of PARTITIONS_PER_TOPIC partitions, `groups` groups with commits on
    GROUP_PARTITIONS partitions of scale-0, then `messages` keyed messages on scale-0.
    Group bench-0 is committed alone first: that creates __consumer_offsets, whose leaders
    come late while brokers still create tens of thousands of logs."""
    bootstrap = kraft.bootstrap_servers
    kafka_scale.create_topics(loader, bootstrap, partitions // PARTITIONS_PER_TOPIC, PARTITIONS_PER_TOPIC)
    commit_with_retries(loader, bootstrap, 1, attempts=10)
    commit_with_retries(loader, bootstrap, groups, attempts=2)
    kafka_scale.produce_some(kraft, "scale-0", messages)


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


def reference_lag(kraft, groups):
    """{(group, topic, partition): LAG} of one kafka-consumer-groups --describe of `groups`."""
    tools = KafkaTools(kraft.bootstrap_servers, kraft.jars, timeout=600)
    args = ["--bootstrap-server", kraft.bootstrap_servers, "--describe"]
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


def timed_scrapes(host, port, path, n, timeout):
    """`n` sequential GETs: (sorted ms of the good ones, errors, last good body)."""
    times, errors, body = [], 0, b""
    for _ in range(n):
        try:
            ms, status, data = kafka_scale.fetch(host, port, path, timeout)
        except (OSError, http.client.HTTPException):  # timeout, refused, reset, bad reply
            errors += 1
            continue
        if status != 200:
            errors += 1
            continue
        times.append(ms)
        body = data
    return sorted(times), errors, body


def measure(host, port, pid, args, scrapes, path="/metrics"):
    """Idle CPU of `pid` and its children over --idle-seconds without scrapes; then
    `scrapes` timed scrapes and the CPU they cost the serving process `pid` beyond its
    idle rate (a client worker serves no scrape); then the RSS of `pid` and its children."""
    parent, workers = kafka_scale.idle_cpu(pid, args.idle_seconds)
    cpu0, t0 = kafka_scale.cpu_seconds(pid), time.monotonic()
    times, errors, body = timed_scrapes(host, port, path, scrapes, args.scrape_timeout)
    busy = kafka_scale.cpu_seconds(pid) - cpu0 - parent / 60.0 * (time.monotonic() - t0)
    tree = [pid] + kafka_scale.children(pid)
    rss = [kafka_scale.rss_kib(p).get("VmRSS", 0) / 1024 for p in tree if os.path.exists(f"/proc/{p}")]
    return dict(scrapes=scrapes, errors=errors, times=times, cpu_idle=parent + workers,
                cpu_scrape=max(0.0, busy) / scrapes, rss=rss, text=body.decode())


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
def run_streamprobe(kraft, args, groups, label, per_partition, source):
    """One streamprobe run: config check, all groups reported, --rounds rounds, measure."""
    config = STREAMPROBE_CONFIG.format(cluster=CLUSTER, interval=args.interval, bootstrap=kraft.bootstrap_servers,
                                       per_partition=per_partition, source=source)
    with Streamprobe(config, start=False) as sp:
        check = subprocess.run([sp.binary, "--config.check", f"--config.file={sp.config_path}"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"--config.check failed:\n{check.stdout}{check.stderr}")
        sp.start(timeout=300)
        wait_until_all_groups(lambda: len(series(get_text(sp.host, sp.port), "streamprobe_kafka_consumer_group_lag")),
                              groups, 900, label)
        rounds = probe_rounds(sp, args.rounds, 60 + 3 * args.rounds * 60)
        m = measure(sp.host, sp.port, sp.pid, args, args.scrapes)
    if per_partition == "true":
        lag = partition_lag(m["text"], "streamprobe_kafka_consumer_group_partition_lag", "group")
    else:
        lag = {labels["group"]: int(v) for labels, v in series(m["text"], "streamprobe_kafka_consumer_group_lag")}
    return dict(m, label=label, round=rounds, lag=lag, level="partition" if per_partition == "true" else "group")


def run_kafka_exporter(kraft, args, version, binary):
    """kafka_exporter: one warm-up scrape (not counted), then measure; its round is its scrape."""
    with KafkaExporter(binary, kraft.bootstrap_servers) as ke:
        ke.start(timeout=120)
        timed_scrapes(ke.host, ke.port, "/metrics", 1, args.scrape_timeout)
        m = measure(ke.host, ke.port, ke.pid, args, args.peer_scrapes)
    rounds = [ms / 1000.0 for ms in m["times"]]
    return dict(m, label=f"kafka_exporter {version}", round=rounds,
                lag=partition_lag(m["text"], "kafka_consumergroup_lag", "consumergroup"), level="partition")


def run_burrow(kraft, args, version, binary, sample, zookeeper):
    """Burrow: wait until every sampled group has lag for all its partitions, then
    measure its /metrics; lag from its HTTP API."""
    with Burrow(binary, kraft.bootstrap_servers, zookeeper) as b:
        b.start(timeout=120)
        wait_until_all_groups(lambda: len({k[0] for k in b.lag(sample)}), len(sample), 900, "Burrow")
        m = measure(b.host, b.port, b.pid, args, args.peer_scrapes)
        lag = b.lag(sample)
    return dict(m, label=f"Burrow {version}", round=None, lag=lag, level="partition")


def run_size(size, partitions, groups, args, peers, loader):
    """Every exporter against one cluster of `partitions` / `groups`; returns the rows."""
    rows = []
    with contextlib.ExitStack() as stack:
        brokers = brokers_for(partitions)
        kraft = stack.enter_context(KafkaKraftCluster(controllers=1, brokers=brokers, jars=JarSet(args.kafka),
                                                      start=False))
        if size == "L" and args.l_heap:
            set_heap(kraft.nodes, args.l_heap)
        kraft.start(timeout=300)
        print(f"\n== {size}: {partitions} partitions, {groups} groups; kafka {kraft.version} kraft, "
              f"1 controller + {brokers} brokers, up in {kraft.startup_seconds:.1f} s")
        populate(kraft, loader, partitions, groups, args.messages)
        sample = sample_groups(groups, args.sample_groups)
        reference = reference_lag(kraft, sample)
        print(f"kafka-consumer-groups --describe: {len(reference)} partitions of {len(sample)} groups")
        version, binary, _ = peers["Burrow"]
        burrow_lag = None
        if binary:
            zk = stack.enter_context(ZooKeeperEnsemble(size=1))
            rows.append(run_burrow(kraft, args, version, binary, sample, zk.connect_string))
            burrow_lag = rows[-1]["lag"]
        for label, per_partition, source in STREAMPROBE_MODES:
            rows.append(run_streamprobe(kraft, args, groups, label, per_partition, source))
            print(f"{label}: done")
        version, binary, _ = peers["kafka_exporter"]
        if binary:
            rows.append(run_kafka_exporter(kraft, args, version, binary))
        for r in rows:
            r["vs_tool"] = agreement(reference, r["lag"], r["level"])
            r["vs_burrow"] = "-" if r["lag"] is burrow_lag else agreement(burrow_lag, r["lag"], r["level"])
        cluster = dict(kafka=kraft.version, brokers=brokers)
    return rows, cluster


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
                     f"{r['cpu_scrape']:.4f} | {sample_count(r['text'])} | {rounds} | {r['vs_tool']} | {r['vs_burrow']} |")
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


def report(results, sizes, peers, meta):
    """The whole result as Markdown."""
    out = [f"Command: `{meta['command']}`  ", f"Date: {meta['date']}  ",
           f"Kafka {meta['kafka']} (KRaft, harness); streamprobe {meta['streamprobe']} at commit {meta['commit']}  "]
    for name, (version, binary, reason) in peers.items():
        out.append(f"{name} {version}: " + ("installed with go install  " if binary else f"NOT INSTALLED ({reason})  "))
    for size in sizes:
        r = results[size]
        out += ["", f"### {size}: {r['partitions']} partitions, {r['groups']} groups "
                    f"(1 controller + {r['brokers']} brokers)", "", size_table(r["rows"]), ratios_table(r["rows"])]
    out += ["### Linearity (streamprobe)", "", linearity_table(results, sizes),
            "### Goals", "", goals_table(results, sizes)]
    return "\n".join(out)


def run_meta(binary, command):
    """Command, date and versions for the report header."""
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", REPO_ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return dict(command=command, date=time.strftime("%Y-%m-%d", time.gmtime()),
                streamprobe=version.replace("streamprobe ", ""), commit=commit)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="S,M", help="comma-separated of S, M, L")
    parser.add_argument("--kafka", choices=["kafka4", "kafka39"], default="kafka4",
                        help="harness jar set of the KRaft cluster: Kafka 4.x or 3.9")
    parser.add_argument("--l-partitions", type=int, default=50000)
    parser.add_argument("--l-groups", type=int, default=5000)
    parser.add_argument("--l-heap", default="1g", help="heap of every Kafka node at L (harness default: 256m)")
    parser.add_argument("--scrapes", type=int, default=200, help="timed scrapes of streamprobe")
    parser.add_argument("--peer-scrapes", type=int, default=5, help="timed scrapes of kafka_exporter and Burrow")
    parser.add_argument("--scrape-timeout", type=float, default=120)
    parser.add_argument("--idle-seconds", type=float, default=60, help="wall seconds of the idle CPU reading")
    parser.add_argument("--rounds", type=int, default=4, help="streamprobe rounds to time")
    parser.add_argument("--interval", default="15s", help="streamprobe kafka interval (= timeout)")
    parser.add_argument("--messages", type=int, default=2000, help="keyed messages produced on scale-0")
    parser.add_argument("--sample-groups", type=int, default=10, help="groups whose lag is compared")
    parser.add_argument("--peer-cache", default=os.path.join(REPO_ROOT, "build", "bench-peers"))
    parser.add_argument("--out", help="also write the result as Markdown to this file")
    args = parser.parse_args()
    args.sizes = [s.strip().upper() for s in args.sizes.split(",")]
    if not set(args.sizes) <= {"S", "M", "L"}:
        parser.error("--sizes takes S, M and L")
    return args


def main():
    args = parse_args()
    command = "/usr/bin/python3 bench/peers.py " + " ".join(sys.argv[1:])
    sizes = dict(SIZES, L=(args.l_partitions, args.l_groups))
    meta = run_meta(os.path.abspath(default_binary()), command)
    peers = install_peers(args.peer_cache)
    loader = kafka_scale.build_loader()
    results = {}
    for size in args.sizes:
        partitions, groups = sizes[size]
        rows, cluster = run_size(size, partitions, groups, args, peers, loader)
        results[size] = dict(rows=rows, partitions=partitions, groups=groups, brokers=cluster["brokers"])
        meta["kafka"] = cluster["kafka"]
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
