"""Flink: the real streamprobe binary against the JobManager simulator
(tests/sim/flink_sim.py), one test per simulator switch that matters to the probe."""
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "sim")))

from harness.streamprobe import Streamprobe  # noqa: E402
from simctl import FlinkSim  # noqa: E402

SHOW = ("streamprobe_flink_", "streamprobe_probe_success", "streamprobe_probe_failure_reason")
JOBS = [{"name": "orders-enrichment", "state": "RUNNING", "restarts": 2},
        {"name": "clickstream-sessionizer", "state": "RUNNING"},
        {"name": "adhoc", "state": "RUNNING"},
        {"name": "nightly", "state": "FINISHED"}]


def config(url, expected=("orders-enrichment", "clickstream-sessionizer"), timeout="800ms",
           interval="1s", extra=""):
    jobs = ", ".join(expected)
    return (f"clusters:\n  - name: sim\n    flink:\n      interval: {interval}\n"
            f"      timeout: {timeout}\n      jobmanager: {url}\n"
            f"      expected_jobs: [{jobs}]\n      checkpoint_stale_after: 10m\n{extra}")


def target(url):
    return url.split("://", 1)[1]


def reason(scrape, name):
    return scrape.reason("flink", name)


@pytest.fixture(scope="module")
def sim():
    with FlinkSim(jobs=JOBS) as flink:
        yield flink


@pytest.fixture(scope="module")
def sp(sim):
    probe = Streamprobe(config(sim.url))
    yield probe
    probe.stop()


@pytest.fixture
def scenario(sim, sp):
    yield sim
    sim.reset()
    healthy(sp, sim)


def healthy(sp, sim):
    return sp.wait_for(lambda s: reason(s, target(sim.url)) == "none"
                       and s.value("streamprobe_flink_job_state", flink_job="orders-enrichment",
                                   state="RUNNING") == 1
                       and s.value("streamprobe_flink_job_state", flink_job="clickstream-sessionizer",
                                   state="RUNNING") == 1,
                       timeout=20, what="healthy Flink", show=SHOW)


def test_healthy(sp, sim):
    s = healthy(sp, sim)
    assert s.value("streamprobe_flink_taskmanagers") == 2
    assert s.value("streamprobe_flink_slots") == 8
    assert s.value("streamprobe_flink_slots_available") == 4
    assert s.value("streamprobe_flink_info", version="1.18.1") == 1
    assert s.value("streamprobe_flink_jobs", state="RUNNING") == 3
    assert s.value("streamprobe_flink_jobs", state="FINISHED") == 1
    assert s.value("streamprobe_flink_job_present", flink_job="orders-enrichment") == 1
    assert s.value("streamprobe_flink_job_expected", flink_job="adhoc") == 0
    assert s.value("streamprobe_flink_job_present", flink_job="nightly") is None, "finished, undeclared"
    assert s.value("streamprobe_flink_job_restarts_total", flink_job="orders-enrichment") == 2
    assert s.value("streamprobe_flink_job_checkpointing_enabled", flink_job="orders-enrichment") == 1
    assert s.value("streamprobe_flink_job_checkpoint_stale", flink_job="orders-enrichment") == 0
    assert 0 <= s.value("streamprobe_flink_job_last_checkpoint_age_seconds",
                        flink_job="orders-enrichment") < 30
    assert s.value("streamprobe_flink_job_checkpoints_completed_total", flink_job="orders-enrichment") == 42


@pytest.mark.parametrize("state", ["RESTARTING", "FAILED", "FAILING", "CANCELED", "SUSPENDED"])
def test_job_state(sp, scenario, state):
    scenario.set_job("orders-enrichment", state=state, restarts=7)
    s = sp.wait_for(lambda s: s.value("streamprobe_flink_job_state", flink_job="orders-enrichment",
                                      state=state) == 1, timeout=15, what=state, show=SHOW)
    assert s.value("streamprobe_flink_job_state", flink_job="orders-enrichment", state="RUNNING") == 0
    assert s.value("streamprobe_flink_job_restarts_total", flink_job="orders-enrichment") == 7
    assert reason(s, target(scenario.url)) == "none", "job states are metrics, not the target status"


def test_expected_job_missing(sp, scenario):
    scenario.set_scenario(jobs=[{"name": "orders-enrichment"}])
    s = sp.wait_for(lambda s: s.value("streamprobe_flink_job_present",
                                      flink_job="clickstream-sessionizer") == 0,
                    timeout=15, what="missing job", show=SHOW)
    assert s.value("streamprobe_flink_job_expected", flink_job="clickstream-sessionizer") == 1
    assert s.value("streamprobe_flink_job_state", flink_job="clickstream-sessionizer",
                   state="RUNNING") is None


def test_checkpoints_disabled(sp, scenario):
    scenario.set_job("clickstream-sessionizer", checkpointing=False)
    s = sp.wait_for(lambda s: s.value("streamprobe_flink_job_checkpointing_enabled",
                                      flink_job="clickstream-sessionizer") == 0,
                    timeout=15, what="checkpointing disabled", show=SHOW)
    assert s.value("streamprobe_flink_job_checkpoint_stale", flink_job="clickstream-sessionizer") is None
    assert reason(s, target(scenario.url)) == "none"


def test_checkpoints_disabled_with_root_cause(sp, scenario):
    scenario.set_scenario(error_root_cause=True)
    scenario.set_job("clickstream-sessionizer", checkpointing=False)
    sp.wait_for(lambda s: s.value("streamprobe_flink_job_checkpointing_enabled",
                                  flink_job="clickstream-sessionizer") == 0,
                timeout=15, what="checkpointing disabled (rootCause)", show=SHOW)


def test_checkpoint_stale(sp, scenario):
    scenario.set_job("orders-enrichment", checkpoint_age_s=3600)
    s = sp.wait_for(lambda s: s.value("streamprobe_flink_job_checkpoint_stale",
                                      flink_job="orders-enrichment") == 1,
                    timeout=15, what="stale checkpoint", show=SHOW)
    assert 3590 <= s.value("streamprobe_flink_job_last_checkpoint_age_seconds",
                           flink_job="orders-enrichment") <= 3700


def test_failed_checkpoints(sp, scenario):
    scenario.set_job("orders-enrichment", failed_checkpoints=4)
    sp.wait_for(lambda s: s.value("streamprobe_flink_job_checkpoints_failed_total",
                                  flink_job="orders-enrichment") == 4,
                timeout=15, what="failed checkpoints", show=SHOW)


def test_restarts_metric_not_collected_yet(sp, scenario):
    scenario.set_job("orders-enrichment", restarts_metric="empty")
    s = sp.wait_for(lambda s: s.value("streamprobe_flink_job_restarts_total",
                                      flink_job="orders-enrichment") is None,
                    timeout=15, what="restarts unknown", show=SHOW)
    assert reason(s, target(scenario.url)) == "none"


@pytest.mark.parametrize("switches", [{"jobs_wrapper": "running_finished"},
                                      {"checkpoint_fields": "old"},
                                      {"exceptions_legacy": "filled"},
                                      {"full_restarts_metric": True},
                                      {"taskmanagers_blocked": 1, "slots_free_and_blocked": 2}])
def test_format_variants(sp, scenario, switches):
    scenario.set_scenario(**switches)
    s = sp.wait_rounds("flink")
    assert reason(s, target(scenario.url)) == "none"
    assert s.value("streamprobe_flink_job_state", flink_job="orders-enrichment", state="RUNNING") == 1
    assert s.value("streamprobe_flink_job_restarts_total", flink_job="orders-enrichment") == 2
    assert s.value("streamprobe_flink_job_checkpoint_stale", flink_job="orders-enrichment") == 0


def test_cluster_numbers_and_version(sp, scenario):
    scenario.set_scenario(taskmanagers=0, slots_total=0, slots_available=0, flink_version="1.19.0",
                          flink_commit="deadbee")
    sp.wait_for(lambda s: s.value("streamprobe_flink_taskmanagers") == 0
                and s.value("streamprobe_flink_slots") == 0
                and s.value("streamprobe_flink_info", version="1.19.0", commit="deadbee") == 1,
                timeout=15, what="no taskmanagers", show=SHOW)


def test_completed_checkpoint_count(sp, scenario):
    scenario.set_job("orders-enrichment", completed_checkpoints=7)
    sp.wait_for(lambda s: s.value("streamprobe_flink_job_checkpoints_completed_total",
                                  flink_job="orders-enrichment") == 7,
                timeout=15, what="7 completed checkpoints", show=SHOW)


def test_frozen_clock_makes_checkpoints_old(sp, scenario):
    scenario.set_scenario(clock_ms=int((time.time() - 3600) * 1000))
    s = sp.wait_for(lambda s: s.value("streamprobe_flink_job_checkpoint_stale",
                                      flink_job="orders-enrichment") == 1,
                    timeout=15, what="stale by clock", show=SHOW)
    assert 3590 <= s.value("streamprobe_flink_job_last_checkpoint_age_seconds",
                           flink_job="orders-enrichment") <= 3700


def test_html_with_http_200_is_bad_payload(sp, scenario):
    scenario.set_scenario(html=True, html_status=200, fault_paths=["/jobs/overview"])
    sp.wait_for(lambda s: reason(s, target(scenario.url)) == "bad_payload", timeout=15,
                what="bad_payload (200)", show=SHOW)


def test_html_instead_of_json(sp, scenario):
    scenario.set_scenario(html=True)
    sp.wait_for(lambda s: reason(s, target(scenario.url)) == "bad_payload", timeout=15,
                what="bad_payload", show=SHOW)


def test_slow_responses_time_out_and_metrics_stay_fast(sp, scenario):
    scenario.set_scenario(delay_ms=2000)
    s = sp.wait_for(lambda s: reason(s, target(scenario.url)) == "timeout", timeout=15,
                    what="timeout", show=SHOW)
    assert s.value("streamprobe_probe_duration_seconds", system="flink",
                   target=target(scenario.url)) < 1.2
    worst = 0.0
    for _ in range(10):
        t0 = time.monotonic()
        sp.scrape()
        worst = max(worst, time.monotonic() - t0)
    assert worst < 0.5


def test_hung_job_requests_time_out(sp, scenario):
    scenario.set_scenario(hang=True, fault_paths=["/jobs/"])
    sp.wait_for(lambda s: reason(s, target(scenario.url)) == "timeout", timeout=15,
                what="timeout on /jobs/", show=SHOW)


def test_hung_checkpoints_keep_overview(sp, scenario):
    scenario.set_scenario(hang=True, fault_paths=[f"/jobs/{FlinkSim.job_id('adhoc')}/checkpoints"])
    s = sp.wait_for(lambda s: reason(s, target(scenario.url)) == "timeout"
                    and s.value("streamprobe_flink_taskmanagers") == 2, timeout=15,
                    what="timeout with overview kept", show=SHOW)
    assert s.value("streamprobe_flink_job_restarts_total", flink_job="orders-enrichment") == 2


def test_jobmanager_down(tmp_path):
    probe = Streamprobe(config("http://127.0.0.1:1"))
    try:
        probe.wait_for(lambda s: reason(s, "127.0.0.1:1") == "refused", timeout=15,
                       what="refused", show=SHOW)
    finally:
        probe.stop()


def test_jobmanager_unresolvable():
    url = "http://flink-jobmanager-rest.flink.svc.invalid:8081"
    probe = Streamprobe(config(url))
    try:
        probe.wait_for(lambda s: reason(s, target(url)) == "dns", timeout=15, what="dns",
                       show=SHOW)
    finally:
        probe.stop()


def test_job_budget(sim):
    jobs = [{"name": f"job-{i:02d}"} for i in range(12)]
    with FlinkSim(jobs=jobs) as many:
        probe = Streamprobe(config(many.url, expected=("job-11",), extra="      max_jobs: 5\n"))
        try:
            s = probe.wait_for(lambda s: s.value("streamprobe_flink_jobs_dropped") == 7,
                               timeout=15, what="7 dropped", show=SHOW)
            assert s.value("streamprobe_flink_job_present", flink_job="job-11") == 1
            assert len(s.samples("streamprobe_flink_job_present")) == 5
        finally:
            probe.stop()


def test_exposition_passes_promtool(sp, sim):
    healthy(sp, sim)
    out = subprocess.run(["promtool", "check", "metrics"], input=sp.get("/metrics").text,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and not (out.stdout + out.stderr).strip(), out.stdout + out.stderr
