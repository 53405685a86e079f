"""KafkaZkCluster: Apache Kafka 3.9 brokers in ZooKeeper mode.

Each broker runs ``kafka.Kafka server.properties`` in its own JVM and listens (PLAINTEXT)
on **its own loopback address** 127.0.0.x with a free port, so brokers look like distinct
hosts in ``/brokers/ids/<id>``.  All brokers of a cluster share the ZooKeeper chroot
(``zookeeper.connect=<ensemble>/<chroot>``; Kafka creates the chroot).

Settings chosen for tests (see ``BROKER_DEFAULTS``): ``zookeeper.session.timeout.ms=6000``
(inside the ensemble's [1000, 10000] ms clamp with tickTime=500, so a kill -9'd broker's
``/brokers/ids/<id>`` disappears ~6-7 s later; ``KafkaBroker.negotiated_session_timeout_ms``
reads the real value from the log), ``auto.create.topics.enable=false``,
``controlled.shutdown.enable=false`` (fast stop), internal topics with replication
factor min(3, brokers) and few partitions, ``replica.lag.time.max.ms=10000``.

Incident reproduction (foreign brokers hold ids 1 and 2 in the chroot first; the expected
brokers 1 and 2 then exit with NodeExistsException, broker 3 starts fine)::

    leftover = KafkaZkCluster(zk, broker_ids=[1, 2], hosts=["127.0.0.31", "127.0.0.32"],
                              chroot="/incident", name="leftover")
    expected = KafkaZkCluster(zk, brokers=3, chroot="/incident", name="expected", wait=False)
    assert expected.broker(1).wait_exit(60) == 1
    assert expected.broker(1).log_contains("NodeExistsException")
"""
import json
import os
import re
import time

from . import rundir
from .broker_defaults import SMALL_BROKER_DEFAULTS
from .jars import JarSet, write_properties
from .ports import free_port, is_listening
from .proc import ServerProcess, stop_many, ServerStartError
from .wait import wait_until
from .zkclient import ZkClient

KAFKA_MAIN = "kafka.Kafka"

BROKER_DEFAULTS = {
    **SMALL_BROKER_DEFAULTS,
    "zookeeper.session.timeout.ms": 6000,
    "zookeeper.connection.timeout.ms": 15000,
    "delete.topic.enable": "true",
    "log.retention.check.interval.ms": 300000,
}

_NEGOTIATED = re.compile(r"negotiated timeout = (\d+)")


class KafkaBroker(ServerProcess):
    """One broker process (ServerProcess controls: stop, kill9, pause, resume, restart,
    wait_exit, exit_code, log_contains, log_tail...).

    Properties: ``broker_id``, ``host``, ``port``, ``bootstrap`` ("host:port"),
    ``endpoint`` ("PLAINTEXT://host:port"), ``data_dir``, ``config_path``, ``config``
    (dict), ``negotiated_session_timeout_ms`` (from the log; None before the ZK session).
    """

    def __init__(self, broker_id, host, port, data_dir, config_path, config, argv, log_path, ready):
        self.broker_id = broker_id
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.config_path = config_path
        self.config = config
        self.listener = "PLAINTEXT"  # INTERNAL with two_listeners
        self.external_port = None    # the EXTERNAL listener's port with two_listeners
        super().__init__(f"{config.get('_name', 'kafka')}-broker-{broker_id}", argv, log_path,
                         ready=ready, stop_grace=20.0)

    @property
    def bootstrap(self):
        return f"{self.host}:{self.port}"

    @property
    def endpoint(self):
        """The first registered endpoint: PLAINTEXT, or INTERNAL with two listeners."""
        return f"{self.listener}://{self.host}:{self.port}"

    @property
    def external_bootstrap(self):
        """host:port of the EXTERNAL listener (clusters made with ``two_listeners``)."""
        return f"{self.host}:{self.external_port}"

    @property
    def negotiated_session_timeout_ms(self):
        m = _NEGOTIATED.search(self.log_text())
        return int(m.group(1)) if m else None


class KafkaZkCluster:
    """Kafka 3.9 brokers in ZooKeeper mode.

    Args:
        ensemble: a ZooKeeperEnsemble (or anything with ``connect_string``).
        brokers: number of brokers (ids 1..n) unless ``broker_ids`` is given.
        chroot: ZooKeeper chroot shared by the brokers ("/kafka").
        broker_ids: explicit broker ids.
        hosts: loopback address per broker (default: the n-th cluster of the process uses
            127.0.0.(10n+1)...; at most 9 brokers with default hosts).
        name: label used in process names and the run directory.
        config: extra/overriding broker properties (dict) for every broker.
        wait: wait until every broker is registered in ZooKeeper and a controller exists.
        start: start the brokers in the constructor.
        jars: JarSet (default ``kafka39``).

    Properties: ``brokers`` (list of KafkaBroker), ``bootstrap_servers`` ("h:p,h:p,..."),
    ``zookeeper_connect`` ("<ensemble>/<chroot>"), ``chroot``, ``startup_seconds``.
    Methods: ``broker(id)``, ``start(wait)``, ``wait_ready(broker_ids=None, timeout)``,
    ``start_extra_broker(broker_id, host)`` -> KafkaBroker (not waited for),
    ``start_leftover_deployment(broker_ids, hosts)`` -> KafkaZkCluster sharing the chroot,
    ``zk()`` -> ZkClient rooted at the chroot (caller closes), ``registered_ids()``,
    ``controller_id()``, ``wait_broker_registered(id, endpoint=None)``,
    ``wait_broker_unregistered(id)``, ``stop()``.
    """

    _instances = 0

    def __init__(self, ensemble, brokers=3, chroot="/kafka", broker_ids=None, hosts=None,
                 name="kafka", config=None, wait=True, start=True, jars=None, timeout=120.0,
                 two_listeners=False):
        KafkaZkCluster._instances += 1
        self.ensemble = ensemble
        self.chroot = "/" + chroot.strip("/")
        self.name = name
        self.jars = jars or JarSet("kafka39")
        self.extra_config = dict(config or {})
        self.two_listeners = two_listeners
        self.dir = rundir.new_dir(f"kafka-zk-{name}")
        self.broker_ids = list(broker_ids) if broker_ids else list(range(1, brokers + 1))
        if hosts is None:
            base = 10 * ((KafkaZkCluster._instances - 1) % 24 + 1)  # .11-.19, .21-.29, ... wraps
            hosts = [f"127.0.0.{base + i}" for i in range(1, len(self.broker_ids) + 1)]
        if len(hosts) != len(self.broker_ids):
            raise ValueError("hosts and broker_ids differ in length")
        self.replication = min(3, len(self.broker_ids))
        self.brokers = [self._make_broker(bid, host) for bid, host in zip(self.broker_ids, hosts)]
        self.extra_brokers = []
        self.startup_seconds = None
        if start:
            self.start(wait=wait, timeout=timeout)

    # ------------------------------------------------------------- construction
    @property
    def zookeeper_connect(self):
        return self.ensemble.connect_string + self.chroot

    def _make_broker(self, broker_id, host, tag=""):
        port = free_port(host)
        bdir = os.path.join(self.dir, f"broker-{broker_id}{tag}")
        data_dir = os.path.join(bdir, "data")
        os.makedirs(data_dir)
        listener = f"PLAINTEXT://{host}:{port}"
        cfg = dict(BROKER_DEFAULTS)
        cfg.update({
            "broker.id": broker_id,
            "listeners": listener,
            "advertised.listeners": listener,
            "zookeeper.connect": self.zookeeper_connect,
            "log.dirs": data_dir,
            "offsets.topic.replication.factor": self.replication,
            "transaction.state.log.replication.factor": self.replication,
            "default.replication.factor": 1,
        })
        external_port = None
        if self.two_listeners:  # INTERNAL (brokers' own, listed first) and EXTERNAL (clients)
            external_port = free_port(host)
            listeners = f"INTERNAL://{host}:{port},EXTERNAL://{host}:{external_port}"
            cfg.update({"listeners": listeners, "advertised.listeners": listeners,
                        "listener.security.protocol.map": "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
                        "inter.broker.listener.name": "INTERNAL"})
        cfg.update(self.extra_config)
        config_path = write_properties(os.path.join(bdir, "server.properties"), cfg)
        argv = self.jars.java_argv(KAFKA_MAIN, [config_path], bdir)
        cfg["_name"] = self.name
        broker = KafkaBroker(broker_id, host, port, data_dir, config_path, cfg, argv,
                             os.path.join(bdir, "server.log"), ready=self._broker_ready)
        if self.two_listeners:
            broker.listener = "INTERNAL"
            broker.external_port = external_port
        return broker

    def _broker_ready(self, broker):
        if not is_listening(broker.host, broker.port):
            return False
        with self.zk() as zk:
            return _registered_endpoint(zk, broker.broker_id) == broker.endpoint

    # ------------------------------------------------------------- lifecycle
    def start(self, wait=True, timeout=120.0):
        """Start all brokers (in parallel); with ``wait``, wait for all to be registered
        and for a controller.  Records ``startup_seconds``."""
        t0 = time.monotonic()
        for b in self.brokers:
            b.start(wait=False)
        if wait:
            self.wait_ready(timeout=timeout)
            self.startup_seconds = time.monotonic() - t0
        return self

    def wait_ready(self, broker_ids=None, timeout=120.0):
        """Wait until the given (default: all) brokers are registered with their own
        endpoint and ``/controller`` exists.  A broker that exits fails the wait."""
        ids = broker_ids or self.broker_ids
        for bid in ids:
            self.broker(bid).wait_ready(timeout)
        with self.zk() as zk:
            wait_until(lambda: zk.exists("/controller"), timeout, what=f"{self.chroot}/controller")

    def stop(self):
        """Stop all brokers, extra brokers included (in parallel)."""
        stop_many(self.extra_brokers + self.brokers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------- extra brokers
    def start_extra_broker(self, broker_id, host):
        """Start another broker with ``broker_id`` on loopback address ``host`` against the
        same chroot; return its KafkaBroker at once (not waited for: it may exit, e.g. with
        NodeExistsException when the id is taken - check ``exit_code``/``log_contains``).
        Use ``broker.wait_ready()`` to wait for its registration if it should succeed."""
        b = self._make_broker(broker_id, host, tag=f"-extra{len(self.extra_brokers) + 1}")
        self.extra_brokers.append(b)
        b.start(wait=False)
        return b

    def start_leftover_deployment(self, broker_ids=(1, 2), hosts=None, wait=True, name="leftover"):
        """Start a second deployment sharing this cluster's ZooKeeper chroot on other
        loopback addresses (default 127.0.0.(200+id)).  Returns a KafkaZkCluster.  With
        ``wait=False`` its brokers may exit if their ids are already registered."""
        hosts = hosts or [f"127.0.0.{200 + bid}" for bid in broker_ids]
        return KafkaZkCluster(self.ensemble, chroot=self.chroot, broker_ids=broker_ids,
                              hosts=hosts, name=name, config=self.extra_config, wait=wait,
                              jars=self.jars)

    # ------------------------------------------------------------- queries
    def broker(self, broker_id):
        for b in self.brokers:
            if b.broker_id == broker_id:
                return b
        raise KeyError(f"no broker {broker_id} in {self.name}")

    @property
    def bootstrap_servers(self):
        return ",".join(b.bootstrap for b in self.brokers)

    def running_bootstrap_servers(self):
        return ",".join(b.bootstrap for b in self.brokers if b.running and not b.paused)

    def zk(self):
        """A new ZkClient rooted at this cluster's chroot (use ``with``)."""
        return ZkClient(self.ensemble.connect_string, chroot=self.chroot)

    def registered_ids(self):
        with self.zk() as zk:
            return sorted(int(c) for c in zk.children("/brokers/ids"))

    def controller_id(self):
        """Broker id from ``/controller``, or None when there is no controller."""
        with self.zk() as zk:
            stat = zk.exists("/controller")
            if stat is None:
                return None
            return json.loads(zk.get("/controller")[0])["brokerid"]

    def wait_broker_registered(self, broker_id, endpoint=None, timeout=60.0):
        with self.zk() as zk:
            wait_until(lambda: _registered_endpoint(zk, broker_id) == endpoint if endpoint
                       else _registered_endpoint(zk, broker_id) is not None,
                       timeout, what=f"{self.chroot}/brokers/ids/{broker_id} registered")

    def wait_broker_unregistered(self, broker_id, timeout=60.0):
        """Wait until ``/brokers/ids/<id>`` is gone (e.g. the ZK session of a kill -9'd
        broker expired); returns the seconds waited."""
        t0 = time.monotonic()
        with self.zk() as zk:
            zk.wait_exists(f"/brokers/ids/{broker_id}", timeout, gone=True)
        return time.monotonic() - t0


def _registered_endpoint(zk, broker_id):
    """The first endpoint in /brokers/ids/<id>, or None if not registered."""
    try:
        data, _ = zk.get(f"/brokers/ids/{broker_id}")
    except Exception:  # noqa: BLE001 - NoNode or chroot not created yet
        return None
    eps = json.loads(data).get("endpoints") or []
    return eps[0] if eps else None


__all__ = ["KafkaZkCluster", "KafkaBroker", "BROKER_DEFAULTS", "ServerStartError"]
