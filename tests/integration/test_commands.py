"""`streamprobe check`, `wait` and `diagnose` against real ZooKeeper and Kafka (and the
Schema Registry simulator): exit codes, JSON, `wait` blocking until a topic appears, its
timeout, and the Kafka Connect init-container example's arguments. The incident
(`diagnose` on foreign registrations) is in test_kafka.py."""
import json
import os
import subprocess
import sys
import time

import pytest
import yaml

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "sim")))

from harness import rundir  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.streamprobe import default_binary  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402
from simctl import SchemaRegistrySim  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def binary():
    return os.environ.get("STREAMPROBE_BIN") or default_binary()


@pytest.fixture(scope="module")
def registry():
    with SchemaRegistrySim() as sim:
        yield sim


def config(path, zk_ensemble, kafka_zk=None, registry=None, members=None):
    members = members or [m.address for m in zk_ensemble.members]
    text = f"""
clusters:
  - name: platform
    zookeeper:
      interval: 1s
      timeout: 1s
      members: [{', '.join(members)}]
"""
    if kafka_zk is not None:
        host = kafka_zk.broker(1).host
        text += f"""    kafka:
      interval: 3s
      timeout: 3s
      bootstrap: [{kafka_zk.bootstrap_servers.split(',')[0]}]
      zookeeper: {{connect: "{zk_ensemble.connect_string}", chroot: {kafka_zk.chroot}}}
      expected_brokers: {{ids: [1, 2, 3], host_pattern: "{host[:-1]}{{id}}"}}
"""
    if registry is not None:
        text += f"""    schema_registry:
      interval: 1s
      timeout: 1s
      urls: ["{registry.url}"]
"""
    with open(path, "w") as f:
        f.write(text)
    return path


def run(*args, timeout=90):
    return subprocess.run([binary(), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def workdir():
    return rundir.new_dir("commands")


def test_check_healthy_platform_exits_0_with_every_row_ok(zk_ensemble, kafka_zk, registry, workdir):
    path = config(os.path.join(workdir, "ok.yml"), zk_ensemble, kafka_zk, registry)
    out = run("check", f"--config.file={path}", "--output=json")
    assert out.returncode == 0, out.stdout + out.stderr
    body = json.loads(out.stdout)
    assert body["status"] == "ok"
    rows = {r["component"]: r for r in body["components"]}
    assert set(rows) == {"zookeeper", "kafka_brokers", "schema_registry"}
    assert (rows["zookeeper"]["ready"], rows["zookeeper"]["expected"]) == (3, 3)
    assert (rows["kafka_brokers"]["ready"], rows["kafka_brokers"]["expected"]) == (3, 3)
    assert all(r["cause"] == "" and r["runbook_url"] is None for r in rows.values())


def test_check_exits_2_when_the_ensemble_has_no_quorum(zk_ensemble, workdir):
    """Two of three members are ports nothing listens on: ZooKeeper is down, named per member."""
    dead = [f"127.0.0.1:{free_port('127.0.0.1')}" for _ in range(2)]
    path = config(os.path.join(workdir, "down.yml"), zk_ensemble,
                  members=[zk_ensemble.members[0].address, *dead])
    out = run("check", f"--config.file={path}")
    assert out.returncode == 2, out.stdout + out.stderr
    line = next(line for line in out.stdout.splitlines() if "ZooKeeper ensemble" in line)
    assert line.split()[0] == "down" and "1/3" in line, out.stdout
    first, second = sorted(dead)  # units are listed in target order
    assert f"{first}, {second}: connection refused" in line, line
    assert "ZookeeperQuorumLost.md" in out.stdout


def test_bad_flags_and_configuration_exit_3(workdir):
    bad = os.path.join(workdir, "bad.yml")
    with open(bad, "w") as f:
        f.write("clusters: [{name: x, zookeeper: {members: [], nonsense: 1}}]\n")
    assert run("check", f"--config.file={bad}").returncode == 3
    assert run("check", "--output=xml").returncode == 3
    unknown = run("wait", "--for=kafka-brokers>=lots")
    assert unknown.returncode == 3 and "zookeeper-quorum" in unknown.stderr
    assert run("diagnose", "everything").returncode == 3
    helped = run("check", "--help")
    assert helped.returncode == 0 and "doris-be-alive>=N" in helped.stdout


def test_wait_blocks_until_the_topic_exists(zk_ensemble, kafka_zk, registry, workdir):
    path = config(os.path.join(workdir, "wait.yml"), zk_ensemble, kafka_zk, registry)
    topic = f"late-{int(time.time())}"
    waiter = subprocess.Popen([binary(), "wait", f"--config.file={path}", "--for=zookeeper-quorum",
                               "--for=kafka-brokers>=3", "--for=schema-registry",
                               f"--for=topic={topic}", "--timeout=120s"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = ""
        while f"topic {topic} not in the metadata" not in seen:  # progress lines as they change
            line = waiter.stdout.readline()
            assert line.startswith("waiting: "), seen + line
            seen += line
        assert waiter.poll() is None, "wait returned before the topic existed"
        KafkaTools(kafka_zk.bootstrap_servers).create_topic(topic, partitions=1, replication_factor=3)
        rest, err = waiter.communicate(timeout=60)
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.communicate()
    assert waiter.returncode == 0, seen + rest + err
    assert "ready: zookeeper-quorum ok; kafka-brokers>=3 ok; schema-registry ok; topic=" in rest, rest


def test_wait_times_out_with_what_it_saw(zk_ensemble, workdir):
    path = config(os.path.join(workdir, "timeout.yml"), zk_ensemble)
    started = time.monotonic()
    out = run("wait", f"--config.file={path}", "--for=zookeeper-quorum", "--for=kafka-brokers>=1",
              "--timeout=3s")
    assert out.returncode == 1, out.stdout + out.stderr
    assert time.monotonic() - started < 20
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("timed out after 3 s:"), out.stdout
    assert "zookeeper-quorum ok" in last and "kafka-brokers>=1: Kafka brokers: no result yet" in last


def test_connect_init_container_example_runs_as_written(workdir):
    """The example's arguments are ones `wait` takes: against nothing it times out (1), never
    rejects them (3)."""
    manifest = yaml.safe_load(open(os.path.join(REPO, "deploy", "examples", "connect-wait-init.yaml")))
    init = manifest["spec"]["template"]["spec"]["initContainers"][0]
    args = [a for a in init["args"] if not a.startswith(("--config.file", "--timeout"))]
    assert args[0] == "wait" and "--for=schema-registry" in args and "--for=kafka-brokers>=3" in args
    path = os.path.join(workdir, "nothing.yml")
    with open(path, "w") as f:
        f.write(f"""clusters:
  - name: data-platform
    kafka: {{bootstrap: ["127.0.0.1:{free_port('127.0.0.1')}"], interval: 1s, timeout: 1s}}
    schema_registry: {{urls: ["http://127.0.0.1:{free_port('127.0.0.1')}"], interval: 1s, timeout: 1s}}
""")
    out = run(*args, f"--config.file={path}", "--timeout=2s")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "schema-registry: Schema Registry 0/1 (down)" in out.stdout, out.stdout
