"""Build and run tests/harness/rdkafka_check.c (librdkafka compatibility check).

``build()`` compiles it with ``cc ... -lrdkafka`` into the build directory (the parent of
the jar root, i.e. ``build/`` by default, or ``$STREAMPROBE_BUILD_DIR``) when the binary is
missing or older than the source.  ``run(bootstrap, topic, group)`` returns
``(returncode, {step: (ok, detail)}, stdout, stderr)``.
"""
import os
import shutil
import subprocess

from .jars import jars_root

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "rdkafka_check.c"))


def build_dir():
    return os.environ.get("STREAMPROBE_BUILD_DIR") or os.path.dirname(jars_root())


def available():
    """True when a C compiler and librdkafka headers are present."""
    return shutil.which("cc") is not None and os.path.exists("/usr/include/librdkafka/rdkafka.h")


def build():
    out = os.path.join(build_dir(), "rdkafka_check")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(SOURCE):
        os.makedirs(build_dir(), exist_ok=True)
        subprocess.run(["cc", "-O1", "-Wall", "-o", out, SOURCE, "-lrdkafka"], check=True,
                       capture_output=True, text=True)
    return out


def run(bootstrap, topic="rdkafka-check", group="rdkafka-check-group", timeout=180, debug=None):
    env = dict(os.environ)
    if debug:
        env["RDKAFKA_CHECK_DEBUG"] = debug
    p = subprocess.run([build(), bootstrap, topic, group], capture_output=True, text=True,
                       timeout=timeout, env=env)
    steps = {}
    for line in p.stdout.splitlines():
        if line.startswith(("OK   ", "FAIL ")):
            name, _, detail = line[5:].partition(": ")
            steps[name] = (line.startswith("OK"), detail)
    return p.returncode, steps, p.stdout, p.stderr
