"""pytest fixtures for streamprobe integration tests: real servers, started once per session.

Session fixtures (each started on first use, stopped at session end, also on failure):
    zk_ensemble   ZooKeeperEnsemble(size=3, four_letter_whitelist="*")
    kafka_zk      KafkaZkCluster(zk_ensemble, brokers=3, chroot="/kafka")   (Kafka 3.9, ZK mode)
    kraft         KafkaKraftCluster(controllers=1, brokers=2)               (Kafka 4.x)
    connect       ConnectCluster(kafka_zk.bootstrap_servers, workers=2)     (Connect 3.9)
    mariadb       MariaDbServer()
    run_stats     dict name -> start-up seconds, printed in the terminal summary
Function fixture:
    streamprobe_factory   callable(config_text, **kwargs) -> Streamprobe; every instance is
                          stopped at the end of the test.  Skips the test when no binary is
                          found and STREAMPROBE_BIN is unset.

Environment: STREAMPROBE_JARS (jar root, default build/jars), STREAMPROBE_RUN_DIR (keep
logs/data there; default: a temp dir deleted after a fully green session),
STREAMPROBE_BIN (binary under test).
Tests that change a shared system (kill, pause) must restore it before they return.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness import proc, rundir  # noqa: E402
from harness.connect import ConnectCluster  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.kraft import KafkaKraftCluster  # noqa: E402
from harness.mariadb import MariaDbServer  # noqa: E402
from harness.streamprobe import Streamprobe, default_binary  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402

_STARTUP = {}


def _record(name, seconds):
    _STARTUP[name] = seconds


@pytest.fixture(scope="session")
def run_stats():
    return _STARTUP


@pytest.fixture(scope="session")
def zk_ensemble():
    ens = ZooKeeperEnsemble(size=3, four_letter_whitelist="*")
    _record("zookeeper ensemble (3)", ens.startup_seconds)
    try:
        yield ens
    finally:
        ens.stop()


@pytest.fixture(scope="session")
def kafka_zk(zk_ensemble):
    cluster = KafkaZkCluster(zk_ensemble, brokers=3, chroot="/kafka")
    _record("kafka 3.9 zk-mode brokers (3)", cluster.startup_seconds)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def kraft():
    cluster = KafkaKraftCluster(controllers=1, brokers=2)
    _record(f"kafka {cluster.version} kraft storage format (3 nodes)", cluster.format_seconds)
    _record(f"kafka {cluster.version} kraft (1 controller + 2 brokers)", cluster.startup_seconds)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def connect(kafka_zk):
    cluster = ConnectCluster(kafka_zk.bootstrap_servers, workers=2)
    _record("kafka connect (2 workers, incl. internal topics)", cluster.startup_seconds)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def mariadb():
    server = MariaDbServer()
    _record("mariadb", server.startup_seconds)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def streamprobe_factory():
    if not os.environ.get("STREAMPROBE_BIN"):
        try:
            default_binary()
        except FileNotFoundError as exc:
            pytest.skip(str(exc))
    started = []

    def make(config_text, **kwargs):
        sp = Streamprobe(config_text, **kwargs)
        started.append(sp)
        return sp

    try:
        yield make
    finally:
        for sp in started:
            sp.stop()


def pytest_sessionfinish(session, exitstatus):
    proc.stop_all()
    if rundir._run_dir is None:
        return
    if exitstatus == 0 and rundir.is_temporary():
        rundir.remove()
    else:
        print(f"\nharness run dir (logs, data): {rundir.run_dir()}")


def pytest_terminal_summary(terminalreporter):
    if _STARTUP:
        terminalreporter.section("harness start-up times")
        for name, secs in _STARTUP.items():
            terminalreporter.write_line(f"{name:55s} {secs:6.1f} s" if secs is not None else name)
