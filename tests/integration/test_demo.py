"""The README's first command, smoke-tested: scripts/demo.py starts the platform,
streamprobe, Prometheus and Alertmanager; a scenario breaks the platform; its page is
printed as a notification; Ctrl-C stops every process and leaves no directory behind."""
import os
import pathlib
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

import pytest
import requests

from harness.alerting import tool
from harness.ports import free_port
from harness.wait import wait_until

ROOT = pathlib.Path(__file__).resolve().parents[2]


def lines_of(proc, out):
    for line in proc.stdout:
        out.put(line.rstrip("\n"))
    out.put(None)


def read_until(out, needle, timeout, seen):
    """Lines until one contains `needle` (kept in `seen`); fails on timeout or exit."""
    while True:
        try:
            line = out.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line with {needle!r} within {timeout} s; output:\n" + "\n".join(seen))
        if line is None:
            pytest.fail(f"the demo exited before {needle!r}; output:\n" + "\n".join(seen))
        seen.append(line)
        if needle in line:
            return line


def processes_mentioning(text):
    """Command lines of running processes that mention `text` (e.g. the run directory)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{pid}: {cmdline[:200]}")
    return found


@pytest.fixture
def short_tmp():
    """A private TMPDIR with a short path (MariaDB's socket path must fit 108 bytes)."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="sp-demo-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_demo(tmp_path, *args):
    """scripts/demo.py with `args`, its every temporary directory under tmp_path; returns
    (process, queue of its output lines, list of lines seen)."""
    try:
        tool("prometheus"), tool("prometheus-alertmanager")
    except FileNotFoundError as e:
        pytest.skip(str(e))
    env = {k: v for k, v in os.environ.items() if k != "STREAMPROBE_RUN_DIR"}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "demo.py"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    out, seen = queue.Queue(), []
    threading.Thread(target=lines_of, args=(proc, out), daemon=True).start()
    return proc, out, seen


def ctrl_c(proc):
    """Ctrl-C, as a newcomer stops the demo; kills it after 90 s (and fails)."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def assert_nothing_left(proc, out, seen, run_dir, tmp_path):
    read_until(out, "stopped; nothing left running", 5, seen)
    assert proc.returncode == 0, "\n".join(seen)
    assert processes_mentioning(run_dir) == []
    assert list(tmp_path.iterdir()) == [], "no directory left behind"


def test_demo_scenario_pages_and_ctrl_c_leaves_nothing(short_tmp):
    proc, out, seen = start_demo(short_tmp, "--port", str(free_port()), "--scenario", "zk-quorum-lost")
    try:
        config = read_until(out, "config ", 300, seen).split()[-1]
        run_dir = str(pathlib.Path(config).parents[1])
        assert run_dir.startswith(str(short_tmp))
        read_until(out, "scenario zk-quorum-lost:", 240, seen)
        read_until(out, "FIRING [critical] ZookeeperQuorumLost cluster=demo", 180, seen)
        assert processes_mentioning(run_dir), "the platform runs from the run directory"
    finally:
        ctrl_c(proc)
    assert_nothing_left(proc, out, seen, run_dir, short_tmp)
    paged = [line for line in seen if "notification: FIRING" in line]
    assert paged == [next(line for line in seen if "ZookeeperQuorumLost" in line and "FIRING" in line)], \
        "the quorum loss pages alone (its member and Kafka alerts are inhibited):\n" + "\n".join(paged)


def test_incident_status_page_names_the_image_pull(short_tmp):
    """--incident: the Doris rows of the status table name the image pull from Kubernetes,
    the Kafka row the foreign registrations; Ctrl-C leaves nothing."""
    port = free_port()
    proc, out, seen = start_demo(short_tmp, "--port", str(port), "--incident")
    try:
        config = read_until(out, "config ", 900, seen).split()[-1]  # builds the API server if needed
        run_dir = str(pathlib.Path(config).parents[1])
        rows = {}

        def named():
            body = requests.get(f"http://127.0.0.1:{port}/api/v1/status", timeout=5).json()
            rows.update({r["component"]: r for r in body["components"]})
            return ("ImagePullBackOff" in rows.get("doris_fe", {}).get("cause", "")
                    and "ImagePullBackOff" in rows.get("doris_be", {}).get("cause", "")
                    and "foreign" in rows.get("kafka_brokers", {}).get("cause", ""))

        wait_until(named, 120, interval=1, what="Doris rows naming the image pull")
        assert rows["doris_fe"]["cause"].startswith(
            "doris-fe-0, doris-fe-1, doris-fe-2: ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 "
            "(manifest unknown)"), rows["doris_fe"]
        assert (rows["doris_fe"]["ready"], rows["doris_fe"]["expected"]) == (0, 3)
        assert rows["doris_be"]["cause"].startswith("doris-be-0, doris-be-1, doris-be-2: ImagePullBackOff: "
                                                    "apache/doris:2.0.3-be-x86_64"), rows["doris_be"]
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=5).text
        assert "ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 (manifest unknown)" in page
    finally:
        ctrl_c(proc)
    assert_nothing_left(proc, out, seen, run_dir, short_tmp)
