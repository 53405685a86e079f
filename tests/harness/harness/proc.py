"""ServerProcess: one server process started and controlled by the harness.

Contract:
* The command is exec'd directly (no wrapper shell), so ``pid`` is the server itself
  (for Java servers: the JVM).
* stdout and stderr go to ``log_path`` (appended across restarts; each start writes a
  ``=== harness: start #n ...`` marker line, and ``log_*`` helpers look only at the
  output of the current start unless ``since_start=False``).
* The child gets ``PR_SET_PDEATHSIG = SIGKILL``, so it dies with the harness process even
  when Python is killed without running atexit handlers.  It runs in its own session so a
  Ctrl-C on the terminal reaches only the harness, which then stops it in order.
  PR_SET_PDEATHSIG fires when the *thread* that started the child exits: start servers
  from the main (pytest) thread, not from short-lived worker threads.
* Every started process is registered; ``stop_all()`` (also run at interpreter exit)
  stops the ones still running.  Only processes started here are ever signalled.
* ``ready`` is a callable ``ready(proc) -> bool`` polled by ``wait_ready``; the wait fails
  early if the process exits, and on timeout raises ServerStartError carrying the last
  40 lines of the log.
"""
import atexit
import ctypes
import os
import signal
import subprocess
import threading
import time

from .wait import WaitTimeout, wait_until

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


class ServerStartError(RuntimeError):
    """A server did not become ready (exited, or its ready condition timed out)."""


def _child_setup(parent_pid):
    def setup():
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # parent died before prctl took effect
            os._exit(1)
    return setup


_registry_lock = threading.Lock()
_registry = []


class ServerProcess:
    """A server process; see the module docstring for the contract.

    Args:
        name: short label used in messages ("zk1", "kafka-broker-2").
        argv: full command line; argv[0] must be an executable path or on PATH.
        log_path: file that receives stdout+stderr.
        ready: optional ``callable(proc) -> bool``; "ready" means serving.
        env: extra environment variables (merged over os.environ).
        cwd: working directory (default: the log file's directory).
        stop_grace: seconds between SIGTERM and SIGKILL in ``stop()``.
    """

    def __init__(self, name, argv, log_path, ready=None, env=None, cwd=None, stop_grace=15.0):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = log_path
        self.ready = ready
        self.env = dict(os.environ, **(env or {}))
        self.cwd = cwd or os.path.dirname(os.path.abspath(log_path))
        self.stop_grace = stop_grace
        self._popen = None
        self._log_offset = 0
        self._starts = 0
        self._paused = False
        self.started_at = None      # time.monotonic() of the last start
        self.ready_seconds = None   # seconds from the last start until ready

    # ---------------------------------------------------------------- lifecycle
    def start(self, wait=True, timeout=90.0):
        """Start the process (must not be running).  With ``wait``, block until ready."""
        if self.running:
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        self._starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"=== harness: start #{self._starts} of {self.name}: {' '.join(self.argv)}\n".encode())
            log.flush()
            self._log_offset = log.tell()
            self._popen = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, cwd=self.cwd, start_new_session=True,
                preexec_fn=_child_setup(os.getpid()))
        self._paused = False
        self.started_at = time.monotonic()
        self.ready_seconds = None
        with _registry_lock:
            if self not in _registry:
                _registry.append(self)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=90.0):
        """Poll ``ready(self)`` until true; raise ServerStartError on exit or timeout."""
        if self.ready is None:
            self.ready_seconds = time.monotonic() - self.started_at
            return

        def check():
            if self._popen.poll() is not None:
                raise ServerStartError(
                    f"{self.name} exited with code {self._popen.returncode} before it was ready "
                    f"(log {self.log_path}):\n{self.log_tail(40)}")
            return self.ready(self)

        try:
            wait_until(check, timeout, interval=0.2, what=f"{self.name} to be ready",
                       fatal=(ServerStartError,))
        except WaitTimeout as exc:
            raise ServerStartError(
                f"{exc}\n{self.name} pid {self.pid}, log {self.log_path}, last 40 lines:\n"
                f"{self.log_tail(40)}") from None
        self.ready_seconds = time.monotonic() - self.started_at

    def stop(self, grace=None):
        """SIGTERM (plus SIGCONT if paused), wait ``grace`` s, then SIGKILL.  Returns exit code."""
        if self._popen is None or self._popen.poll() is not None:
            return self.exit_code
        grace = self.stop_grace if grace is None else grace
        self._popen.send_signal(signal.SIGTERM)
        self._popen.send_signal(signal.SIGCONT)
        self._paused = False
        try:
            return self._popen.wait(grace)
        except subprocess.TimeoutExpired:
            self._popen.kill()
            return self._popen.wait(10)

    def kill9(self):
        """SIGKILL now and reap.  Returns the exit code (-9)."""
        if self._popen is None or self._popen.poll() is not None:
            return self.exit_code
        self._popen.kill()
        self._paused = False
        return self._popen.wait(10)

    def pause(self):
        """SIGSTOP: the process keeps its sockets but answers nothing."""
        self._require_running().send_signal(signal.SIGSTOP)
        self._paused = True

    def resume(self):
        """SIGCONT after ``pause()``."""
        self._require_running().send_signal(signal.SIGCONT)
        self._paused = False

    def restart(self, wait=True, timeout=90.0, kill=False):
        """Stop (or kill -9 with ``kill=True``) and start again with the same argv, ports, data."""
        if kill:
            self.kill9()
        else:
            self.stop()
        return self.start(wait=wait, timeout=timeout)

    def wait_exit(self, timeout):
        """Wait until the process exits; return its exit code (raises WaitTimeout)."""
        if self._popen is None:
            raise RuntimeError(f"{self.name} was never started")
        try:
            return self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise WaitTimeout(f"{self.name} (pid {self.pid}) still running after {timeout} s;"
                              f" last log lines:\n{self.log_tail(20)}") from None

    # ---------------------------------------------------------------- state
    @property
    def pid(self):
        return self._popen.pid if self._popen else None

    @property
    def running(self):
        """True while the process has not exited (also when paused)."""
        return self._popen is not None and self._popen.poll() is None

    @property
    def paused(self):
        return self._paused and self.running

    @property
    def exit_code(self):
        """None while running (or never started), else the exit code (negative = signal)."""
        return None if self._popen is None else self._popen.poll()

    # ---------------------------------------------------------------- log
    def log_text(self, since_start=True):
        """The log as text (of the current start only, unless ``since_start=False``)."""
        try:
            with open(self.log_path, "rb") as f:
                if since_start:
                    f.seek(self._log_offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, n=40, since_start=True):
        return "\n".join(self.log_text(since_start).splitlines()[-n:])

    def log_contains(self, text, since_start=True):
        return text in self.log_text(since_start)

    def wait_for_log(self, text, timeout=60.0):
        """Wait until ``text`` appears in the log of the current start."""
        wait_until(lambda: self.log_contains(text), timeout, what=f"{text!r} in {self.name} log",
                   describe=lambda: self.log_tail(40))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def _require_running(self):
        if not self.running:
            raise RuntimeError(f"{self.name} is not running (exit code {self.exit_code})")
        return self._popen

    def __repr__(self):
        state = "paused" if self.paused else "running" if self.running else f"exited({self.exit_code})"
        return f"<ServerProcess {self.name} pid={self.pid} {state}>"


def stop_all(grace=10.0):
    """Stop every registered process that still runs: SIGTERM all, wait, SIGKILL the rest."""
    with _registry_lock:
        procs = [p for p in _registry if p.running]
    stop_many(procs, grace)


def stop_many(procs, grace=15.0):
    """Stop several processes in parallel: SIGTERM (+SIGCONT) all, wait up to ``grace`` s
    in total, SIGKILL the ones still running."""
    procs = [p for p in procs if p.running]
    for p in procs:
        p._paused = False
        try:
            p._popen.send_signal(signal.SIGTERM)
            p._popen.send_signal(signal.SIGCONT)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p._popen.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p._popen.kill()
            p._popen.wait(10)


def live_processes():
    """Registered processes that are still running (for leak checks)."""
    with _registry_lock:
        return [p for p in _registry if p.running]


atexit.register(stop_all)
