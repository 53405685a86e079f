"""KafkaKraftCluster: Apache Kafka in KRaft mode with separate controller and broker roles.

Jar set: ``kafka4`` by default (Kafka 4.1.1; see tests/harness/README.md for why librdkafka
2.0.2 can talk to it).  Pass ``jars=JarSet("kafka39")`` for Kafka 3.9 in KRaft mode.

Layout: controllers get node ids 1..c (``process.roles=controller``, listener CONTROLLER on
127.0.0.1), brokers get node ids 101.. (``process.roles=broker``, listener PLAINTEXT on
127.0.0.1), static quorum ``controller.quorum.voters``.  Every node's log dir is formatted
with ``kafka.tools.StorageTool format -t <cluster id>`` before its first start.
"""
import base64
import os
import subprocess
import time
import uuid

from . import rundir
from .broker_defaults import SMALL_BROKER_DEFAULTS
from .jars import JarSet, write_properties
from .ports import free_port, is_listening
from .proc import ServerProcess, stop_many

KAFKA_MAIN = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"
STARTED = "Kafka Server started"  # logged by KafkaRaftServer for both roles

NODE_DEFAULTS = {
    **SMALL_BROKER_DEFAULTS,
    "broker.heartbeat.interval.ms": 500,
    "broker.session.timeout.ms": 6000,
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
}


class KraftNode(ServerProcess):
    """One KRaft process.  Properties: ``node_id``, ``role`` ("controller"/"broker"),
    ``host``, ``port``, ``bootstrap`` ("host:port", brokers only meaningful),
    ``data_dir``, ``config_path``, ``config`` (dict).  Ready = its log shows ``Kafka Server
    started`` and its port accepts connections."""

    def __init__(self, node_id, role, host, port, data_dir, config_path, argv, log_path):
        self.node_id = node_id
        self.role = role
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.config_path = config_path
        super().__init__(f"kraft-{role}-{node_id}", argv, log_path, stop_grace=20.0,
                         ready=lambda p: p.log_contains(STARTED) and is_listening(p.host, p.port))

    @property
    def bootstrap(self):
        return f"{self.host}:{self.port}"


def new_cluster_id():
    """A random Kafka cluster id (22-char URL-safe base64 of a UUID)."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


class KafkaKraftCluster:
    """Kafka in KRaft mode.

    Args: ``controllers`` (>=1), ``brokers`` (>=1), ``jars`` (JarSet, default ``kafka4``),
    ``config`` (extra properties for every node), ``host`` (loopback address, default
    127.0.0.1), ``start``/``wait``/``timeout``, ``sasl_users`` (dict user -> password:
    adds a SASL_PLAINTEXT/PLAIN client listener to every broker).

    Properties: ``controllers``, ``brokers`` (lists of KraftNode), ``nodes`` (all),
    ``bootstrap_servers``, ``sasl_bootstrap``, ``cluster_id``, ``controller_quorum_voters``,
    ``format_seconds`` (storage format of all nodes), ``startup_seconds`` (start until all
    nodes ready, format excluded), ``version`` (Kafka version of the jar set).
    Methods: ``node(node_id)``, ``broker(node_id)``, ``start(wait)``, ``wait_ready()``,
    ``stop()``; node controls as ServerProcess (stop/kill9/pause/resume/restart).
    """

    BROKER_ID_BASE = 100

    def __init__(self, controllers=1, brokers=2, jars=None, config=None, host="127.0.0.1",
                 start=True, wait=True, timeout=120.0, sasl_users=None):
        self.jars = jars or JarSet("kafka4")
        self.version = self.jars.version
        self.dir = rundir.new_dir("kraft")
        self.cluster_id = new_cluster_id()
        self.host = host
        self.extra_config = dict(config or {})
        self.sasl_users = dict(sasl_users or {})
        cports = {i: free_port(host) for i in range(1, controllers + 1)}
        self.controller_quorum_voters = ",".join(f"{i}@{host}:{p}" for i, p in cports.items())
        self.controllers = [self._make_node(i, "controller", cports[i]) for i in cports]
        self.brokers = [self._make_node(self.BROKER_ID_BASE + i, "broker", free_port(host))
                        for i in range(1, brokers + 1)]
        for n in self.nodes:  # internal topics: replication factor suited to the broker count
            n.config.setdefault("offsets.topic.replication.factor", min(3, brokers))
            n.config.setdefault("transaction.state.log.replication.factor", min(3, brokers))
        t0 = time.monotonic()
        self._format_all()
        self.format_seconds = time.monotonic() - t0
        self.startup_seconds = None
        if start:
            self.start(wait=wait, timeout=timeout)

    @property
    def nodes(self):
        return self.controllers + self.brokers

    def _make_node(self, node_id, role, port):
        ndir = os.path.join(self.dir, f"{role}-{node_id}")
        data_dir = os.path.join(ndir, "data")
        os.makedirs(data_dir)
        cfg = dict(NODE_DEFAULTS)
        cfg.update({
            "process.roles": role,
            "node.id": node_id,
            "controller.quorum.voters": self.controller_quorum_voters,
            "log.dirs": data_dir,
        })
        if role == "controller":
            cfg["listeners"] = f"CONTROLLER://{self.host}:{port}"
        else:
            cfg["listeners"] = f"PLAINTEXT://{self.host}:{port}"
            cfg["advertised.listeners"] = f"PLAINTEXT://{self.host}:{port}"
            cfg["inter.broker.listener.name"] = "PLAINTEXT"
            if self.sasl_users:
                self._add_sasl_listener(cfg)
        cfg.update(self.extra_config)
        config_path = os.path.join(ndir, "server.properties")
        node = KraftNode(node_id, role, self.host, port, data_dir, config_path,
                         self.jars.java_argv(KAFKA_MAIN, [config_path], ndir),
                         os.path.join(ndir, "server.log"))
        node.sasl_port = cfg.pop("sasl_port", None)
        node.config = cfg
        return node

    def _add_sasl_listener(self, cfg):
        """A second client listener, SASL_PLAINTEXT with mechanism PLAIN, accepting
        ``sasl_users``; brokers still talk to each other over PLAINTEXT."""
        sasl_port = free_port(self.host)
        cfg["listeners"] += f",SASL_PLAINTEXT://{self.host}:{sasl_port}"
        cfg["advertised.listeners"] += f",SASL_PLAINTEXT://{self.host}:{sasl_port}"
        cfg["listener.security.protocol.map"] = (NODE_DEFAULTS["listener.security.protocol.map"]
                                                 + ",SASL_PLAINTEXT:SASL_PLAINTEXT")
        cfg["sasl.enabled.mechanisms"] = "PLAIN"
        users = " ".join(f'user_{u}="{p}"' for u, p in self.sasl_users.items())
        cfg["listener.name.sasl_plaintext.plain.sasl.jaas.config"] = (
            "org.apache.kafka.common.security.plain.PlainLoginModule required " + users + ";")
        cfg["sasl_port"] = sasl_port  # removed before writing; see sasl_bootstrap

    @property
    def sasl_bootstrap(self):
        """"host:port,..." of the SASL_PLAINTEXT listeners (only with ``sasl_users``)."""
        return ",".join(f"{b.host}:{b.sasl_port}" for b in self.brokers)

    def _format_all(self):
        """Write the final configs and format every node's storage (in parallel)."""
        procs = []
        for n in self.nodes:
            write_properties(n.config_path, n.config)
            ndir = os.path.dirname(n.config_path)
            argv = self.jars.java_argv(STORAGE_TOOL, ["format", "-t", self.cluster_id, "-c", n.config_path],
                                       ndir, tools=True)
            log = open(os.path.join(ndir, "format.log"), "wb")
            procs.append((n, subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL), log))
        for n, p, log in procs:
            rc = p.wait(120)
            log.close()
            if rc != 0:
                with open(log.name, errors="replace") as f:
                    raise RuntimeError(f"kafka-storage format failed for {n.name} (rc {rc}):\n{f.read()}")

    def start(self, wait=True, timeout=120.0):
        t0 = time.monotonic()
        for n in self.nodes:
            n.start(wait=False)
        if wait:
            self.wait_ready(timeout)
            self.startup_seconds = time.monotonic() - t0
        return self

    def wait_ready(self, timeout=120.0):
        for n in self.nodes:
            n.wait_ready(timeout)

    def stop(self):
        """Stop the brokers, then the controllers (each group in parallel)."""
        stop_many(self.brokers)
        stop_many(self.controllers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def bootstrap_servers(self):
        return ",".join(b.bootstrap for b in self.brokers)

    def node(self, node_id):
        for n in self.nodes:
            if n.node_id == node_id:
                return n
        raise KeyError(node_id)

    def broker(self, node_id):
        n = self.node(node_id)
        if n.role != "broker":
            raise KeyError(f"node {node_id} is not a broker")
        return n
