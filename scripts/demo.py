#!/usr/bin/python3
"""The demo platform: real ZooKeeper, Kafka (ZooKeeper mode), Kafka Connect and
MariaDB, simulators for Doris, Flink and Schema Registry, and streamprobe
watching all of it — on 127.0.0.1 only. Runs until Ctrl-C, then stops
everything it started.

    scripts/demo.py [--port 9101] [--incident]

--incident reproduces the deployment report: a leftover deployment holds Kafka
broker ids 1 and 2 in ZooKeeper, so the expected brokers 1 and 2 crash with
NodeExistsException, and the Doris FEs/BEs never started (their names do not
resolve), while a declared connector exists only as config.
"""
import argparse
import os
import pathlib
import signal
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "harness"))
sys.path.insert(0, str(ROOT / "tests" / "sim"))

from harness.connect import ConnectCluster  # noqa: E402
from harness.kafka import KafkaZkCluster  # noqa: E402
from harness.mariadb import MariaDbServer  # noqa: E402
from harness.streamprobe import Streamprobe  # noqa: E402
from harness.tools import KafkaTools  # noqa: E402
from harness.zookeeper import ZooKeeperEnsemble  # noqa: E402
from simctl import DorisSim, FlinkSim, SchemaRegistrySim  # noqa: E402


# Each expected broker has its own loopback address, as each pod has its own name.
EXPECTED_BROKER_HOSTS = ["127.0.0.11", "127.0.0.12", "127.0.0.13"]
EXPECTED_HOST_PATTERN = "127.0.0.1{id}"


def host_port(url):
    return url.split("://", 1)[-1]


def yaml_list(items):
    return "[" + ", ".join(f"'{i}'" for i in items) + "]"


def seed_kafka(kafka):
    tools = KafkaTools(kafka.bootstrap_servers)
    tools.create_topic("orders", partitions=6, replication_factor=min(3, len(kafka.brokers)))
    tools.produce("orders", [f"order-{i}" for i in range(100)])
    tools.consume("orders", "orders-enricher", max_messages=60)


def config_text(args, zk, kafka, connect, doris, flink, registry, mariadb, secret_file):
    chroot = "/incident" if args.incident else "/kafka"
    doris_fe = ([f"doris-fe-{i}.doris-fe.data-platform.svc.invalid:8030" for i in range(3)]
                if args.incident else [host_port(u) for u in doris.fe_urls])
    doris_be = ([f"doris-be-{i}.doris-be.data-platform.svc.invalid:8040" for i in range(3)]
                if args.incident else [host_port(u) for u in doris.be_urls])
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
      expected_connectors: [orders-file-source, jdbc-sink]
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
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9101)
    parser.add_argument("--incident", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    print("demo: starting ZooKeeper (3 members)...", flush=True)
    with ZooKeeperEnsemble(size=3) as zk:
        if args.incident:
            print("demo: starting a leftover deployment holding broker ids 1 and 2...", flush=True)
            leftover = KafkaZkCluster(zk, broker_ids=[1, 2], hosts=["127.0.0.31", "127.0.0.32"],
                                      chroot="/incident", name="leftover")
            kafka = KafkaZkCluster(zk, brokers=3, chroot="/incident", name="expected",
                                   hosts=EXPECTED_BROKER_HOSTS, wait=False)
            kafka.wait_ready(broker_ids=[3])
            cleanup = [leftover.stop]
        else:
            print("demo: starting Kafka 3.9 (3 brokers, ZooKeeper mode)...", flush=True)
            kafka = KafkaZkCluster(zk, brokers=3, chroot="/kafka", hosts=EXPECTED_BROKER_HOSTS)
            seed_kafka(kafka)
            cleanup = []
        try:
            bootstrap = ",".join(b.bootstrap for b in kafka.brokers if b.running)
            print("demo: starting Kafka Connect (2 workers), MariaDB and simulators...", flush=True)
            with ConnectCluster(bootstrap, workers=2) as connect, MariaDbServer() as mariadb, \
                    DorisSim(fe=3, be=3, extra_args=["--auth-password", "demo"]) as doris, SchemaRegistrySim() as registry, \
                    FlinkSim(extra_args=["--job", "name=orders-enrichment,state=RUNNING,restarts=0",
                                         "--job", "name=clickstream-sessionizer,state=RUNNING,restarts=0"]) as flink:
                source = pathlib.Path(tempfile.mkdtemp()) / "orders.txt"
                source.write_text("".join(f"line {i}\n" for i in range(20)))
                connect.create_file_source("orders-file-source", str(source), "orders-lines")
                secret = pathlib.Path(tempfile.mkdtemp()) / "doris-password"
                secret.write_text("demo\n")
                os.environ["DEMO_SQL_PASSWORD"] = mariadb.password
                sp = Streamprobe(config_text(args, zk, kafka, connect, doris, flink, registry,
                                             mariadb, secret),
                                 port=args.port, timeout=90)
                print(f"\nstreamprobe is watching the demo platform:\n"
                      f"  status page  http://127.0.0.1:{args.port}/\n"
                      f"  metrics      http://127.0.0.1:{args.port}/metrics\n"
                      f"  targets      http://127.0.0.1:{args.port}/api/v1/targets\n"
                      f"  config       {sp.config_path}\n"
                      f"  log          {sp.log_path}\n"
                      f"Ctrl-C stops everything.", flush=True)
                try:
                    while sp.running:
                        time.sleep(1)
                except KeyboardInterrupt:
                    pass
                finally:
                    sp.stop()
        finally:
            for stop in cleanup:
                stop()
            kafka.stop()


if __name__ == "__main__":
    main()
