"""Doris: the real streamprobe binary against the Doris simulator (tests/sim/doris_sim.py)
for every simulator switch, plus the SQL probe against a real MariaDB server."""
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "sim")))

from harness.streamprobe import Streamprobe  # noqa: E402
from simctl import DorisSim  # noqa: E402

SHOW = ("streamprobe_doris_", "streamprobe_probe_success", "streamprobe_probe_failure_reason")


def hostport(url):
    return url.split("://", 1)[1]


def doris_config(sim, tmp_dir, auth=True, password="", interval="1s", timeout="800ms", extra=""):
    fes = ", ".join(f'"{hostport(u)}"' for u in sim.fe_urls)
    bes = ", ".join(f'"{hostport(u)}"' for u in sim.be_urls)
    auth_text = ""
    if auth:
        path = os.path.join(tmp_dir, "doris-password")
        with open(path, "w") as f:
            f.write(password)
        auth_text = f"      basic_auth: {{user: root, password: {{file: {path}}}}}\n"
    return (f"clusters:\n  - name: sim\n    doris:\n      interval: {interval}\n"
            f"      timeout: {timeout}\n      fe: [{fes}]\n      be: [{bes}]\n"
            f"{auth_text}      heartbeat_stale_after: 60s\n{extra}")


def reason(scrape, target):
    return scrape.reason("doris", target)


@pytest.fixture(scope="module")
def sim():
    with DorisSim(fe=3, be=3) as doris:
        yield doris


@pytest.fixture(scope="module")
def sp(sim, tmp_path_factory):
    probe = Streamprobe(doris_config(sim, str(tmp_path_factory.mktemp("doris"))))
    yield probe
    probe.stop()


@pytest.fixture
def scenario(sim, sp):
    """Applies switches, waits for them to show; resets the simulator afterwards."""
    yield sim.set_scenario
    sim.reset()
    healthy(sp, sim)


def healthy(sp, sim, timeout=20):
    fe = [hostport(u) for u in sim.fe_urls]
    be = [hostport(u) for u in sim.be_urls]
    return sp.wait_for(
        lambda s: all(reason(s, t) == "none" for t in fe + be + ["cluster"])
        and s.value("streamprobe_doris_cluster_masters") == 1
        and s.value("streamprobe_doris_cluster_backends_alive") == 3,
        timeout=timeout, what="healthy Doris", show=SHOW)


def fe(sim, i):
    return hostport(sim.fe_urls[i])


def be(sim, i):
    return hostport(sim.be_urls[i])


def test_healthy_cluster(sp, sim):
    s = healthy(sp, sim)
    for i in range(3):
        assert s.value("streamprobe_doris_frontend_present_in_cluster", frontend=fe(sim, i)) == 1
        assert s.value("streamprobe_doris_frontend_alive", frontend=fe(sim, i)) == 1
        assert s.value("streamprobe_doris_backend_present_in_cluster", backend=be(sim, i)) == 1
        assert s.value("streamprobe_doris_backend_heartbeat_stale", backend=be(sim, i)) == 0
        assert s.value("streamprobe_doris_frontend_backends_online", frontend=fe(sim, i)) == 3
    assert s.value("streamprobe_doris_cluster_followers_alive") == 3
    assert s.value("streamprobe_doris_cluster_follower_quorum") == 2
    assert s.value("streamprobe_doris_frontend_is_master", frontend=fe(sim, 0)) == 1
    assert s.value("streamprobe_doris_frontend_role", frontend=fe(sim, 0), role="FOLLOWER") == 1
    assert s.value("streamprobe_doris_backend_tablets", backend=be(sim, 0)) > 0
    assert 0 < s.value("streamprobe_doris_backend_disk_used_ratio", backend=be(sim, 0)) < 1


def test_fe_not_ready(sp, sim, scenario):
    scenario(not_ready_fes=[1])
    sp.wait_for(lambda s: reason(s, fe(sim, 1)) == "not_serving" and reason(s, fe(sim, 0)) == "none",
                timeout=15, what="fe1 not_serving", show=SHOW)


def test_fe_not_ready_health_503_variants(sp, sim, scenario):
    for variant in ("code503", "http503"):
        scenario(not_ready_fes=[2], health_not_ready=variant)
        sp.wait_for(lambda s: reason(s, fe(sim, 2)) == "not_serving", timeout=15,
                    what=f"fe2 not_serving ({variant})", show=SHOW)


def test_bootstrap_data_null_is_ready(sp, sim, scenario):
    scenario(bootstrap_data="null")
    assert reason(sp.wait_rounds("doris"), fe(sim, 0)) == "none"


def test_no_master(sp, sim, scenario):
    scenario(masters=[])
    sp.wait_for(lambda s: s.value("streamprobe_doris_cluster_masters") == 0
                and reason(s, "cluster") == "not_serving", timeout=15, what="no master", show=SHOW)


def test_two_masters(sp, sim, scenario):
    scenario(masters=[0, 1])
    sp.wait_for(lambda s: s.value("streamprobe_doris_cluster_masters") == 2
                and reason(s, "cluster") == "not_serving", timeout=15, what="two masters", show=SHOW)


def test_observer_role(sp, sim, scenario):
    scenario(observers=[2])
    sp.wait_for(lambda s: s.value("streamprobe_doris_frontend_role", frontend=fe(sim, 2),
                                  role="OBSERVER") == 1
                and s.value("streamprobe_doris_cluster_followers") == 2
                and reason(s, "cluster") == "none", timeout=15, what="observer", show=SHOW)


def test_follower_quorum_lost(sp, sim, scenario):
    scenario(dead_fes=[1, 2])
    s = sp.wait_for(lambda s: s.value("streamprobe_doris_cluster_followers_alive") == 1,
                    timeout=15, what="1 follower alive", show=SHOW)
    assert reason(s, "cluster") == "not_serving"
    assert s.value("streamprobe_doris_frontend_alive", frontend=fe(sim, 1)) == 0
    assert s.value("streamprobe_doris_frontend_error_message_present", frontend=fe(sim, 1)) == 1


def test_fe_journal_lagging(sp, sim, scenario):
    scenario(lagging_fes=[2], journal_lag=50000)
    s = sp.wait_for(lambda s: s.value("streamprobe_doris_cluster_journal_id_spread") == 50000,
                    timeout=15, what="journal spread 50000", show=SHOW)
    assert (s.value("streamprobe_doris_frontend_replayed_journal_id", frontend=fe(sim, 0))
            - s.value("streamprobe_doris_frontend_replayed_journal_id", frontend=fe(sim, 2))) == 50000


def test_fe_down_is_refused_and_listed_dead(sp, sim, scenario):
    scenario(down_fes=[1])
    s = sp.wait_for(lambda s: reason(s, fe(sim, 1)) == "refused"
                    and s.value("streamprobe_doris_frontend_alive", frontend=fe(sim, 1)) == 0,
                    timeout=15, what="fe1 refused", show=SHOW)
    assert reason(s, "cluster") == "none"


def test_first_fe_down_cluster_fails_over(sp, sim, scenario):
    scenario(down_fes=[0], masters=[1])
    sp.wait_for(lambda s: reason(s, fe(sim, 0)) == "refused" and reason(s, "cluster") == "none"
                and s.value("streamprobe_doris_frontend_is_master", frontend=fe(sim, 1)) == 1,
                timeout=15, what="cluster read from fe1", show=SHOW)


def test_be_not_alive(sp, sim, scenario):
    scenario(dead_bes=[1])
    s = sp.wait_for(lambda s: s.value("streamprobe_doris_backend_alive", backend=be(sim, 1)) == 0,
                    timeout=15, what="be1 not alive", show=SHOW)
    assert s.value("streamprobe_doris_cluster_backends_alive") == 2
    assert s.value("streamprobe_doris_backend_error_message_present", backend=be(sim, 1)) == 1
    assert s.value("streamprobe_doris_backend_heartbeat_stale", backend=be(sim, 1)) == 1


def test_be_down_is_refused(sp, sim, scenario):
    scenario(down_bes=[2])
    sp.wait_for(lambda s: reason(s, be(sim, 2)) == "refused"
                and s.value("streamprobe_doris_backend_alive", backend=be(sim, 2)) == 0,
                timeout=15, what="be2 refused", show=SHOW)


def test_be_heartbeat_stale(sp, sim, scenario):
    scenario(stale_heartbeat_bes=[1], heartbeat_age_s=300)
    s = sp.wait_for(lambda s: s.value("streamprobe_doris_backend_heartbeat_stale",
                                      backend=be(sim, 1)) == 1,
                    timeout=15, what="be1 stale", show=SHOW)
    assert 295 <= s.value("streamprobe_doris_backend_heartbeat_age_seconds", backend=be(sim, 1)) <= 330
    assert s.value("streamprobe_doris_backend_alive", backend=be(sim, 1)) == 1
    assert s.value("streamprobe_doris_backend_heartbeat_stale", backend=be(sim, 0)) == 0


@pytest.mark.parametrize("zero_time", ["NULL", "epoch"])
def test_be_never_heartbeat(sp, sim, scenario, zero_time):
    scenario(never_heartbeat_bes=[2], zero_time=zero_time)
    s = sp.wait_for(lambda s: s.value("streamprobe_doris_backend_heartbeat_stale",
                                      backend=be(sim, 2)) == 1,
                    timeout=15, what="be2 never heartbeat", show=SHOW)
    assert s.value("streamprobe_doris_backend_heartbeat_age_seconds", backend=be(sim, 2)) is None


def test_be_disk_95(sp, sim, scenario):
    scenario(full_disk_bes=[2], disk_used_pct=95.0)
    sp.wait_for(lambda s: s.value("streamprobe_doris_backend_max_disk_used_ratio",
                                  backend=be(sim, 2)) == pytest.approx(0.95),
                timeout=15, what="be2 disk 95 %", show=SHOW)


@pytest.mark.parametrize("switches", [{"columns_key": "columnNames"},
                                      {"columns_key": "column_names"},
                                      {"layout": "v21"}, {"layout": "procnode"},
                                      {"layout": "v21", "columns_key": "columnNames"},
                                      {"row_http_ports": "default"}])
def test_column_variants(sp, sim, scenario, switches):
    scenario(**switches)
    s = sp.wait_rounds("doris")
    assert reason(s, "cluster") == "none"
    assert s.value("streamprobe_doris_cluster_masters") == 1
    assert s.value("streamprobe_doris_cluster_backends_alive") == 3
    if switches.get("row_http_ports") == "default":
        # Rows advertise 8030+i: they no longer match the expected addresses.
        assert s.value("streamprobe_doris_frontend_present_in_cluster", frontend=fe(sim, 1)) == 0
        assert s.value("streamprobe_doris_frontend_expected", frontend="127.0.0.1:8031") == 0
    else:
        assert s.value("streamprobe_doris_frontend_present_in_cluster", frontend=fe(sim, 1)) == 1


def test_be_health_doc_message(sp, sim, scenario):
    scenario(be_health_msg="empty")
    assert reason(sp.wait_rounds("doris"), be(sim, 0)) == "none"


def test_health_auth_keeps_counts_with_credentials(sp, sim, scenario):
    scenario(health_auth=True)
    s = sp.wait_rounds("doris")
    assert reason(s, fe(sim, 0)) == "none"
    assert s.value("streamprobe_doris_frontend_backends_known", frontend=fe(sim, 0)) == 3


def test_html_instead_of_json(sp, sim, scenario):
    scenario(html=True, fault_nodes=["fe0"])
    sp.wait_for(lambda s: reason(s, fe(sim, 0)) == "bad_payload" and reason(s, "cluster") == "none"
                and reason(s, fe(sim, 1)) == "none", timeout=15, what="fe0 bad_payload", show=SHOW)


def test_html_everywhere(sp, sim, scenario):
    scenario(html=True)
    sp.wait_for(lambda s: reason(s, "cluster") == "bad_payload" and reason(s, be(sim, 0)) == "bad_payload",
                timeout=15, what="all bad_payload", show=SHOW)


def test_html_with_http_200_is_bad_payload(sp, sim, scenario):
    scenario(html=True, html_status=200, fault_nodes=["fe1", "be0"])
    sp.wait_for(lambda s: reason(s, fe(sim, 1)) == "bad_payload"
                and reason(s, be(sim, 0)) == "bad_payload" and reason(s, "cluster") == "none",
                timeout=15, what="HTML 200 bad_payload", show=SHOW)


def test_hung_manager_api_only_fails_the_cluster_target(sp, sim, scenario):
    scenario(hang=True, fault_paths=["/rest/"])
    s = sp.wait_for(lambda s: reason(s, "cluster") == "timeout", timeout=15,
                    what="cluster timeout", show=SHOW)
    assert all(reason(s, fe(sim, i)) == "none" for i in range(3))
    assert s.value("streamprobe_doris_frontend_expected", frontend=fe(sim, 0)) == 1


def test_frozen_clock_makes_heartbeats_old(sp, sim, scenario):
    # The simulator prints LastHeartbeat from a clock frozen 10 minutes ago.
    scenario(clock_ms=int((time.time() - 600) * 1000))
    s = sp.wait_for(lambda s: all(s.value("streamprobe_doris_backend_heartbeat_stale",
                                          backend=be(sim, i)) == 1 for i in range(3)),
                    timeout=15, what="all heartbeats stale", show=SHOW)
    assert 590 <= s.value("streamprobe_doris_frontend_heartbeat_age_seconds",
                          frontend=fe(sim, 0)) <= 660


def test_hung_be_times_out_and_metrics_stay_fast(sp, sim, scenario):
    scenario(hang=True, fault_nodes=["be1"])
    sp.wait_for(lambda s: reason(s, be(sim, 1)) == "timeout" and reason(s, be(sim, 0)) == "none",
                timeout=15, what="be1 timeout", show=SHOW)
    t0 = time.monotonic()
    sp.scrape()
    assert time.monotonic() - t0 < 0.5


def test_slow_everything_times_out_and_metrics_stay_fast(sp, sim, scenario):
    scenario(delay_ms=2000)
    s = sp.wait_for(lambda s: all(reason(s, t) == "timeout"
                                  for t in [fe(sim, 0), be(sim, 0), "cluster"]),
                    timeout=15, what="everything timeout", show=SHOW)
    assert s.value("streamprobe_doris_frontend_expected", frontend=fe(sim, 2)) == 1
    worst = 0.0
    for _ in range(10):
        t0 = time.monotonic()
        sp.scrape()
        worst = max(worst, time.monotonic() - t0)
    assert worst < 0.5
    # A round is bounded by the 800 ms deadline, even with 3 FEs tried in turn.
    duration = s.value("streamprobe_probe_duration_seconds", system="doris", target="cluster")
    assert duration < 1.2


def test_slow_but_within_deadline_is_fine(sim, tmp_path):
    with DorisSim(fe=1, be=1, delay_ms=300) as slow:
        probe = Streamprobe(doris_config(slow, str(tmp_path), timeout="2s", interval="3s"))
        try:
            probe.wait_for(lambda s: reason(s, "cluster") == "none"
                           and reason(s, fe(slow, 0)) == "none", timeout=15,
                           what="slow but fine", show=SHOW)
        finally:
            probe.stop()


def test_missing_credentials_give_auth(sim, tmp_path):
    probe = Streamprobe(doris_config(sim, str(tmp_path), auth=False))
    try:
        s = probe.wait_for(lambda s: reason(s, "cluster") == "auth", timeout=15,
                           what="cluster auth", show=SHOW)
        assert reason(s, fe(sim, 0)) == "none", "bootstrap needs no credentials"
        assert s.value("streamprobe_doris_frontend_expected", frontend=fe(sim, 0)) == 1
    finally:
        probe.stop()


def test_real_http_401_gives_auth(sim, tmp_path):
    sim.set_scenario(auth_failure_status=401)
    probe = Streamprobe(doris_config(sim, str(tmp_path), password="wrong"))
    try:
        probe.wait_for(lambda s: reason(s, "cluster") == "auth", timeout=15,
                       what="cluster auth (HTTP 401)", show=SHOW)
    finally:
        probe.stop()
        sim.reset()


def test_pods_that_never_started(tmp_path):
    """The platform report: every FE/BE pod in ImagePullBackOff, so no name resolves."""
    fes = [f"doris-fe-{i}.doris-fe.data-platform.svc.invalid:8030" for i in range(3)]
    bes = [f"doris-be-{i}.doris-be.data-platform.svc.invalid:8040" for i in range(3)]
    config = ("clusters:\n  - name: prod\n    doris:\n      interval: 1s\n      timeout: 800ms\n"
              f"      fe: {fes}\n      be: {bes}\n").replace("'", '"')
    probe = Streamprobe(config)
    try:
        s = probe.wait_for(lambda s: all(reason(s, t) == "dns" for t in fes + bes + ["cluster"]),
                           timeout=20, what="all dns", show=SHOW)
        for name in fes:
            assert s.value("streamprobe_doris_frontend_expected", frontend=name) == 1
            assert s.value("streamprobe_probe_success", system="doris", target=name) == 0
        for name in bes:
            assert s.value("streamprobe_doris_backend_expected", backend=name) == 1
        assert s.value("streamprobe_doris_cluster_frontends_expected") == 3
        assert s.value("streamprobe_doris_cluster_masters") is None, "unknown, not zero"
    finally:
        probe.stop()


def test_exposition_passes_promtool(sp, sim):
    healthy(sp, sim)
    text = sp.get("/metrics").text
    out = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0 and not out.stdout.strip() and not out.stderr.strip(), \
        out.stdout + out.stderr


# --- SQL probe against a real MariaDB ---------------------------------------------------

def sql_config(db, tmp_dir, password=None, host=None, queries=None, timeout="3s", interval="4s"):
    path = os.path.join(tmp_dir, "sql-password")
    with open(path, "w") as f:
        f.write(db.password if password is None else password)
    queries = queries if queries is not None else [
        ("orders_freshness_seconds",
         "SELECT UNIX_TIMESTAMP() - UNIX_TIMESTAMP(MAX(created_at)) FROM orders", "2s"),
        ("answer", "SELECT 42", "2s"),
        ("broken", "SELECT * FROM no_such_table", "2s"),
        ("slow", "SELECT SLEEP(5)", "1s"),
        ("empty", "SELECT MAX(created_at) FROM orders WHERE id < 0", "2s"),
    ]
    qtext = "".join(f'          - {{name: {n}, sql: "{q}", timeout: {t}}}\n' for n, q, t in queries)
    return ("clusters:\n  - name: sql\n    doris:\n"
            f"      interval: {interval}\n      timeout: {timeout}\n"
            "      fe: [\"127.0.0.1:1\"]\n"
            "      sql:\n"
            f"        address: \"{host or db.host}:{db.port}\"\n"
            f"        user: {db.user}\n"
            f"        password: {{file: {path}}}\n"
            f"        database: {db.database}\n"
            "        queries:\n" + qtext)


@pytest.fixture(scope="module")
def orders(mariadb):
    mariadb.execute("CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY, created_at DATETIME)")
    mariadb.execute("REPLACE INTO orders VALUES (1, NOW() - INTERVAL 30 SECOND)")
    return mariadb


def query_value(s, name, metric="streamprobe_doris_sql_query_success"):
    return s.value(metric, query=name)


def test_sql_queries(orders, tmp_path):
    probe = Streamprobe(sql_config(orders, str(tmp_path)))
    try:
        s = probe.wait_for(lambda s: reason(s, "sql") == "none"
                           and query_value(s, "answer") == 1, timeout=20, what="sql ok", show=SHOW)
        assert s.value("streamprobe_doris_sql_query_value", query="answer") == 42
        fresh = s.value("streamprobe_doris_sql_query_value", query="orders_freshness_seconds")
        assert 25 <= fresh <= 120
        assert query_value(s, "broken") == 0
        assert s.value("streamprobe_doris_sql_query_failure_reason", query="broken",
                       reason="other") == 1
        assert query_value(s, "slow") == 0
        assert s.value("streamprobe_doris_sql_query_failure_reason", query="slow",
                       reason="timeout") == 1
        slow = s.value("streamprobe_doris_sql_query_duration_seconds", query="slow")
        assert 0.9 <= slow <= 2.1, slow
        assert s.value("streamprobe_doris_sql_query_failure_reason", query="empty",
                       reason="bad_payload") == 1
        assert s.value("streamprobe_doris_sql_query_value", query="slow") is None
        lint = subprocess.run(["promtool", "check", "metrics"], input=s.text, capture_output=True,
                              text=True, timeout=30)
        assert lint.returncode == 0 and not (lint.stdout + lint.stderr).strip(), lint.stderr
    finally:
        probe.stop()


def test_sql_auth_failure(orders, tmp_path):
    probe = Streamprobe(sql_config(orders, str(tmp_path), password="wrong"))
    try:
        s = probe.wait_for(lambda s: reason(s, "sql") == "auth", timeout=20, what="sql auth",
                           show=SHOW)
        assert s.value("streamprobe_doris_sql_query_success", query="answer") is None
    finally:
        probe.stop()


def test_sql_unresolvable_host(orders, tmp_path):
    probe = Streamprobe(sql_config(orders, str(tmp_path),
                                   host="doris-fe-0.doris-fe.data-platform.svc.invalid"))
    try:
        probe.wait_for(lambda s: reason(s, "sql") == "dns", timeout=20, what="sql dns", show=SHOW)
    finally:
        probe.stop()


def test_sql_refused(orders, tmp_path):
    config = sql_config(orders, str(tmp_path)).replace(f":{orders.port}\"", ":1\"")
    probe = Streamprobe(config)
    try:
        probe.wait_for(lambda s: reason(s, "sql") == "refused", timeout=20, what="sql refused",
                       show=SHOW)
    finally:
        probe.stop()
