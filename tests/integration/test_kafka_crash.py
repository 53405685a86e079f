"""The Kafka client worker process against a real 3-broker ZooKeeper-mode Kafka 3.9
cluster: librdkafka crashes (librdkafka #5040, SIGSEGV in rd_kafka_handle_OffsetFetch on
NOT_COORDINATOR while the controller broker is killed) and worker kills cost a round,
never the streamprobe process."""
import os
import signal
import sys
import time

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness import rundir  # noqa: E402
from harness.proc import ServerProcess  # noqa: E402
from harness.tools import MAIN_CLASSES, KafkaTools  # noqa: E402
from harness.wait import wait_until  # noqa: E402

GROUPS = [f"crash-committer-{i}" for i in range(5)]
TOPIC = "crash-load"
KILLS = 20
WORKER_FLAG = "--internal.kafka-client-worker"
SHOW = ("streamprobe_kafka_client", "streamprobe_probe_", "streamprobe_kafka_consumer_group_lag")


def config(cluster):
    return f"""
clusters:
  - name: crash
    kafka:
      interval: 1s
      timeout: 900ms
      bootstrap: [{cluster.bootstrap_servers}]
      zookeeper: {{connect: "{cluster.ensemble.connect_string}", chroot: {cluster.chroot}}}
"""


def target(cluster):
    return cluster.bootstrap_servers.split(",")[0]


def groups_with_lag(scrape):
    return {s.labels["group"] for s in scrape.samples("streamprobe_kafka_consumer_group_lag",
                                                      cluster="crash")}


def rounds(scrape, cluster):
    return scrape.value("streamprobe_probe_rounds_total", system="kafka", target=target(cluster)) or 0


def worker_pids(parent_pid):
    """Pids of streamprobe's Kafka client workers, found by their argv."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if len(argv) > 1 and argv[1] == WORKER_FLAG.encode() and ppid == parent_pid:
            pids.append(int(entry))
    return pids


@pytest.fixture(scope="module")
def committers(kafka_zk):
    """Five console consumers, one per group, committing offsets every 200 ms."""
    tools = KafkaTools(kafka_zk.bootstrap_servers)
    tools.create_topic(TOPIC, partitions=3, replication_factor=3)
    tools.produce(TOPIC, [f"m{i}" for i in range(200)])
    main = MAIN_CLASSES["console-consumer"][tools.jars.major]
    procs = []
    for group in GROUPS:
        args = ["--bootstrap-server", kafka_zk.bootstrap_servers, "--topic", TOPIC,
                "--group", group, "--from-beginning",
                "--consumer-property", "enable.auto.commit=true",
                "--consumer-property", "auto.commit.interval.ms=200"]
        argv = tools.jars.java_argv(main, args, tools.dir, tools=True, heap="64m")
        log = os.path.join(rundir.new_dir(group), "committer.log")
        procs.append(ServerProcess(group, argv, log).start(wait=False))
    yield procs
    for p in procs:
        p.stop(grace=5)


def test_worker_killed_by_signal_costs_one_round(kafka_zk, committers, streamprobe_factory):
    sp = streamprobe_factory(config(kafka_zk))
    sp.wait_for(lambda s: s.value("streamprobe_kafka_client_worker_up", target=target(kafka_zk)) == 1
                and len(groups_with_lag(s)) == len(GROUPS), timeout=90,
                what="worker up, lag for every group", show=SHOW)
    for n, sig in enumerate((signal.SIGSEGV, signal.SIGKILL), start=1):
        pids = wait_until(lambda: worker_pids(sp.pid), 10, what="the worker process")
        os.kill(pids[0], sig)
        s = sp.wait_for(lambda s: (s.value("streamprobe_kafka_client_restarts_total",
                                           target=target(kafka_zk)) or 0) >= n, timeout=30,
                        what=f"restart #{n}", show=SHOW)
        assert sp.running, "streamprobe itself must survive its worker's death"
        log = sp.log_text()
        assert f"kafka client crashed: signal {int(sig)}" in log, sp.log_tail(20)
        sp.wait_for(lambda s: len(groups_with_lag(s)) == len(GROUPS)
                    and s.value("streamprobe_probe_success", system="kafka",
                                target=target(kafka_zk)) == 1, timeout=30,
                    what="lag back after the restart", show=SHOW)
    failures = s.value("streamprobe_probe_failures_total", system="kafka",
                       target=target(kafka_zk), reason="other")
    assert failures and failures >= 2


def test_controller_kill9_repeated_never_kills_streamprobe(kafka_zk, committers, streamprobe_factory):
    sp = streamprobe_factory(config(kafka_zk))
    sp.wait_for(lambda s: len(groups_with_lag(s)) == len(GROUPS), timeout=90,
                what="lag for every group", show=SHOW)
    started = time.monotonic()
    late = []
    for kill in range(KILLS):
        old = wait_until(kafka_zk.controller_id, 60, what="a controller")
        kafka_zk.broker(old).kill9()
        wait_until(lambda: kafka_zk.controller_id() not in (None, old), 60,
                   what=f"kill {kill}: a new controller")
        kafka_zk.broker(old).start(wait=False)
        kafka_zk.wait_broker_registered(old, timeout=90)
        assert sp.running, f"streamprobe exited at kill {kill}:\n{sp.log_tail(30)}"
        base = rounds(sp.scrape(), kafka_zk)
        s = sp.wait_for(lambda s: len(groups_with_lag(s)) == len(GROUPS)
                        or rounds(s, kafka_zk) > base + 2, timeout=30,
                        what=f"kill {kill}: lag back or two rounds passed", show=SHOW)
        if len(groups_with_lag(s)) != len(GROUPS):
            late.append(kill)
    kafka_zk.wait_ready(timeout=120)
    s = sp.scrape()
    print(f"{KILLS} controller kills in {time.monotonic() - started:.0f} s; worker restarts "
          f"{s.value('streamprobe_kafka_client_restarts_total', target=target(kafka_zk))}")
    assert sp.running, sp.log_tail(30)
    assert not late, f"lag not back within two rounds after kills {late}"
