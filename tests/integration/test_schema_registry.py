"""The schema_registry backend against the Schema Registry SIMULATOR.

THIS SUITE DOES NOT RUN A REAL SCHEMA REGISTRY.  Confluent's registry cannot run here, and
Apicurio Registry's ccompat API was not tried (a Quarkus server from Maven Central would
not reliably start within the 60 s budget on 2 shared cores).  The registry under test is
``tests/sim/schema_registry_sim.py`` (driven through ``simctl.SchemaRegistrySim``), which
serves exactly the PROTOCOLS.md §6 shapes: ``GET /`` → ``{}``, ``/mode``, ``/subjects``,
``/config`` and ``{"error_code":...}`` error bodies, plus fault switches (html, hang).

Scenarios: healthy; store error 500 body; HTML error page; hung server → timeout.
Probing: interval 1s / timeout 800ms.
"""
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "sim")))

from simctl import SchemaRegistrySim  # noqa: E402

CLUSTER = "it"


@pytest.fixture(scope="module")
def registry():
    with SchemaRegistrySim() as sim:
        yield sim


@pytest.fixture
def sp(registry, streamprobe_factory):
    registry.reset()
    return streamprobe_factory(f"""
clusters:
  - name: {CLUSTER}
    schema_registry:
      interval: 1s
      timeout: 800ms
      urls: ["{registry.url}"]
""")


def reasons(scrape, url):
    return [s.labels["reason"] for s in scrape.samples(
        "streamprobe_probe_failure_reason", cluster=CLUSTER, system="schema_registry", target=url)
        if s.value == 1]


def one(scrape, metric, label, url):
    on = [s.labels[label] for s in scrape.samples(metric, cluster=CLUSTER, registry=url) if s.value == 1]
    return on[0] if on else None


def test_healthy(sp, registry):
    s = sp.wait_for(lambda s: s.value("streamprobe_probe_success", cluster=CLUSTER,
                                      system="schema_registry", target=registry.url) == 1,
                    what="registry healthy", show=("streamprobe_schema_registry_", "streamprobe_probe_"))
    assert s.value("streamprobe_schema_registry_up", cluster=CLUSTER, registry=registry.url) == 1
    assert s.value("streamprobe_schema_registry_subjects", cluster=CLUSTER, registry=registry.url) == 2
    assert one(s, "streamprobe_schema_registry_mode", "mode", registry.url) == "READWRITE"
    assert one(s, "streamprobe_schema_registry_compatibility", "level", registry.url) == "BACKWARD"
    registry.set_scenario(mode="READONLY", compatibility="FULL_TRANSITIVE", subjects=["a", "b", "c"])
    s = sp.wait_for(lambda s: one(s, "streamprobe_schema_registry_mode", "mode", registry.url) == "READONLY",
                    what="mode change seen")
    sp.wait_for(lambda s: (one(s, "streamprobe_schema_registry_compatibility", "level", registry.url)
                           == "FULL_TRANSITIVE"
                           and s.value("streamprobe_schema_registry_subjects", cluster=CLUSTER,
                                       registry=registry.url) == 3), what="level and count seen")


def test_store_error_500_body(sp, registry):
    registry.set_scenario(error_code=50001)
    s = sp.wait_for(lambda s: reasons(s, registry.url) == ["http_status"], what="http_status reason",
                    show=("streamprobe_schema_registry_", "streamprobe_probe_failure"))
    codes = {x.labels["endpoint"]: x.labels["error_code"] for x in s.samples(
        "streamprobe_schema_registry_error_info", cluster=CLUSTER, registry=registry.url)}
    assert codes == {"/mode": "50001", "/subjects": "50001", "/config": "50001"}
    assert s.value("streamprobe_schema_registry_up", cluster=CLUSTER, registry=registry.url) == 1
    assert "store error" not in s.text  # the message stays out of labels
    detail = [t for t in sp.get("/api/v1/targets").json()["targets"]
              if t["target"] == registry.url][0]["detail"]
    assert "error_code 50001" in detail


def test_html_error_page(sp, registry):
    registry.set_scenario(html=True, html_status=502)
    s = sp.wait_for(lambda s: reasons(s, registry.url) == ["http_status"], what="http_status for HTML 502")
    assert s.value("streamprobe_schema_registry_up", cluster=CLUSTER, registry=registry.url) == 0
    registry.set_scenario(html=True, html_status=200)
    s = sp.wait_for(lambda s: reasons(s, registry.url) == ["bad_payload"], what="bad_payload for HTML 200")


def test_hung_registry_times_out_and_metrics_stay_served(sp, registry):
    sp.wait_for(lambda s: reasons(s, registry.url) == [], what="healthy first")
    registry.set_scenario(hang=True)
    t0 = time.monotonic()
    s = sp.wait_for(lambda s: reasons(s, registry.url) == ["timeout"], what="timeout reason", timeout=20)
    print(f"\nmeasured: hung registry reported as timeout after {time.monotonic() - t0:.1f} s")
    # /metrics answers quickly while the registry hangs.
    t1 = time.monotonic()
    sp.scrape()
    assert time.monotonic() - t1 < 1.0
    assert s.value("streamprobe_schema_registry_up", cluster=CLUSTER, registry=registry.url) == 0
    registry.set_scenario(hang=False)
    sp.wait_for(lambda s: reasons(s, registry.url) == [], what="recovered", timeout=20)


def test_promtool_accepts_the_exposition(sp, registry):
    import shutil
    import subprocess
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool not installed")
    registry.set_scenario(error_code=50001)
    sp.wait_for(lambda s: s.samples("streamprobe_schema_registry_error_info"), what="error series")
    registry.set_scenario(error_code=0)
    s = sp.wait_for(lambda s: s.samples("streamprobe_schema_registry_mode"), what="all series")
    mine = "\n".join(line for line in sp.get("/metrics").text.splitlines()
                     if "streamprobe_schema_registry_" in line) + "\n"
    r = subprocess.run([promtool, "check", "metrics"], input=mine, capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), r.stdout + r.stderr
    assert s is not None
