"""Per-run temporary directories.

All data dirs, configs and logs of one harness run live under one directory:
``$STREAMPROBE_RUN_DIR/run-<timestamp>-<pid>`` if that variable is set (kept after the
run, so logs can be read after a CI failure), else a fresh ``tempfile.mkdtemp`` directory.
"""
import itertools
import os
import tempfile
import time

_run_dir = None
_counter = itertools.count(1)


def run_dir():
    """The directory of this harness run (created on first use)."""
    global _run_dir
    if _run_dir is None:
        base = os.environ.get("STREAMPROBE_RUN_DIR")
        if base:
            os.makedirs(base, exist_ok=True)
            _run_dir = os.path.join(base, time.strftime("run-%Y%m%d-%H%M%S") + f"-{os.getpid()}")
            os.makedirs(_run_dir)
        else:
            _run_dir = tempfile.mkdtemp(prefix="streamprobe-run-")
    return _run_dir


def new_dir(name):
    """A new, empty directory ``<run_dir>/<name>-<n>`` (n unique within the run)."""
    path = os.path.join(run_dir(), f"{name}-{next(_counter)}")
    os.makedirs(path)
    return path


def is_temporary():
    """True when the run dir is a private temp dir (STREAMPROBE_RUN_DIR not set)."""
    return not os.environ.get("STREAMPROBE_RUN_DIR")


def remove():
    """Delete the run dir (only call after every process using it has stopped)."""
    global _run_dir
    if _run_dir is not None:
        import shutil
        shutil.rmtree(_run_dir, ignore_errors=True)
        _run_dir = None
