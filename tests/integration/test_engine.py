"""The engine end to end: the real binary with the shipped example config and
nothing running, reloads good and bad, --config.check, and a lint of the whole
exposition with promtool."""
import os
import pathlib
import subprocess

import pytest
import requests

from harness.streamprobe import Streamprobe

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "examples" / "streamprobe.yml"
FAILURE_REASONS = {"dns", "refused", "timeout", "tls", "auth", "http_status",
                   "bad_payload", "not_serving", "other"}


def binary():
    return os.environ["STREAMPROBE_BIN"]


def example_config(interval="1s", timeout="800ms"):
    text = EXAMPLE.read_text()
    return text.replace("interval: 15s", f"interval: {interval}").replace(
        "timeout: 5s", f"timeout: {timeout}").replace("timeout: 10s", f"timeout: {timeout}")


@pytest.fixture(scope="module")
def nothing_running():
    os.environ.setdefault("DORIS_PASSWORD", "not-used")
    sp = Streamprobe(example_config(), binary=binary())
    yield sp
    sp.stop()


def test_example_config_passes_check(tmp_path):
    env = dict(os.environ, DORIS_PASSWORD="x")
    out = subprocess.run([binary(), "--config.check", f"--config.file={EXAMPLE}"],
                         capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "ok," in out.stdout


def test_config_check_lists_every_error(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("clusters:\n  - name: x\n    interval: soon\n    zookeeper: {members: [nohost]}\n"
                   "    mystery: 1\n")
    out = subprocess.run([binary(), "--config.check", f"--config.file={bad}"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 1
    assert "clusters[0].interval: must be a duration" in out.stderr
    assert "clusters[0].mystery: unknown field" in out.stderr
    assert "clusters[0].zookeeper.members[0]" in out.stderr


def test_every_target_down_with_a_reason_when_nothing_runs(nothing_running):
    scrape = nothing_running.scrape()
    success = scrape.samples("streamprobe_probe_success")
    assert len(success) >= 10
    assert all(s.value == 0 for s in success), [s for s in success if s.value != 0]
    reasons = {(s.labels["system"], s.labels["target"]): s.labels["reason"]
               for s in scrape.samples("streamprobe_probe_failure_reason") if s.value == 1}
    targets = {(s.labels["system"], s.labels["target"]) for s in success}
    assert set(reasons) == targets, "every target names exactly one reason"
    assert set(reasons.values()) <= FAILURE_REASONS
    # The example's hosts are Kubernetes names that do not resolve here.
    assert "dns" in reasons.values()


def test_health_ready_and_status_pages(nothing_running):
    base = nothing_running.url
    assert requests.get(base + "/healthz", timeout=5).status_code == 200
    assert requests.get(base + "/readyz", timeout=5).status_code == 200
    targets = requests.get(base + "/api/v1/targets", timeout=5).json()["targets"]
    assert targets and all(t["detail"] for t in targets if not t["success"])
    page = requests.get(base + "/", timeout=5).text
    assert "streamprobe" in page and "dns" in page


def test_help_texts_say_cached_and_snapshot_age_is_exported(nothing_running):
    text = nothing_running.scrape().text
    helps = [l for l in text.splitlines() if l.startswith("# HELP streamprobe_probe_success")]
    assert helps and "cached" in helps[0]
    assert nothing_running.value("streamprobe_snapshot_age_seconds") is not None
    assert nothing_running.value("streamprobe_build_info", version="0.1.0") == 1


def test_promtool_finds_nothing(nothing_running):
    text = nothing_running.scrape().text
    out = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and not out.stdout.strip() and not out.stderr.strip(), \
        out.stdout + out.stderr


def test_bad_reload_keeps_old_config_then_sighup_applies_good_one(tmp_path):
    os.environ.setdefault("DORIS_PASSWORD", "not-used")
    sp = Streamprobe("clusters:\n  - name: one\n    zookeeper: {members: ['127.0.0.1:1'], "
                     "interval: 500ms, timeout: 300ms}\n", binary=binary())
    try:
        assert sp.value("streamprobe_config_last_reload_successful") == 1
        sp.write_config("clusters: [ {name: broken, bogus: 1} ]\n")
        response = sp.reload()
        assert response.status_code == 400
        assert "clusters[0].bogus: unknown field" in response.text
        assert sp.value("streamprobe_config_last_reload_successful") == 0
        assert sp.value("streamprobe_probe_success", cluster="one", system="zookeeper",
                        target="127.0.0.1:1") == 0
        sp.write_config("clusters:\n  - name: two\n    zookeeper: {members: ['127.0.0.1:2'], "
                        "interval: 500ms, timeout: 300ms}\n")
        sp.sighup()
        sp.wait_for(lambda s: s.value("streamprobe_config_last_reload_successful") == 1
                    and s.value("streamprobe_probe_success", cluster="two", system="zookeeper",
                                target="127.0.0.1:2") == 0, timeout=10)
        assert sp.value("streamprobe_probe_success", cluster="one", system="zookeeper",
                        target="127.0.0.1:1") is None
        assert sp.value("streamprobe_probe_failure_reason", cluster="two", system="zookeeper",
                        target="127.0.0.1:2", reason="refused") == 1
    finally:
        sp.stop()
