"""Streamprobe: the streamprobe binary under test.

    sp = Streamprobe(config_text=yaml_text)          # binary from $STREAMPROBE_BIN
    sp.value("zookeeper_up", cluster="main", member="127.0.0.1:2181")   # -> 1.0 / None
    sp.wait_for(lambda s: s.value("kafka_brokers", cluster="zk") == 3, timeout=30,
                what="3 brokers", show=("kafka_",))

Contract with the binary: ``streamprobe --config.file=<file> --web.listen-address=127.0.0.1:<port>``
serves ``GET /metrics`` (Prometheus text), ``GET /readyz`` (200 when ready),
``POST /-/reload`` (re-read the config file) and re-reads the config on SIGHUP.
"""
import os
import signal

import requests
from prometheus_client.parser import text_string_to_metric_families

from . import rundir
from .jars import REPO_ROOT
from .ports import free_port
from .proc import ServerProcess
from .wait import WaitTimeout, wait_until


def default_binary():
    """``$STREAMPROBE_BIN``, else ``<repo>/build/streamprobe`` if it exists."""
    env = os.environ.get("STREAMPROBE_BIN")
    if env:
        return env
    candidate = os.path.join(REPO_ROOT, "build", "streamprobe")
    if os.path.exists(candidate):
        return candidate
    raise FileNotFoundError("streamprobe binary not found: set STREAMPROBE_BIN")


class Scrape:
    """One parsed /metrics response.

    Attributes: ``text`` (raw body), ``families`` (list of prometheus_client Metric).
    ``reason(system, target, **labels)`` -> the target's failure reason, "none" or None;
    ``samples(name, **labels)`` -> samples whose *sample* name is ``name`` (so counters are
    matched as "x_total", histogram parts as "x_bucket" etc.) and whose labels include
    ``labels``; ``value(name, **labels)`` -> the single matching value, None if none
    (AssertionError if several match); ``family(name)``; ``lines(*prefixes)`` -> the raw
    non-comment lines starting with any prefix (all when none given).
    """

    def __init__(self, text):
        self.text = text
        self.families = list(text_string_to_metric_families(text))

    def family(self, name):
        for f in self.families:
            if f.name == name:
                return f
        return None

    def samples(self, name, **labels):
        want = {k: str(v) for k, v in labels.items()}
        return [s for f in self.families for s in f.samples
                if s.name == name and all(s.labels.get(k) == v for k, v in want.items())]

    def value(self, name, **labels):
        found = self.samples(name, **labels)
        if not found:
            return None
        if len(found) > 1:
            raise AssertionError(f"{len(found)} samples match {name}{labels}: "
                                 + ", ".join(str(s.labels) for s in found))
        return found[0].value

    def reason(self, system, target, **labels):
        """The target's failure reason (the ``reason`` of streamprobe_probe_failure_reason
        set to 1), "none" when its latest round succeeded, None before it has reported."""
        for s in self.samples("streamprobe_probe_failure_reason", system=system, target=target, **labels):
            if s.value == 1:
                return s.labels["reason"]
        success = self.value("streamprobe_probe_success", system=system, target=target, **labels)
        return "none" if success == 1 else None

    def lines(self, *prefixes):
        return [line for line in self.text.splitlines()
                if line and not line.startswith("#") and (not prefixes or line.startswith(prefixes))]


class Streamprobe(ServerProcess):
    """The binary under test.

    Args:
        config_text: YAML written to ``<run dir>/streamprobe-<n>/streamprobe.yml``.
        binary: path (default ``default_binary()``).
        args: extra command-line flags.
        env: extra environment.
        start: start and wait for ``GET /readyz`` == 200 (``timeout`` s).
        port: listen port (default: a free one).
        lifecycle: pass ``--web.enable-lifecycle`` (``POST /-/reload``); default on.
        tls_ca: CA file that signs the server's certificate: the harness talks HTTPS
            (the web configuration itself goes in ``args``: ``--web.config.file=...``).
        auth: ``(user, password)`` for basic authentication on every request.
        client_cert: ``(cert_file, key_file)`` presented on every HTTPS request.

    Properties: ``host``, ``port``, ``url``, ``config_path``.
    Methods: ``scrape()`` -> Scrape, ``value(name, **labels)`` (fresh scrape),
    ``wait_for(predicate, timeout=30, interval=0.5, what, show=())`` -> the Scrape that
    satisfied ``predicate(scrape)``; on timeout fails with the last scrape's lines
    (filtered by the ``show`` prefixes), ``wait_rounds(system, rounds=2, timeout=30)`` ->
    the Scrape once every target of ``system`` finished ``rounds`` more rounds, ``get(path)``, ``reload()`` -> Response of
    ``POST /-/reload``, ``write_config(text)``, ``sighup()``; ServerProcess controls.
    """

    def __init__(self, config_text, binary=None, args=(), env=None, start=True, timeout=30.0,
                 host="127.0.0.1", port=None, lifecycle=True, tls_ca=None, auth=None, client_cert=None):
        self.binary = binary or default_binary()
        if os.sep in self.binary:  # the process runs in its own directory
            self.binary = os.path.abspath(self.binary)
        self.host = host
        self.port = port or free_port(host)
        self.tls_ca, self.auth, self.client_cert = tls_ca, auth, client_cert
        self.dir = rundir.new_dir("streamprobe")
        self.config_path = os.path.join(self.dir, "streamprobe.yml")
        self.write_config(config_text)
        argv = [self.binary, f"--config.file={self.config_path}",
                f"--web.listen-address={host}:{self.port}"] + (["--web.enable-lifecycle"] if lifecycle else []) + list(args)
        super().__init__("streamprobe", argv, os.path.join(self.dir, "streamprobe.log"),
                         ready=lambda p: p._ready(), env=env, stop_grace=10.0)
        if start:
            self.start(timeout=timeout)

    @property
    def url(self):
        return f"{'https' if self.tls_ca else 'http'}://{self.host}:{self.port}"

    def _ready(self):
        try:
            return self.get("/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def get(self, path, timeout=10, **kwargs):
        return requests.get(self.url + path, timeout=timeout, **self._session_args(kwargs))

    def _session_args(self, kwargs):
        """requests arguments for this instance's TLS CA, client certificate and basic auth
        (each overridable by the caller)."""
        args = {"verify": self.tls_ca or True, "auth": self.auth, "cert": self.client_cert}
        args.update(kwargs)
        return args

    def scrape(self):
        r = self.get("/metrics")
        r.raise_for_status()
        return Scrape(r.text)

    def value(self, name, **labels):
        return self.scrape().value(name, **labels)

    def wait_for(self, predicate, timeout=30.0, interval=0.5, what="metrics condition", show=()):
        last = {}

        def check():
            last["scrape"] = self.scrape()
            return predicate(last["scrape"]) and last["scrape"]

        def describe():
            s = last.get("scrape")
            if s is None:
                return "no successful scrape"
            lines = s.lines(*show)
            tail = "" if len(lines) <= 80 else f"\n... ({len(lines) - 80} more lines)"
            return "last scrape:\n" + "\n".join(lines[:80]) + tail

        try:
            return wait_until(check, timeout, interval=interval, what=what, describe=describe)
        except WaitTimeout as exc:
            raise WaitTimeout(f"{exc}\nstreamprobe log tail:\n{self.log_tail(20)}") from None

    def wait_rounds(self, system, rounds=2, timeout=30.0):
        """Wait until every ``system`` target has finished ``rounds`` more rounds
        (``streamprobe_probe_rounds_total``) than at the call; return that Scrape. With
        the default 2, at least one whole round started after anything done before."""
        def finished(scrape):
            return {s.labels["target"]: s.value
                    for s in scrape.samples("streamprobe_probe_rounds_total", system=system)}

        before = finished(self.scrape())
        if not before:
            raise AssertionError(f"no {system} target reports streamprobe_probe_rounds_total")
        return self.wait_for(lambda s: all(finished(s).get(t, 0) >= n + rounds
                                           for t, n in before.items()),
                             timeout=timeout, what=f"{rounds} more rounds of every {system} target",
                             show=("streamprobe_probe_rounds_total",))

    def reload(self):
        return requests.post(self.url + "/-/reload", timeout=10, **self._session_args({}))

    def sighup(self):
        self._require_running().send_signal(signal.SIGHUP)
