"""The process's life when backends hang and configurations are hostile: SIGTERM and
reload never wait for a hung round, the listener is bound before probes start, every
config error from SIGHUP or /-/reload is listed without a crash, and a reload keeps
the counters of targets whose configuration did not change."""
import os
import signal
import socket
import subprocess
import threading
import time

import pytest

from harness.ports import free_port
from harness.streamprobe import Streamprobe
from harness.wait import wait_until


def binary():
    return os.environ["STREAMPROBE_BIN"]


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers: a hung backend."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.conns = []
        self.closed = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()

    def close(self):
        self.closed = True
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.fixture
def silent():
    server = SilentServer()
    yield server
    server.close()


def hung_flink(port, name="hung"):
    # A 30 s deadline: the round hangs that long unless stop and reload abandon it.
    return (f"  - name: {name}\n    flink: {{jobmanager: 'http://127.0.0.1:{port}', "
            "interval: 60s, timeout: 30s}\n")


def refused_zookeeper(name="zk", port=1):
    return (f"  - name: {name}\n    zookeeper: {{members: ['127.0.0.1:{port}'], "
            "interval: 300ms, timeout: 200ms}\n")


def started_without_ready(config):
    """Starts streamprobe and waits for /healthz (a hung target keeps /readyz at 503)."""
    sp = Streamprobe(config, binary=binary(), start=False)
    sp.start(wait=False)
    wait_until(lambda: sp.running and _healthy(sp), 15, what="streamprobe /healthz")
    return sp


def _healthy(sp):
    try:
        return sp.get("/healthz", timeout=1).status_code == 200
    except Exception:
        return False


def test_sigterm_with_a_hung_round_exits_within_two_seconds(silent):
    sp = started_without_ready("clusters:\n" + hung_flink(silent.port))
    try:
        assert silent.accepted.wait(10), "the probe never connected to the hung backend"
        started = time.monotonic()
        sp._popen.send_signal(signal.SIGTERM)
        code = sp.wait_exit(10)
        took = time.monotonic() - started
        assert code == 0, sp.log_tail(20)
        assert took <= 2.0, f"exit took {took:.1f} s"
        assert "shutting down" in sp.log_text()
    finally:
        sp.stop()


def test_reload_with_a_hung_round_returns_within_one_second(silent):
    sp = started_without_ready("clusters:\n" + hung_flink(silent.port) + refused_zookeeper())
    try:
        assert silent.accepted.wait(10)
        # The hung target's section changes, so its runner is replaced.
        sp.write_config("clusters:\n" + hung_flink(silent.port).replace("60s", "50s")
                        + refused_zookeeper())
        started = time.monotonic()
        response = sp.reload()
        took = time.monotonic() - started
        assert response.status_code == 200, response.text
        assert took <= 1.0, f"reload took {took:.1f} s"
        assert sp.running
    finally:
        sp.stop()


def test_reload_keeps_counters_of_unchanged_targets():
    sp = Streamprobe("clusters:\n" + refused_zookeeper("a", 1) + refused_zookeeper("b", 2),
                     binary=binary())
    try:
        labels = dict(system="zookeeper", target="127.0.0.1:1", cluster="a")
        sp.wait_for(lambda s: (s.value("streamprobe_probe_rounds_total", **labels) or 0) >= 3)
        before = sp.value("streamprobe_probe_rounds_total", **labels)
        # Cluster b changes; cluster a's section is byte-for-byte the same.
        sp.write_config("clusters:\n" + refused_zookeeper("a", 1) + refused_zookeeper("b", 3))
        assert sp.reload().status_code == 200
        after = sp.wait_for(lambda s: s.value("streamprobe_probe_rounds_total", cluster="b",
                                              system="zookeeper", target="127.0.0.1:3"))
        assert after.value("streamprobe_probe_rounds_total", **labels) >= before
        assert "unchanged=1" in sp.log_text()
    finally:
        sp.stop()


HOSTILE_CONFIGS = {
    "interval: 99999999999999999999s": ("clusters:\n  - name: x\n    zookeeper: {members: "
                                        "['127.0.0.1:1'], interval: 99999999999999999999s}\n",
                                        "clusters[0].zookeeper.interval: is out of range"),
    "interval: 2562047788015216h": ("clusters:\n  - name: x\n    zookeeper: {members: "
                                    "['127.0.0.1:1'], interval: 2562047788015216h}\n",
                                    "clusters[0].zookeeper.interval: is out of range"),
    "non-scalar key": ("? [x, y]\n: 1\nclusters: []\n", "config: keys must be strings"),
    "credentials in a URL": ("clusters:\n  - name: x\n    flink: {jobmanager: "
                             "'http://admin:pw-in-url@127.0.0.1:1'}\n",
                             "clusters[0].flink.jobmanager: must not carry credentials"),
    "deep nesting": ("clusters: " + "[" * 50000 + "]" * 50000 + "\n", "not valid YAML"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CONFIGS))
def test_hostile_config_by_reload_sighup_and_check_is_listed_not_fatal(name, tmp_path):
    text, expected = HOSTILE_CONFIGS[name]
    good = "clusters:\n" + refused_zookeeper()
    sp = Streamprobe(good, binary=binary())
    try:
        sp.write_config(text)
        response = sp.reload()
        assert response.status_code == 400
        assert expected in response.text, response.text
        assert "pw-in-url" not in response.text
        sp.sighup()
        sp.wait_for(lambda s: s.value("streamprobe_config_reload_failures_total") == 2)
        assert sp.running
        assert sp.value("streamprobe_probe_success", cluster="zk", system="zookeeper",
                        target="127.0.0.1:1") == 0
        assert "pw-in-url" not in sp.log_text()
    finally:
        sp.stop()
    path = tmp_path / "hostile.yml"
    path.write_text(text)
    check = subprocess.run([binary(), "--config.check", f"--config.file={path}"],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 1, check.stderr
    assert expected in check.stderr


def test_address_in_use_is_said_and_exits_at_once():
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        sp = Streamprobe("clusters:\n" + refused_zookeeper(), binary=binary(), port=port,
                         start=False)
        sp.start(wait=False)
        code = sp.wait_exit(5)
        assert code != 0
        assert f"cannot listen on 127.0.0.1:{port}: address already in use" in sp.log_text()
        assert "probe failed" not in sp.log_text(), "probes ran before the listener was bound"
    finally:
        holder.close()
