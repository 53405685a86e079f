#!/usr/bin/python3
"""The demo platform and the whole alerting loop: real ZooKeeper, Kafka (ZooKeeper mode),
Kafka Connect and MariaDB, simulators for Doris, Flink and Schema Registry, streamprobe
watching all of it, and Prometheus + Alertmanager (Debian packages) with the shipped
rules and inhibitions, whose notifications are printed here as they arrive. On 127.0.0.1
only. Runs until Ctrl-C, then stops everything it started and removes its run directory.

    scripts/demo.py [--port 9101] [--incident | --scenario NAME] [--for-divisor 10]

--incident reproduces the deployment report: a leftover deployment holds Kafka broker ids
1 and 2 in ZooKeeper, so the expected brokers 1 and 2 crash with NodeExistsException, the
Doris FEs/BEs never started (their names do not resolve, and a real Kubernetes API server
holds their pods in ImagePullBackOff on a tag that does not exist), and a declared
connector exists only as config. The API server (kube-apiserver on kine) is built from
source the first time, cached under build/ (scripts/test.sh builds it too).

--scenario breaks a healthy platform once it is up, so the alert can be watched arriving:
  broker-id-collision   broker 2 is killed and another deployment registers id 2
  doris-fe-down         one Doris FE stops listening
  connect-task-failed   a sink connector whose task cannot open its file
  zk-quorum-lost        two of the three ZooKeeper members stop
  kraft-quorum-lost     a KRaft cluster (3 controllers, 1 broker) loses two controllers

Alert `for:` durations are divided by --for-divisor (default 10: the shipped 1m waits 6 s)
so a newcomer sees the page within a minute; 1 keeps the shipped durations.
"""
import argparse
import json
import os
import pathlib
import signal
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "harness"))
sys.path.insert(0, str(ROOT / "tests" / "sim"))

from harness import rundir  # noqa: E402
from harness.alerting import AlertStack  # noqa: E402
from harness.connect import ConnectCluster  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.kraft import KafkaKraftCluster  # noqa: E402
from harness.kubeapi import KubeApiServer  # noqa: E402
from harness.mariadb import MariaDbServer  # noqa: E402
from harness.streamprobe import Streamprobe  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402
from harness.wait import wait_until  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402
from simctl import DorisSim, FlinkSim, SchemaRegistrySim  # noqa: E402
from record_kubernetes_fixtures import NS as K8S_NAMESPACE, stage as stage_report_pods  # noqa: E402


# Each expected broker has its own loopback address, as each pod has its own name.
EXPECTED_BROKER_HOSTS = ["127.0.0.11", "127.0.0.12", "127.0.0.13"]
EXPECTED_HOST_PATTERN = "127.0.0.1{id}"
FOREIGN_HOST = "127.0.0.32"


def say(text):
    print(f"demo: {text}", flush=True)


def host_port(url):
    return url.split("://", 1)[-1]


def yaml_list(items):
    return "[" + ", ".join(f"'{i}'" for i in items) + "]"


def seed_kafka(kafka):
    tools = KafkaTools(kafka.bootstrap_servers)
    tools.create_topic("orders", partitions=6, replication_factor=min(3, len(kafka.brokers)))
    tools.produce("orders", [f"order-{i}" for i in range(100)])
    tools.consume("orders", "orders-enricher", max_messages=100)  # caught up: no lag page


def kraft_cluster_text(kraft):
    if kraft is None:
        return ""
    return f"""  - name: demo-kraft
    kafka:
      bootstrap: {yaml_list(kraft.bootstrap_servers.split(','))}
      kraft:
        controllers: {yaml_list(c.bootstrap for c in kraft.controllers)}
"""


def start_kubernetes(files):
    """A real API server with the report's pods (Doris FE/BE in ImagePullBackOff) and a
    kubeconfig naming its CA and the probe user's token file; returns (server, kubeconfig)."""
    api = KubeApiServer()
    api.create_namespace(K8S_NAMESPACE)
    api.grant_probe_read(K8S_NAMESPACE)
    api.install_flink_crds()
    stage_report_pods(api)
    (files / "k8s-token").write_text(api.probe_token + "\n")
    kubeconfig = files / "kubeconfig"
    kubeconfig.write_text(f"""apiVersion: v1
kind: Config
current-context: demo
contexts: [{{name: demo, context: {{cluster: demo, user: streamprobe}}}}]
clusters: [{{name: demo, cluster: {{server: '{api.url}', certificate-authority: '{api.ca_path}'}}}}]
users: [{{name: streamprobe, user: {{tokenFile: k8s-token}}}}]
""")
    return api, kubeconfig


def kubernetes_text(kubeconfig):
    """Only the Doris workloads: the demo's other services run for real, not in pods."""
    if kubeconfig is None:
        return ""
    return f"""    kubernetes:
      kubeconfig: '{kubeconfig}'
      namespace: {K8S_NAMESPACE}
      workloads:
        - {{component: doris_fe, statefulset: doris-fe}}
        - {{component: doris_be, statefulset: doris-be}}
"""


def config_text(args, platform, secret_file):
    zk, kafka, connect = platform["zk"], platform["kafka"], platform["connect"]
    doris, flink, registry, mariadb = platform["doris"], platform["flink"], platform["registry"], platform["mariadb"]
    chroot = "/incident" if args.incident else "/kafka"
    doris_fe = ([f"doris-fe-{i}.doris-fe.data-platform.svc.invalid:8030" for i in range(3)]
                if args.incident else [host_port(u) for u in doris.fe_urls])
    doris_be = ([f"doris-be-{i}.doris-be.data-platform.svc.invalid:8040" for i in range(3)]
                if args.incident else [host_port(u) for u in doris.be_urls])
    connectors = ["orders-file-source", "jdbc-sink"] if args.incident else ["orders-file-source"]
    return f"""# Written by scripts/demo.py
defaults: {{interval: 5s, timeout: 3s}}
clusters:
  - name: demo
    zookeeper:
      members: {yaml_list(m.address for m in zk.members)}
      kafka_chroot: {chroot}
      znode_checks:
        - {{path: {chroot}/brokers/ids, min_children: 3}}
    kafka:
      bootstrap: {yaml_list(b.bootstrap for b in kafka.brokers if b.running)}
      zookeeper: {{connect: '{zk.connect_string}', chroot: {chroot}}}
      expected_brokers: {{ids: [1, 2, 3], host_pattern: '{EXPECTED_HOST_PATTERN}'}}
      consumer_groups: {{allow: '.*', deny: '^_'}}
    kafka_connect:
      workers: {yaml_list(w.url for w in connect.workers)}
      expected_connectors: {yaml_list(connectors)}
    schema_registry:
      urls: ['{registry.url}']
    doris:
      fe: {yaml_list(doris_fe)}
      be: {yaml_list(doris_be)}
      basic_auth: {{user: root, password: {{file: {secret_file}}}}}
      sql:
        address: '{mariadb.host}:{mariadb.port}'
        user: {mariadb.user}
        password: {{env: DEMO_SQL_PASSWORD}}
        database: {mariadb.database}
        queries:
          - {{name: select_one, sql: 'SELECT 1'}}
    flink:
      jobmanager: '{flink.url}'
      expected_jobs: [orders-enrichment, clickstream-sessionizer]
{kubernetes_text(platform.get("kubeconfig"))}{kraft_cluster_text(platform.get("kraft"))}"""


# ------------------------------------------------------------------ scenarios
def broker_id_collision(p):
    broker = p["kafka"].broker(2)
    broker.kill9()
    p["kafka"].wait_broker_unregistered(2, timeout=60)
    p["stack"].append(p["kafka"].start_leftover_deployment(broker_ids=[2], hosts=[FOREIGN_HOST]))
    return f"broker 2 killed; a second deployment on {FOREIGN_HOST} registered broker id 2"


def doris_fe_down(p):
    p["doris"].stop_fe(1)
    return f"Doris FE {host_port(p['doris'].fe_urls[1])} stopped listening"


def connect_task_failed(p):
    p["connect"].rest("PUT", "/connectors/orders-file-sink/config", {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1", "topics": "orders", "file": "/nonexistent-dir/orders.out"})
    return "connector orders-file-sink created; its task cannot open /nonexistent-dir/orders.out"


def zk_quorum_lost(p):
    stopped = [m for m in p["zk"].members if m is not p["zk"].leader()][:1] + [p["zk"].leader()]
    for member in stopped:
        member.stop()
    return "ZooKeeper members " + ", ".join(m.address for m in stopped) + " stopped (1 of 3 left)"


def kraft_quorum_lost(p):
    stopped = p["kraft"].controllers[:2]
    for controller in stopped:
        controller.stop()
    return "KRaft controllers " + ", ".join(c.bootstrap for c in stopped) + " stopped (1 of 3 left)"


SCENARIOS = {
    "broker-id-collision": (broker_id_collision, "KafkaBrokerIdRegisteredByForeignHost"),
    "doris-fe-down": (doris_fe_down, "DorisFrontendDown"),
    "connect-task-failed": (connect_task_failed, "KafkaConnectTaskFailed"),
    "zk-quorum-lost": (zk_quorum_lost, "ZookeeperQuorumLost"),
    "kraft-quorum-lost": (kraft_quorum_lost, "KafkaKraftQuorumLost"),
}


# ------------------------------------------------------------------ notifications
class Printer:
    """Prints each alert when it starts firing and when it resolves, once (Alertmanager
    repeats firing notifications); the always-firing StreamprobeWatchdog only once."""

    def __init__(self):
        self.firing = set()

    def __call__(self, notification):
        for alert in notification["alerts"]:
            labels = alert["labels"]
            key = tuple(sorted(labels.items()))
            firing = alert["status"] == "firing"
            if firing == (key in self.firing):
                continue  # a repeat
            if firing:
                self.firing.add(key)
            else:
                self.firing.discard(key)
            if labels["alertname"] == "StreamprobeWatchdog":
                say("notification: StreamprobeWatchdog (always firing: the alerting pipeline works)")
                continue
            subject = " ".join(f"{k}={labels[k]}" for k in ("cluster", "broker_id", "connector", "task",
                                                            "flink_job", "group", "target") if labels.get(k))
            state = "FIRING" if firing else "resolved"
            say(f"notification: {state} [{labels.get('severity', '')}] {labels['alertname']} {subject}: "
                f"{alert['annotations'].get('summary', '')}")


# ------------------------------------------------------------------ the platform
def start_platform(args, stack):
    """Starts everything into `stack` (a list of objects with stop(), stopped in reverse
    order); returns them by name, with the stack itself for scenarios that add to it."""
    p = {"stack": stack}
    say("starting ZooKeeper (3 members)...")
    p["zk"] = ZooKeeperEnsemble(size=3)
    stack.append(p["zk"])
    if args.incident:
        say("starting a leftover deployment holding broker ids 1 and 2...")
        stack.append(KafkaZkCluster(p["zk"], broker_ids=[1, 2], hosts=["127.0.0.31", FOREIGN_HOST],
                                    chroot="/incident", name="leftover"))
        p["kafka"] = KafkaZkCluster(p["zk"], brokers=3, chroot="/incident", name="expected",
                                    hosts=EXPECTED_BROKER_HOSTS, wait=False)
        stack.append(p["kafka"])
        p["kafka"].wait_ready(broker_ids=[3])
    else:
        say("starting Kafka 3.9 (3 brokers, ZooKeeper mode)...")
        p["kafka"] = KafkaZkCluster(p["zk"], brokers=3, chroot="/kafka", hosts=EXPECTED_BROKER_HOSTS)
        stack.append(p["kafka"])
        seed_kafka(p["kafka"])
    if args.scenario == "kraft-quorum-lost":
        say("starting a KRaft cluster (Kafka 4, 3 controllers, 1 broker)...")
        p["kraft"] = KafkaKraftCluster(controllers=3, brokers=1)
        stack.append(p["kraft"])
    bootstrap = ",".join(b.bootstrap for b in p["kafka"].brokers if b.running)
    say("starting Kafka Connect (2 workers), MariaDB and simulators...")
    p["connect"] = ConnectCluster(bootstrap, workers=2)
    stack.append(p["connect"])
    p["mariadb"] = MariaDbServer()
    stack.append(p["mariadb"])
    for name, sim in (("doris", DorisSim(fe=3, be=3, extra_args=["--auth-password", "demo"])),
                      ("registry", SchemaRegistrySim()),
                      ("flink", FlinkSim(extra_args=["--job", "name=orders-enrichment,state=RUNNING,restarts=0",
                                                     "--job", "name=clickstream-sessionizer,state=RUNNING,restarts=0"]))):
        p[name] = sim.__enter__()
        stack.append(sim)
    files = pathlib.Path(rundir.new_dir("demo"))
    source = files / "orders.txt"
    source.write_text("".join(f"line {i}\n" for i in range(20)))
    p["connect"].create_file_source("orders-file-source", str(source), "orders-lines")
    secret = files / "doris-password"
    secret.write_text("demo\n")
    os.environ["DEMO_SQL_PASSWORD"] = p["mariadb"].password
    if args.incident:
        say("starting a Kubernetes API server holding the Doris pods in ImagePullBackOff "
            "(the first run builds it: several minutes)...")
        api, p["kubeconfig"] = start_kubernetes(files)
        stack.append(api)
    p["sp"] = Streamprobe(config_text(args, p, secret), port=args.port, timeout=90)
    stack.append(p["sp"])
    return p


def start_alerting(args, p, stack):
    say("starting Prometheus and Alertmanager with the shipped rules and inhibitions...")
    alerting = AlertStack(pathlib.Path(rundir.new_dir("alerting")), f"{p['sp'].host}:{p['sp'].port}",
                          for_divisor=args.for_divisor, on_notification=Printer())
    urls = alerting.__enter__()
    stack.append(type("AlertStop", (), {"stop": lambda self: alerting.__exit__()})())
    return urls


def inject(args, p, urls):
    """Waits until every target of cluster demo succeeded, then breaks the platform."""
    wait_until(lambda: all(t["success"] for t in json.loads(p["sp"].get("/api/v1/targets").text)["targets"]
                           if t["cluster"].startswith("demo")),
               180, interval=1, what="every demo target succeeding")
    step, alert = SCENARIOS[args.scenario]
    say(f"scenario {args.scenario}: {step(p)}")
    say(f"watch for the {alert} notification here, or at {urls['am']}/#/alerts")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9101)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--incident", action="store_true")
    mode.add_argument("--scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--for-divisor", type=float, default=10)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    stack = []
    try:
        p = start_platform(args, stack)
        urls = start_alerting(args, p, stack)
        port = args.port
        say(f"streamprobe is watching the demo platform:\n"
            f"  status page   http://127.0.0.1:{port}/\n"
            f"  metrics       http://127.0.0.1:{port}/metrics\n"
            f"  targets       http://127.0.0.1:{port}/api/v1/targets\n"
            f"  prometheus    {urls['prom']}/alerts\n"
            f"  alertmanager  {urls['am']}/#/alerts\n"
            f"  config        {p['sp'].config_path}\n"
            f"Notifications are printed below as they arrive. Ctrl-C stops everything.")
        if args.scenario:
            inject(args, p, urls)
        while p["sp"].running:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        say("stopping...")
        for server in reversed(stack):
            server.stop()
        if rundir.is_temporary():
            rundir.remove()
        say("stopped; nothing left running")


if __name__ == "__main__":
    main()
