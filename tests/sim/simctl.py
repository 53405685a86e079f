"""Client module for tests: start a simulator subprocess and drive its control port.

Usage (stdlib only; import with ``tests/sim`` on ``sys.path``)::

    from simctl import DorisSim, FlinkSim, SchemaRegistrySim

    with DorisSim(fe=3, be=3, dead_bes=[1]) as doris:
        doris.fe_urls        # ["http://127.0.0.1:41234", ...]
        doris.be_urls
        doris.set_scenario(masters=[0, 1])   # any switch of doris_sim.py
        doris.stop_fe(2)                     # connection refused from now on
        doris.start_fe(2)
        doris.reset()                        # back to the start-up switches

    with FlinkSim(jobs=[{"name": "etl", "restarts": 3}]) as flink:
        flink.url, flink.job_id("etl")
        flink.set_job("etl", checkpoint_age_s=3600)

    with SchemaRegistrySim(error_code=50001) as registry:
        registry.url

Contract: keyword arguments are scenario switches (passed with ``--scenario``); the
context manager (or ``stop()``) always terminates the process (SIGTERM, then SIGKILL
after 5 s) and waits for it.  ``start()`` raises ``SimulatorError`` if the process does
not print its ports line within ``startup_timeout`` seconds.
"""

import hashlib
import json
import os
import select
import subprocess
import sys
import urllib.error
import urllib.request

SIM_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable or "/usr/bin/python3"


class SimulatorError(RuntimeError):
    """The simulator did not start or the control port rejected a request."""


class _SimProcess:
    """A simulator subprocess plus a control-port client."""

    SCRIPT = None

    def __init__(self, host="127.0.0.1", startup_timeout=10.0, env=None, extra_args=(),
                 **switches):
        self.host = host
        self.startup_timeout = startup_timeout
        self.env = env
        self.extra_args = list(extra_args)
        self.switches = switches
        self.proc = None
        self.ports = None

    # -- lifecycle ---------------------------------------------------------------------
    def command(self):
        cmd = [PYTHON, os.path.join(SIM_DIR, self.SCRIPT), "--host", self.host]
        if self.switches:
            cmd += ["--scenario", json.dumps(self.switches)]
        return cmd + self.extra_args

    def start(self):
        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE, env=env,
                                     cwd=SIM_DIR)
        try:
            self.ports = json.loads(self._read_ports_line())
        except Exception:
            self.stop()
            raise
        return self

    def _read_ports_line(self):
        ready, _, _ = select.select([self.proc.stdout], [], [], self.startup_timeout)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            raise SimulatorError(f"{self.SCRIPT} did not report its ports "
                                 f"(exit status {self.proc.poll()})")
        return line.decode("utf-8")

    def stop(self):
        """SIGTERM, wait up to 5 s, then SIGKILL.  Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        return self.proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- control API -------------------------------------------------------------------
    @property
    def control_url(self):
        return f"http://{self.host}:{self.ports['control']}"

    def _control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.control_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise SimulatorError(f"{method} {path}: {exc.code} {exc.read().decode()}") from None

    def set_scenario(self, **switches):
        """Merge switches into the current scenario; returns the full new scenario."""
        return self._control("POST", "/-/scenario", switches)

    def scenario(self):
        return self._control("GET", "/-/scenario")

    def reset(self):
        """Back to the start-up scenario (also restarts stopped nodes)."""
        return self._control("POST", "/-/reset", {})

    def _url(self, port):
        return f"http://{self.host}:{port}"


class DorisSim(_SimProcess):
    """``doris_sim.py`` with ``fe`` FE servers and ``be`` BE servers."""

    SCRIPT = "doris_sim.py"

    def __init__(self, fe=3, be=3, **kwargs):
        super().__init__(**kwargs)
        self.extra_args += ["--fe", str(fe), "--be", str(be)]

    @property
    def fe_urls(self):
        return [self._url(port) for port in self.ports["fe"]]

    @property
    def be_urls(self):
        return [self._url(port) for port in self.ports["be"]]

    def _toggle(self, key, index, down):
        current = set(self.scenario()[key])
        current = current | {index} if down else current - {index}
        return self.set_scenario(**{key: sorted(current)})

    def stop_fe(self, index):
        """FE ``index`` stops listening (connection refused) and shows Alive=false."""
        return self._toggle("down_fes", index, True)

    def start_fe(self, index):
        return self._toggle("down_fes", index, False)

    def stop_be(self, index):
        return self._toggle("down_bes", index, True)

    def start_be(self, index):
        return self._toggle("down_bes", index, False)


class FlinkSim(_SimProcess):
    """``flink_sim.py``: one JobManager REST server."""

    SCRIPT = "flink_sim.py"

    @property
    def url(self):
        return self._url(self.ports["jobmanager"])

    @staticmethod
    def job_id(name):
        """The simulator's JobID for a job name (md5 hex of the name)."""
        return hashlib.md5(name.encode("utf-8")).hexdigest()

    def set_job(self, name, **fields):
        """Change one declared job's fields (e.g. state, restarts, checkpoint_age_s)."""
        jobs = self.scenario()["jobs"]
        for job in jobs:
            if job["name"] == name:
                job.update(fields)
                return self.set_scenario(jobs=jobs)
        raise SimulatorError(f"no job named {name!r}")


class SchemaRegistrySim(_SimProcess):
    """``schema_registry_sim.py``: one Schema Registry REST server."""

    SCRIPT = "schema_registry_sim.py"

    @property
    def url(self):
        return self._url(self.ports["registry"])
