"""The kafka_connect backend against REAL Kafka Connect 3.9 workers.

Harness fixture ``connect``: a distributed group of 2 workers on the harness Kafka 3.9
(ZooKeeper mode, 3 brokers), FileStream connectors only.  The tests drive Connect's REST
API themselves (create, pause, stop, resume, delete); streamprobe only reads.

Order matters (pytest runs this file top to bottom): the last test stops Kafka, which is
fine because this file is its own pytest session with its own fixtures.

Probing: kafka_connect interval 1s / timeout 800ms; the kafka section (for the cluster-id
cross-check) interval 2s.  Measured detection times are printed (run with -s) and
collected in MEASURED.
"""
import json
import os
import shutil
import subprocess
import time

import pytest

from harness.connect import FILE_SINK, FILE_SOURCE
from harness.wait import wait_until

CLUSTER = "it"
JDBC_SINK = "io.confluent.connect.jdbc.JdbcSinkConnector"
EXPECTED = ["fs-running", "fs-failing", "fs-lifecycle", "fs-deleted"]
MEASURED = {}


def config(connect, kafka_zk, interval="1s", timeout="800ms"):
    workers = ", ".join(f'"{w.url}"' for w in connect.workers)
    bootstrap = ", ".join(f'"{b}"' for b in kafka_zk.bootstrap_servers.split(","))
    return f"""
clusters:
  - name: {CLUSTER}
    kafka:
      interval: 2s
      timeout: 1500ms
      bootstrap: [{bootstrap}]
    kafka_connect:
      interval: {interval}
      timeout: {timeout}
      workers: [{workers}]
      expected_connectors: [{", ".join(EXPECTED)}]
      expected_plugins: [{FILE_SOURCE}, {JDBC_SINK}]
"""


@pytest.fixture(scope="module")
def sp(connect, kafka_zk, tmp_path_factory):
    from harness.streamprobe import Streamprobe, default_binary
    try:
        default_binary()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    files = tmp_path_factory.mktemp("connect-files")
    probe = Streamprobe(config(connect, kafka_zk))
    probe.files = files
    try:
        yield probe
    finally:
        probe.stop()


def targets(sp):
    return {t["target"]: t for t in sp.get("/api/v1/targets").json()["targets"]
            if t["system"] == "kafka_connect"}


def put_config(connect, name, cfg):
    def attempt():
        r = connect.rest("PUT", f"/connectors/{name}/config", json=cfg)
        if r.status_code == 409:
            return None
        r.raise_for_status()
        return True
    wait_until(attempt, 60, interval=0.5, what=f"connector {name} created")


def source(path, topic):
    """A FileStreamSource config. The harness Kafka has auto.create.topics.enable=false, so
    the topic is created by Connect itself (KIP-158); without it the producer blocks and
    the task cannot even be paused."""
    return {"connector.class": FILE_SOURCE, "tasks.max": "1", "file": str(path), "topic": topic,
            "topic.creation.default.replication.factor": "1",
            "topic.creation.default.partitions": "1"}


def lifecycle(connect, name, verb):
    def attempt():
        r = connect.rest("PUT", f"/connectors/{name}/{verb}")
        return r.status_code in (200, 202, 204)
    wait_until(attempt, 30, interval=0.5, what=f"{verb} {name}")


def state(scrape, metric, **labels):
    """The state whose state-set series is 1, or None."""
    on = [s.labels["state"] for s in scrape.samples(metric, cluster=CLUSTER, **labels) if s.value == 1]
    return on[0] if on else None


def timed(name, sp, predicate, timeout=60, what=None, show=("streamprobe_kafka_connect_",)):
    t0 = time.monotonic()
    scrape = sp.wait_for(predicate, timeout=timeout, interval=0.25, what=what or name, show=show)
    MEASURED[name] = round(time.monotonic() - t0, 1)
    print(f"\nmeasured: {name}: {MEASURED[name]} s")
    return scrape


def test_workers_up_healthy_and_on_the_kafka_cluster(sp, connect):
    for w in connect.workers:
        s = timed(f"worker {w.index} healthy and matched", sp, lambda s, w=w: (
            s.value("streamprobe_kafka_connect_worker_up", cluster=CLUSTER, worker=w.url) == 1
            and state(s, "streamprobe_kafka_connect_worker_health", worker=w.url) == "healthy"
            and s.value("streamprobe_kafka_connect_worker_kafka_cluster_match",
                        cluster=CLUSTER, worker=w.url) == 1), timeout=60)
        info = s.samples("streamprobe_kafka_connect_worker_info", cluster=CLUSTER, worker=w.url)
        assert info and info[0].labels["version"].startswith("3.9")
        assert s.value("streamprobe_probe_success", cluster=CLUSTER, system="kafka_connect",
                       target=w.url) == 1
    s = sp.scrape()
    assert s.value("streamprobe_kafka_connect_plugin_missing", cluster=CLUSTER, **{"class": FILE_SOURCE}) == 0
    assert s.value("streamprobe_kafka_connect_plugin_missing", cluster=CLUSTER, **{"class": JDBC_SINK}) == 1


def test_1_file_source_running_with_its_task(sp, connect):
    src = sp.files / "readable.txt"
    src.write_text("one\ntwo\n")
    put_config(connect, "fs-running", source(src, "fs-running-lines"))
    connect.wait_connector_state("fs-running", "RUNNING")
    s = timed("connector RUNNING seen", sp, lambda s: (
        state(s, "streamprobe_kafka_connect_connector_state", connector="fs-running") == "RUNNING"
        and state(s, "streamprobe_kafka_connect_task_state", connector="fs-running", task="0") == "RUNNING"))
    assert s.value("streamprobe_kafka_connect_connector_tasks", cluster=CLUSTER, connector="fs-running") == 1
    assert s.value("streamprobe_kafka_connect_connector_missing", cluster=CLUSTER, connector="fs-running") == 0
    info = s.samples("streamprobe_kafka_connect_connector_info", cluster=CLUSTER, connector="fs-running")
    assert info[0].labels["type"] == "source" and info[0].labels["class"] == FILE_SOURCE
    actual = connect.connector_status("fs-running")["tasks"][0]["worker_id"]
    task_info = s.samples("streamprobe_kafka_connect_task_info", cluster=CLUSTER, connector="fs-running")
    assert task_info[0].labels["worker_id"] == actual


def test_2_failed_task_counted_with_trace_in_status_json_not_in_labels(sp, connect):
    put_config(connect, "fs-failing", {"connector.class": FILE_SINK, "tasks.max": "1",
                                       "file": "/nonexistent-dir/streamprobe/out.txt",
                                       "topics": "fs-failing-topic"})
    s = timed("failed task seen", sp, lambda s: (
        state(s, "streamprobe_kafka_connect_task_state", connector="fs-failing", task="0") == "FAILED"))
    assert s.value("streamprobe_kafka_connect_connector_failed_tasks", cluster=CLUSTER, connector="fs-failing") == 1
    assert s.value("streamprobe_kafka_connect_failed_tasks", cluster=CLUSTER) == 1
    assert s.value("streamprobe_kafka_connect_connector_failed_tasks", cluster=CLUSTER, connector="fs-running") == 0
    err = s.samples("streamprobe_kafka_connect_task_error_info", cluster=CLUSTER, connector="fs-failing")
    assert err[0].labels["error_class"] == "ConnectException"
    assert "nonexistent-dir" not in s.text and "\tat " not in s.text and "FileStreamSinkTask" not in s.text
    # The cluster listed its connectors: the target succeeds (a FAILED task is its own
    # series and alert, never "the Connect cluster is unavailable").
    assert s.value("streamprobe_probe_success", cluster=CLUSTER, system="kafka_connect",
                   target="connectors") == 1
    t = targets(sp)["connectors"]
    assert t["success"] and t["reason"] == "none"
    assert "fs-failing/0: org.apache.kafka.connect.errors.ConnectException" in t["facts"]["problems"]
    assert "FileStreamSinkTask.start" in t["facts"]["trace/fs-failing/0"]


def test_3_pause_stop_resume(sp, connect):
    src = sp.files / "lifecycle.txt"
    src.write_text("x\n")
    put_config(connect, "fs-lifecycle", source(src, "fs-lifecycle-lines"))
    cs = lambda s: state(s, "streamprobe_kafka_connect_connector_state", connector="fs-lifecycle")  # noqa: E731
    ts = lambda s: state(s, "streamprobe_kafka_connect_task_state", connector="fs-lifecycle", task="0")  # noqa: E731
    timed("lifecycle RUNNING", sp, lambda s: cs(s) == "RUNNING" and ts(s) == "RUNNING")
    lifecycle(connect, "fs-lifecycle", "pause")
    timed("PAUSED seen", sp, lambda s: cs(s) == "PAUSED" and ts(s) == "PAUSED")
    lifecycle(connect, "fs-lifecycle", "stop")
    s = timed("STOPPED seen", sp, lambda s: cs(s) == "STOPPED")
    # A stopped connector has no tasks: its task series vanish.
    assert s.value("streamprobe_kafka_connect_connector_tasks", cluster=CLUSTER, connector="fs-lifecycle") == 0
    assert not s.samples("streamprobe_kafka_connect_task_state", cluster=CLUSTER, connector="fs-lifecycle")
    lifecycle(connect, "fs-lifecycle", "resume")
    timed("RUNNING again seen", sp, lambda s: cs(s) == "RUNNING" and ts(s) == "RUNNING")


def test_4_declared_connector_deleted_is_missing(sp, connect):
    src = sp.files / "deleted.txt"
    src.write_text("x\n")
    put_config(connect, "fs-deleted", source(src, "fs-deleted-lines"))
    timed("fs-deleted present", sp, lambda s: s.value(
        "streamprobe_kafka_connect_connector_missing", cluster=CLUSTER, connector="fs-deleted") == 0)
    assert connect.rest("DELETE", "/connectors/fs-deleted").status_code in (200, 204)
    s = timed("deleted connector reported missing", sp, lambda s: s.value(
        "streamprobe_kafka_connect_connector_missing", cluster=CLUSTER, connector="fs-deleted") == 1)
    assert s.value("streamprobe_kafka_connect_connector_expected", cluster=CLUSTER, connector="fs-deleted") == 1
    assert not s.samples("streamprobe_kafka_connect_connector_state", cluster=CLUSTER, connector="fs-deleted")
    t = targets(sp)["connectors"]
    assert t["success"], t
    assert "missing connectors: fs-deleted" in t["facts"]["problems"]


def _running_tasks(connect, name):
    """Tasks of connector ``name`` that Connect reports as RUNNING (on any worker)."""
    status = connect.rest("GET", f"/connectors/{name}/status").json()
    return [t for t in status.get("tasks", []) if t["state"] == "RUNNING"]


def _tasks_on(connect, worker_id):
    """(connector, task) pairs Connect reports as RUNNING on ``worker_id``."""
    out = []
    for name, entry in connect.rest("GET", "/connectors?expand=status").json().items():
        for t in entry["status"]["tasks"]:
            if t["worker_id"] == worker_id and t["state"] == "RUNNING":
                out.append((name, str(t["id"])))
    return out


def test_5_killed_worker_down_tasks_unassigned_then_running_elsewhere(sp, connect):
    w1, w2 = connect.worker(1), connect.worker(2)
    # Make sure the worker we kill runs at least one task (assignment is Connect's choice).
    extra = 0
    while not _tasks_on(connect, w2.worker_id) and extra < 4:
        extra += 1
        src = sp.files / f"spread-{extra}.txt"
        src.write_text("x\n")
        put_config(connect, f"fs-spread-{extra}", source(src, f"fs-spread-{extra}"))
        wait_until(lambda: _running_tasks(connect, f"fs-spread-{extra}"), timeout=30,
                   what=f"a RUNNING task of fs-spread-{extra}")
    victims = _tasks_on(connect, w2.worker_id)
    assert victims, "no task landed on worker 2"
    conn, task = victims[0]
    timed("victim task RUNNING seen", sp, lambda s: state(
        s, "streamprobe_kafka_connect_task_state", connector=conn, task=task) == "RUNNING")
    w2.kill9()
    try:
        s = timed("killed worker reported down", sp, lambda s: s.value(
            "streamprobe_kafka_connect_worker_up", cluster=CLUSTER, worker=w2.url) == 0, timeout=30)
        assert s.value("streamprobe_probe_failure_reason", cluster=CLUSTER, system="kafka_connect",
                       target=w2.url, reason="refused") == 1
        timed("its task UNASSIGNED", sp, lambda s: state(
            s, "streamprobe_kafka_connect_task_state", connector=conn, task=task) == "UNASSIGNED",
            timeout=30)
        s = timed("its task RUNNING on the other worker", sp, lambda s: (
            state(s, "streamprobe_kafka_connect_task_state", connector=conn, task=task) == "RUNNING"
            and s.samples("streamprobe_kafka_connect_task_info", cluster=CLUSTER, connector=conn,
                          task=task, worker_id=w1.worker_id)), timeout=90)
    finally:
        w2.start(wait=True, timeout=120)
    timed("restarted worker healthy again", sp, lambda s: state(
        s, "streamprobe_kafka_connect_worker_health", worker=w2.url) == "healthy", timeout=60)


def test_5b_hung_worker_times_out_and_listing_falls_back(sp, connect):
    w1, w2 = connect.worker(1), connect.worker(2)
    w1.pause()  # SIGSTOP: accepts TCP connections, never answers
    try:
        s = timed("hung worker reported as timeout, listing from the other worker", sp, lambda s: (
            s.value("streamprobe_probe_failure_reason", cluster=CLUSTER, system="kafka_connect",
                    target=w1.url, reason="timeout") == 1
            and s.value("streamprobe_kafka_connect_worker_up", cluster=CLUSTER, worker=w1.url) == 0
            and s.samples("streamprobe_kafka_connect_connectors_listed_by_info", cluster=CLUSTER,
                          worker=w2.url)), timeout=30)
        t0 = time.monotonic()
        sp.scrape()
        MEASURED["scrape while a worker hangs"] = round(time.monotonic() - t0, 3)
        assert MEASURED["scrape while a worker hangs"] < 1.0
        durations = [x.value for x in sp.scrape().samples(
            "streamprobe_probe_duration_seconds", cluster=CLUSTER, system="kafka_connect")]
        assert max(durations) < 1.0, durations  # every round ends by its 800 ms deadline
    finally:
        w1.resume()
    timed("resumed worker healthy again", sp, lambda s: state(
        s, "streamprobe_kafka_connect_worker_health", worker=w1.url) == "healthy", timeout=60)


def test_promtool_accepts_the_exposition(sp):
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool not installed")
    text = sp.get("/metrics").text
    mine = "\n".join(line for line in text.splitlines()
                     if "streamprobe_kafka_connect_" in line) + "\n"
    r = subprocess.run([promtool, "check", "metrics"], input=mine, capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), r.stdout + r.stderr


def test_6_kafka_stopped_workers_unhealthy_or_unreachable_with_reason(sp, connect, kafka_zk):
    from harness.streamprobe import Streamprobe
    # A second instance whose timeout outlasts Connect's own 10 s /health check, so the
    # worker's 500 "unhealthy" verdict is seen rather than our own timeout.
    slow = Streamprobe(config(connect, kafka_zk, interval="15s", timeout="12s"))
    try:
        kafka_zk.stop()
        reasons = {}
        for w in connect.workers:
            s = timed(f"worker {w.index} fails after Kafka stopped (fast instance)", sp, lambda s, w=w: (
                s.value("streamprobe_probe_success", cluster=CLUSTER, system="kafka_connect",
                        target=w.url) == 0), timeout=90)
            reasons[w.url] = [x.labels["reason"] for x in s.samples(
                "streamprobe_probe_failure_reason", cluster=CLUSTER, system="kafka_connect", target=w.url)
                if x.value == 1]
            assert reasons[w.url][0] in ("not_serving", "timeout"), reasons
            detail = targets(sp)[w.url]["detail"]
            assert detail, "a failure must say why"
            print(f"\nfast instance, {w.url}: reason {reasons[w.url][0]}: {detail}")
        for w in connect.workers:
            s = timed(f"worker {w.index} unhealthy (12 s timeout instance)", slow, lambda s, w=w: (
                state(s, "streamprobe_kafka_connect_worker_health", worker=w.url) == "unhealthy"), timeout=90)
            assert s.value("streamprobe_probe_failure_reason", cluster=CLUSTER, system="kafka_connect",
                           target=w.url, reason="not_serving") == 1
            detail = targets(slow)[w.url]["detail"]
            assert "unhealthy" in detail
            print(f"\nslow instance, {w.url}: {detail}")
    finally:
        slow.stop()
        print("\nmeasurements:", json.dumps(MEASURED, indent=1))
