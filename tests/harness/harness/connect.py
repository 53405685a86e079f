"""ConnectCluster: Kafka Connect 3.9 workers in distributed mode.

Each worker is ``org.apache.kafka.connect.cli.ConnectDistributed worker.properties`` in its
own JVM, REST on ``http://127.0.0.1:<free port>`` (advertised as such, so ``worker_id`` is
"127.0.0.1:<port>").  ``plugin.path`` holds the FileStream connectors (connect-file jar).
Short timings so a killed worker's connectors/tasks move fast:
``scheduled.rebalance.max.delay.ms=2000``, ``session.timeout.ms=6000``,
``heartbeat.interval.ms=1000``.  Converters are StringConverter.

Ready = ``GET /health`` answers 200 (Connect 3.9+, KIP-1017).
"""
import itertools
import os
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from . import rundir
from .jars import JarSet, write_properties
from .ports import free_port
from .proc import ServerProcess, stop_many
from .tools import KafkaTools
from .wait import wait_until

CONNECT_MAIN = "org.apache.kafka.connect.cli.ConnectDistributed"
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"

_group_counter = itertools.count(1)


def _healthy(worker):
    try:
        return worker.rest("GET", "/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


class ConnectWorker(ServerProcess):
    """One worker (ServerProcess controls).  Properties: ``index`` (1-based), ``host``,
    ``port``, ``url`` ("http://127.0.0.1:port"), ``worker_id`` ("127.0.0.1:port"),
    ``config_path``.  ``rest(method, path, json=None, timeout=10)`` -> requests.Response."""

    def __init__(self, index, host, port, config_path, argv, log_path):
        self.index, self.host, self.port, self.config_path = index, host, port, config_path
        super().__init__(f"connect-{index}", argv, log_path, ready=_healthy, stop_grace=20.0)

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def worker_id(self):
        return f"{self.host}:{self.port}"

    def rest(self, method, path, json=None, timeout=10):
        return requests.request(method, self.url + path, json=json, timeout=timeout)


class ConnectCluster:
    """A Connect group of ``workers`` workers against ``kafka_bootstrap``.

    Args:
        kafka_bootstrap: "h:p,h:p" of the backing Kafka cluster.
        workers: number of workers.
        replication_factor: for the internal topics (default: number of bootstrap
            servers, at most 3).
        group_id: Connect group id (default "connect-<n>"; internal topics are
            "<group_id>-configs/-offsets/-status").
        config: extra worker properties.
        jars: JarSet (default ``kafka39``).
        start/timeout: start all workers and wait until every one is healthy.

    Properties: ``workers`` (list of ConnectWorker), ``group_id``, ``startup_seconds``,
    ``url`` (first worker's).  Methods: ``worker(i)`` (1-based), ``rest(method, path,
    json)`` on the first running worker, ``create_file_source(name, file, topic,
    tasks_max=1, extra=None)``, ``wait_connector_state(name, state, timeout)``,
    ``wait_task_state(name, task_id, state, timeout)``, ``stop()``.
    """

    def __init__(self, kafka_bootstrap, workers=2, replication_factor=None, group_id=None,
                 config=None, jars=None, start=True, timeout=120.0, host="127.0.0.1"):
        self.jars = jars or JarSet("kafka39")
        self.kafka_bootstrap = kafka_bootstrap
        self.group_id = group_id or f"connect-{next(_group_counter)}"
        self.dir = rundir.new_dir(f"connect-{self.group_id}")
        self.files_dir = os.path.join(self.dir, "files")
        os.makedirs(self.files_dir)
        rf = replication_factor or min(3, len(kafka_bootstrap.split(",")))
        self.workers = []
        for i in range(1, workers + 1):
            port = free_port(host)
            wdir = os.path.join(self.dir, f"worker-{i}")
            os.makedirs(wdir)
            props = {
                "bootstrap.servers": kafka_bootstrap,
                "group.id": self.group_id,
                "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                "config.storage.topic": f"{self.group_id}-configs",
                "offset.storage.topic": f"{self.group_id}-offsets",
                "status.storage.topic": f"{self.group_id}-status",
                "config.storage.replication.factor": rf,
                "offset.storage.replication.factor": rf,
                "status.storage.replication.factor": rf,
                "offset.storage.partitions": 3,
                "status.storage.partitions": 2,
                "listeners": f"http://{host}:{port}",
                "rest.advertised.host.name": host,
                "rest.advertised.port": port,
                "rest.advertised.listener": "http",
                "plugin.path": self.jars.connect_plugin_path,
                "scheduled.rebalance.max.delay.ms": 2000,
                "session.timeout.ms": 6000,
                "heartbeat.interval.ms": 1000,
                "offset.flush.interval.ms": 1000,
                "task.shutdown.graceful.timeout.ms": 2000,
                # every bundled plugin has ServiceLoader manifests: skip the ~2 s reflection scan
                "plugin.discovery": "service_load",
            }
            props.update(config or {})
            cfg = write_properties(os.path.join(wdir, "worker.properties"), props)
            argv = self.jars.java_argv(CONNECT_MAIN, [cfg], wdir)
            self.workers.append(ConnectWorker(i, host, port, cfg, argv, os.path.join(wdir, "connect.log")))
        self.replication_factor = rf
        self.startup_seconds = None
        self._topics_created = False
        if start:
            self.start(timeout)

    def _create_internal_topics(self):
        """Create the three internal topics up front (in parallel, with the Kafka tools).

        A worker that creates them itself finds them missing from metadata for a moment and
        its admin client then backs off for ~10 s; pre-created topics avoid that stall."""
        tools = KafkaTools(self.kafka_bootstrap, self.jars)
        specs = [("configs", 1), ("offsets", 3), ("status", 2)]
        with ThreadPoolExecutor(len(specs)) as pool:
            futures = [pool.submit(tools.create_topic, f"{self.group_id}-{suffix}", partitions,
                                   self.replication_factor, {"cleanup.policy": "compact"})
                       for suffix, partitions in specs]
            for f in futures:
                f.result()
        self._topics_created = True

    def start(self, timeout=120.0):
        """Create the internal topics (first start only), start all workers, wait until
        each answers ``GET /health`` with 200.  Records ``startup_seconds``."""
        t0 = time.monotonic()
        if not self._topics_created:
            self._create_internal_topics()
        for w in self.workers:
            w.start(wait=False)
        for w in self.workers:
            w.wait_ready(timeout)
        self.startup_seconds = time.monotonic() - t0
        return self

    def stop(self):
        """Stop all workers (in parallel)."""
        stop_many(self.workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def worker(self, index):
        return self.workers[index - 1]

    @property
    def url(self):
        return self.workers[0].url

    def rest(self, method, path, json=None, timeout=10):
        """REST call on the first running, unpaused worker."""
        for w in self.workers:
            if w.running and not w.paused:
                return w.rest(method, path, json=json, timeout=timeout)
        raise RuntimeError("no Connect worker is running")

    def create_file_source(self, name, file, topic, tasks_max=1, extra=None):
        """Create a FileStreamSource connector reading ``file`` (path) into ``topic``.
        Retries 409 (rebalance in progress).  Returns the response JSON."""
        # The harness brokers do not auto-create topics: let Connect create the
        # target topic (KIP-158), or the task's producer blocks on metadata.
        cfg = {"connector.class": FILE_SOURCE, "tasks.max": str(tasks_max), "file": file, "topic": topic,
               "topic.creation.default.replication.factor": "1",
               "topic.creation.default.partitions": "1"}
        cfg.update(extra or {})

        def attempt():
            r = self.rest("PUT", f"/connectors/{name}/config", json=cfg)
            if r.status_code == 409:
                return None
            r.raise_for_status()
            return r.json()
        return wait_until(attempt, 60, interval=0.5, what=f"connector {name} to be created")

    def connector_status(self, name):
        r = self.rest("GET", f"/connectors/{name}/status")
        return r.json() if r.status_code == 200 else None

    def wait_connector_state(self, name, state, timeout=60.0):
        """Wait until ``/connectors/<name>/status`` shows connector.state == state."""
        return wait_until(lambda: (self.connector_status(name) or {}).get("connector", {}).get("state") == state,
                          timeout, interval=0.5, what=f"connector {name} in state {state}",
                          describe=lambda: f"last status: {self.connector_status(name)}")

    def wait_task_state(self, name, task_id, state, timeout=60.0):
        def check():
            tasks = (self.connector_status(name) or {}).get("tasks", [])
            return any(t["id"] == task_id and t["state"] == state for t in tasks)
        return wait_until(check, timeout, interval=0.5, what=f"task {name}/{task_id} in state {state}",
                          describe=lambda: f"last status: {self.connector_status(name)}")
