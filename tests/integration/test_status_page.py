"""The status page (`GET /`) in a real browser: Debian's headless Chromium, driven by
playwright-core through status_page_browser.js beside this file.

The incident: a real three-member ZooKeeper ensemble, and Doris FEs/BEs that never started
(`.invalid` names never resolve, RFC 2606), so "Doris FE 0/3" is down because no name
resolves and "Doris BE" follows from it. In the browser, without reloading the page: no
console or page errors, the rows and their causes are there, the ZooKeeper row is green,
turns red when two members are stopped and green again when they are back, through the
page's own refresh, which keeps an expanded row open. Without JavaScript the table is
complete; on a phone-sized screen it fits the width.

Screenshots are kept under <build>/artifacts/status-page/ (build = the parent of
STREAMPROBE_RUN_DIR; without it, <repo>/build). playwright-core is installed at a pinned
version under <build>/node on first use; Chromium comes from scripts/install-deps.sh.
"""
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness import rundir  # noqa: E402
from harness.proc import stop_many  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DRIVER = os.path.join(HERE, "status_page_browser.js")
PLAYWRIGHT_CORE = "1.65.2"
CHROMIUM = "/usr/bin/chromium"

CLUSTER = "platform"
FES = [f"doris-fe-{i}.invalid:8030" for i in range(3)]
BES = [f"doris-be-{i}.invalid:8040" for i in range(3)]
ZK_ROW, FE_ROW, BE_ROW = (f"row-{CLUSTER}-{key}" for key in ("zookeeper", "doris_fe", "doris_be"))
ZK_DETAILS = f"more-{CLUSTER}-zookeeper"
# The page refreshes every 5 s and streamprobe probes every 1 s: a change shows within
# about 7 s; the bounds leave room for a slow machine.
CHANGE_SHOWN = 30


def build_dir():
    run = os.environ.get("STREAMPROBE_RUN_DIR")
    return os.path.dirname(os.path.abspath(run)) if run else os.path.join(REPO, "build")


def artifacts_dir():
    path = os.path.join(build_dir(), "artifacts", "status-page")
    os.makedirs(path, exist_ok=True)
    return path


def missing(what):
    if os.environ.get("CI"):
        pytest.fail(f"{what} (scripts/install-deps.sh installs it)")
    pytest.skip(f"{what}: run scripts/install-deps.sh")


def playwright_core():
    """The node_modules dir holding playwright-core at the pinned version (installed once)."""
    prefix = os.path.join(build_dir(), "node")
    modules = os.path.join(prefix, "node_modules")
    manifest = os.path.join(modules, "playwright-core", "package.json")
    try:
        with open(manifest) as f:
            if json.load(f).get("version") == PLAYWRIGHT_CORE:
                return modules
    except (OSError, ValueError):
        pass
    out = subprocess.run(["npm", "install", "--prefix", prefix, "--save-exact", "--no-audit",
                          "--no-fund", f"playwright-core@{PLAYWRIGHT_CORE}"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"npm install playwright-core failed:\n{out.stdout}{out.stderr}"
    return modules


class Browser:
    """The driver process: one JSON command per line in, one JSON answer per line out."""

    def __init__(self, modules, log_path):
        self._log = open(log_path, "w")
        self.proc = subprocess.Popen(["node", DRIVER, modules], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._log, text=True,
                                     bufsize=1, cwd=HERE)
        self._lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.version = self._answer(60)["version"]

    def _read(self):
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _answer(self, timeout):
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"browser driver gave no answer in {timeout} s") from None
        if line is None:
            raise AssertionError(f"browser driver exited ({self.proc.poll()}); see {self._log.name}")
        answer = json.loads(line)
        if not answer.pop("ok"):
            raise AssertionError(f"browser: {answer['error']}")
        return answer

    def __call__(self, cmd, **args):
        """Run one command; its own waits are bounded by ``timeout`` (ms) where it has one."""
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        return self._answer(args.get("timeout", 30000) / 1000 + 30)

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "close"}) + "\n")
            self.proc.stdin.close()
            self.proc.wait(20)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("node") or not shutil.which("npm"):
        missing("node and npm are not installed")
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"{CHROMIUM} (Debian's chromium) is not installed")
    b = Browser(playwright_core(), os.path.join(rundir.new_dir("browser"), "driver.log"))
    try:
        yield b
    finally:
        b.close()


def config(zk):
    members = ", ".join(m.address for m in zk.members)
    return f"""clusters:
  - name: {CLUSTER}
    zookeeper:
      interval: 1s
      timeout: 1s
      members: [{members}]
    doris:
      interval: 1s
      timeout: 800ms
      fe: [{', '.join(FES)}]
      be: [{', '.join(BES)}]
"""


@pytest.fixture
def sp(zk_ensemble, streamprobe_factory):
    """streamprobe once it has seen every ZooKeeper member answer and every Doris name fail
    to resolve (reason dns)."""
    probe = streamprobe_factory(config(zk_ensemble))
    probe.wait_for(lambda s: all(s.reason("zookeeper", m.address) == "none" for m in zk_ensemble.members)
                   and all(s.reason("doris", t) == "dns" for t in FES + BES + ["cluster"]),
                   timeout=20, what="ZooKeeper members up, every Doris name failing with dns",
                   show=("streamprobe_probe_failure_reason", "streamprobe_probe_success"))
    return probe


def shot(b, page, name, **args):
    path = os.path.join(artifacts_dir(), name)
    b("screenshot", page=page, path=path, **args)
    assert os.path.getsize(path) > 0
    return path


def by_id(answer):
    return {r["id"]: r for r in answer["rows"]}


def check_incident_rows(answer):
    """The Doris rows of the incident, and their order: root cause first, then what
    follows from it."""
    rows = by_id(answer)
    fe, be = rows[FE_ROW], rows[BE_ROW]
    title, cluster, ready, status, cause, todo = fe["cells"]
    assert (title, cluster, ready, status, fe["cls"]) == ("Doris FE", CLUSTER, "0/3", "down", "down"), fe
    assert all(name in cause for name in FES) and "name does not resolve" in cause, cause
    assert "runbook" in todo, fe
    title, _, ready, status, cause, _ = be["cells"]
    assert (title, ready, status) == ("Doris BE", "0/3", "down"), be
    assert cause.startswith("follows from Doris FE"), be
    assert all(name in cause for name in BES), cause
    order = [r["id"] for r in answer["rows"]]
    assert order.index(FE_ROW) < order.index(BE_ROW), order
    assert answer["overall"].startswith("Overall: down"), answer["overall"]


def check_zookeeper_ok(answer):
    zk = by_id(answer)[ZK_ROW]
    assert (zk["cls"], zk["cells"][0], zk["cells"][2], zk["cells"][3]) == \
        ("ok", "ZooKeeper ensemble", "3/3", "ok"), zk


def restore(zk):
    stopped = [m for m in zk.members if not m.running]
    for m in stopped:
        m.start(wait=False)
    if stopped:
        zk.wait_for_quorum(60, require_all=True)


def test_rows_turn_red_and_green_in_place(browser, sp, zk_ensemble):
    b = browser
    assert b("open", page="live", url=sp.url + "/")["status"] == 200
    first = b("rows", page="live")
    check_incident_rows(first)
    check_zookeeper_ok(first)
    shot(b, "live", "healthy.png")

    stopped = zk_ensemble.members[1:]
    try:
        stop_many(stopped, grace=10)
        b("waitRow", page="live", id=ZK_ROW, cls="down", timeout=CHANGE_SHOWN * 1000)
        down = b("rows", page="live")
        zk = by_id(down)[ZK_ROW]
        # The member left answers until it notices it lost the quorum, then says it is not
        # serving: 1/3 or 0/3, down either way (no majority).
        assert zk["cells"][2] in ("1/3", "0/3") and zk["cells"][3] == "down", zk
        assert all(m.address in zk["cells"][4] for m in stopped) and \
            "connection refused" in zk["cells"][4], zk
        check_incident_rows(down)
        shot(b, "live", "zookeeper-down.png")

        # An expanded row stays expanded when the page swaps in a fresh table.
        assert b("openDetails", page="live", id=ZK_DETAILS)["open"]
        b("mark", page="live")
        b("waitRefresh", page="live", timeout=15000)
        assert b("isOpen", page="live", id=ZK_DETAILS)["open"], "details closed by the refresh"

        restore(zk_ensemble)
        b("waitRow", page="live", id=ZK_ROW, cls="ok", timeout=CHANGE_SHOWN * 1000)
    finally:
        restore(zk_ensemble)
    recovered = b("rows", page="live")
    check_zookeeper_ok(recovered)
    check_incident_rows(recovered)
    assert by_id(recovered)[ZK_ROW]["open"], "details closed across refreshes"
    shot(b, "live", "recovered.png")
    assert recovered["navigations"] == 1, "the page was reloaded; it should refresh in place"
    assert b("errors", page="live")["errors"] == []


def test_static_table_without_javascript(browser, sp):
    """Without scripts the page is the whole table, row for row what /api/v1/status says."""
    b = browser
    assert b("open", page="static", url=sp.url + "/", js=False)["status"] == 200
    answer = b("rows", page="static")
    api = sp.get("/api/v1/status").json()
    rows = by_id(answer)
    assert [r["id"] for r in answer["rows"]] == \
        [f"row-{c['cluster']}-{c['component']}" for c in api["components"]]
    for c in api["components"]:
        row = rows[f"row-{c['cluster']}-{c['component']}"]
        assert row["cls"] == c["status"] and row["cells"][3] == c["status"], (row, c)
        assert row["cells"][2] == f"{c['ready']}/{c['expected']}", (row, c)
        assert row["cells"][0] == c["title"] and c["cause"] in row["cells"][4], (row, c)
    check_incident_rows(answer)
    check_zookeeper_ok(answer)
    # <details> needs no script to open.
    assert b("openDetails", page="static", id=f"more-{CLUSTER}-doris_fe")["open"]
    shot(b, "static", "no-javascript.png")
    assert b("errors", page="static")["errors"] == []


def test_fits_a_phone(browser, sp):
    b = browser
    assert b("open", page="phone", url=sp.url + "/", width=390, height=844)["status"] == 200
    answer = b("rows", page="phone")
    check_incident_rows(answer)
    # The longest cause (a URL in the Doris FE detail) is expanded too.
    assert b("openDetails", page="phone", id=f"more-{CLUSTER}-doris_fe")["open"]
    layout = b("layout", page="phone")
    assert layout["scrollWidth"] <= layout["clientWidth"] == 390, \
        f"the page scrolls sideways on a phone: {layout}"
    shot(b, "phone", "phone.png")
    assert b("errors", page="phone")["errors"] == []
