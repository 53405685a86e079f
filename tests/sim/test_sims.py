"""Tests for the Doris, Flink and Schema Registry simulators (tests/sim/*.py).

Each simulator runs as a subprocess (via simctl); every test checks that an endpoint or a
scenario switch produces the shape documented in /work/shared/reference/PROTOCOLS.md.
Module-scoped simulators are reset before each test and must exit with status 0 on SIGTERM.

Run: /usr/bin/python3 -m pytest -q tests/sim/test_sims.py
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simctl import DorisSim, FlinkSim, SchemaRegistrySim, SimulatorError  # noqa: E402
import doris_sim  # noqa: E402

AUTH = ("root", "")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
CAPACITY_RE = re.compile(r"^\d+\.\d{3} (TB|GB|MB|KB|B)$")
PCT_RE = re.compile(r"^\d+\.\d{2} %$")
SR_TYPE = "application/vnd.schemaregistry.v1+json"


def get(url, **kwargs):
    kwargs.setdefault("timeout", 5)
    return requests.get(url, **kwargs)


def parse_doris_time(text):
    return time.mktime(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


def assert_times_out(url, **kwargs):
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(url, timeout=1, **kwargs)


def assert_envelope(body, code=0):
    assert set(body) == {"msg", "code", "data", "count"}
    assert body["code"] == code and body["count"] == 0
    return body["data"]


# ======================================================================================
# Doris
# ======================================================================================


@pytest.fixture(scope="module")
def doris_proc():
    sim = DorisSim(fe=3, be=3).start()
    yield sim
    assert sim.stop() == 0


@pytest.fixture
def doris(doris_proc):
    doris_proc.reset()
    yield doris_proc
    doris_proc.reset()


def manager(sim, kind, fe=0, **kwargs):
    kwargs.setdefault("auth", AUTH)
    return get(f"{sim.fe_urls[fe]}/rest/v2/manager/node/{kind}", **kwargs)


def table(sim, kind, fe=0):
    """Manager API data as a list of {column: value} dicts (column key either spelling)."""
    data = assert_envelope(manager(sim, kind, fe).json())
    columns = data.get("column_names") or data.get("columnNames")
    return [dict(zip(columns, row)) for row in data["rows"]]


def test_doris_ports_line(doris):
    assert len(doris.ports["fe"]) == 3 and len(doris.ports["be"]) == 3
    assert all(isinstance(p, int) and p > 0 for p in doris.ports["fe"] + doris.ports["be"])
    assert get(doris.control_url + "/-/ports").json() == doris.ports


def test_bootstrap_ready_default_object(doris):
    response = get(doris.fe_urls[0] + "/api/bootstrap")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["msg"] == "success"
    assert assert_envelope(body) == {"replayedJournalId": 0, "queryPort": 0, "rpcPort": 0,
                                     "version": "", "startTime": -1}


def test_bootstrap_data_null_variant(doris):
    doris.set_scenario(bootstrap_data="null")
    assert assert_envelope(get(doris.fe_urls[1] + "/api/bootstrap").json()) is None


def test_bootstrap_not_ready_only_on_chosen_fe(doris):
    doris.set_scenario(not_ready_fes=[1])
    response = get(doris.fe_urls[1] + "/api/bootstrap")
    assert response.status_code == 200
    assert response.json() == {"msg": "Error", "code": 1, "data": "not ready", "count": 0}
    assert get(doris.fe_urls[0] + "/api/bootstrap").json()["code"] == 0


def test_bootstrap_with_cluster_id_and_token(doris):
    url = doris.fe_urls[2] + "/api/bootstrap"
    good = {"cluster_id": str(doris_sim.CLUSTER_ID), "token": doris_sim.CLUSTER_TOKEN}
    data = assert_envelope(get(url, params=good).json())
    assert data["replayedJournalId"] > 0 and data["queryPort"] == 9032
    assert isinstance(data["version"], str) and data["startTime"] > 0
    bad_id = get(url, params=dict(good, cluster_id="1")).json()
    assert assert_envelope(bad_id, 1).startswith("invalid cluster id: ")
    bad_token = get(url, params=dict(good, token="x")).json()
    assert assert_envelope(bad_token, 1).startswith("invalid token: ")


def test_fe_health_counts_alive_backends(doris):
    url = doris.fe_urls[0] + "/api/health"
    assert assert_envelope(get(url).json()) == {"online_backend_num": 3, "total_backend_num": 3}
    doris.set_scenario(dead_bes=[0], never_heartbeat_bes=[2])
    assert assert_envelope(get(url).json()) == {"online_backend_num": 1, "total_backend_num": 3}


@pytest.mark.parametrize("variant,status,code", [("normal", 200, 0), ("code503", 200, 503),
                                                  ("http503", 503, 503)])
def test_fe_health_when_not_ready(doris, variant, status, code):
    doris.set_scenario(not_ready_fes=[0], health_not_ready=variant)
    response = get(doris.fe_urls[0] + "/api/health")
    assert response.status_code == status
    data = assert_envelope(response.json(), code)
    assert isinstance(data, dict if code == 0 else str)


def test_fe_health_with_auth_enabled(doris):
    doris.set_scenario(health_auth=True)
    url = doris.fe_urls[0] + "/api/health"
    assert assert_envelope(get(url).json(), 401)
    assert assert_envelope(get(url, auth=AUTH).json())["total_backend_num"] == 3


def test_manager_requires_basic_auth_http_200(doris):
    for auth in (None, ("root", "wrong"), ("admin", "")):
        response = manager(doris, "frontends", auth=auth)
        assert response.status_code == 200
        body = response.json()
        assert body["msg"] == "Unauthorized"
        assert isinstance(assert_envelope(body, 401), str)


def test_manager_auth_failure_real_http_401(doris):
    doris.set_scenario(auth_failure_status=401)
    response = manager(doris, "backends", auth=None)
    assert response.status_code == 401
    assert response.json()["code"] == 401
    assert manager(doris, "backends").status_code == 200


def test_manager_custom_credentials(doris):
    doris.set_scenario(auth_user="monitor", auth_password="s3cret")
    assert manager(doris, "frontends").json()["code"] == 401
    assert manager(doris, "frontends", auth=("monitor", "s3cret")).json()["code"] == 0


@pytest.mark.parametrize("layout,kind,columns", [
    ("current", "frontends", doris_sim.FRONTEND_COLUMNS_CURRENT),
    ("current", "backends", doris_sim.BACKEND_COLUMNS_CURRENT),
    ("procnode", "frontends", doris_sim.FRONTEND_COLUMNS_PROCNODE),
    ("procnode", "backends", doris_sim.BACKEND_COLUMNS_CURRENT),
    ("v21", "frontends", doris_sim.FRONTEND_COLUMNS_V21),
    ("v21", "backends", doris_sim.BACKEND_COLUMNS_V21),
])
@pytest.mark.parametrize("key", ["column_names", "columnNames"])
def test_manager_layouts_and_column_key(doris, layout, kind, columns, key):
    doris.set_scenario(layout=layout, columns_key=key)
    data = assert_envelope(manager(doris, kind).json())
    assert set(data) == {key, "rows"}
    assert data[key] == columns
    assert len(data["rows"]) == 3
    for row in data["rows"]:
        assert len(row) == len(columns) and all(isinstance(v, str) for v in row)


def test_manager_default_key_is_column_names(doris):
    assert "column_names" in assert_envelope(manager(doris, "backends").json())


def test_frontend_row_values(doris):
    rows = table(doris, "frontends", fe=1)
    for i, row in enumerate(rows):
        assert row["HttpPort"] == str(doris.ports["fe"][i])
        assert row["Role"] in ("FOLLOWER", "OBSERVER")
        assert row["Alive"] == "true" and row["Join"] == "true"
        assert TIME_RE.match(row["LastHeartbeat"]) and TIME_RE.match(row["LastStartTime"])
        assert row["ReplayedJournalId"].isdigit() and row["ErrMsg"] == ""
        assert row["CurrentConnected"] == ("Yes" if i == 1 else "No")
    assert [r["IsMaster"] for r in rows] == ["true", "false", "false"]


def test_backend_row_values(doris):
    for i, row in enumerate(table(doris, "backends")):
        assert row["HttpPort"] == str(doris.ports["be"][i])
        assert row["Alive"] == "true" and row["SystemDecommissioned"] == "false"
        assert TIME_RE.match(row["LastHeartbeat"]) and TIME_RE.match(row["LastStartTime"])
        assert time.time() - parse_doris_time(row["LastHeartbeat"]) < 30
        for column in ("DataUsedCapacity", "TrashUsedCapacity", "AvailCapacity",
                       "TotalCapacity", "RemoteUsedCapacity", "Memory"):
            assert CAPACITY_RE.match(row[column]), row[column]
        assert PCT_RE.match(row["UsedPct"]) and PCT_RE.match(row["MaxDiskUsedPct"])
        assert row["TabletNum"].isdigit() and row["Version"] and row["ErrMsg"] == ""
        assert json.loads(row["Status"])["isQueryDisabled"] is False
        assert row["Tag"] == '{"location" : "default"}' and row["NodeRole"] == "mix"


def test_row_http_ports_default_variant(doris):
    doris.set_scenario(row_http_ports="default")
    assert [r["HttpPort"] for r in table(doris, "frontends")] == ["8030", "8031", "8032"]
    assert [r["HttpPort"] for r in table(doris, "backends")] == ["8040", "8041", "8042"]


def test_observers_switch(doris):
    doris.set_scenario(observers=[2])
    assert [r["Role"] for r in table(doris, "frontends")] == ["FOLLOWER", "FOLLOWER", "OBSERVER"]


@pytest.mark.parametrize("masters", [[], [0, 2]])
def test_no_master_and_two_masters(doris, masters):
    doris.set_scenario(masters=masters)
    flags = [r["IsMaster"] for r in table(doris, "frontends")]
    assert flags == ["true" if i in masters else "false" for i in range(3)]


def test_fe_journal_lagging(doris):
    doris.set_scenario(lagging_fes=[2], journal_lag=90000)
    ids = [int(r["ReplayedJournalId"]) for r in table(doris, "frontends")]
    assert ids[0] - ids[2] == 90000 and ids[0] - ids[1] < 10


def test_dead_fe_row(doris):
    doris.set_scenario(dead_fes=[1])
    row = table(doris, "frontends")[1]
    assert row["Alive"] == "false" and row["ErrMsg"]
    assert time.time() - parse_doris_time(row["LastHeartbeat"]) >= 290
    assert get(doris.fe_urls[1] + "/api/bootstrap").json()["code"] == 0  # still answers


def test_be_not_alive(doris):
    doris.set_scenario(dead_bes=[1])
    rows = table(doris, "backends")
    assert rows[1]["Alive"] == "false" and rows[1]["ErrMsg"] and rows[1]["NodeRole"] == ""
    assert time.time() - parse_doris_time(rows[1]["LastHeartbeat"]) >= 290
    assert rows[0]["Alive"] == "true"


def test_be_heartbeat_stale_but_alive(doris):
    doris.set_scenario(stale_heartbeat_bes=[0], heartbeat_age_s=900)
    row = table(doris, "backends")[0]
    assert row["Alive"] == "true" and row["ErrMsg"] == ""
    assert 890 <= time.time() - parse_doris_time(row["LastHeartbeat"]) <= 930


def test_be_disk_full(doris):
    doris.set_scenario(full_disk_bes=[2])
    rows = table(doris, "backends")
    assert rows[2]["MaxDiskUsedPct"] == "95.00 %"
    assert rows[0]["MaxDiskUsedPct"] != "95.00 %"
    doris.set_scenario(disk_used_pct=99.5)
    assert table(doris, "backends")[2]["MaxDiskUsedPct"] == "99.50 %"


@pytest.mark.parametrize("zero_time,text", [("NULL", "NULL"), ("epoch", "1970-01-01 00:00:00")])
def test_be_never_heartbeat_zero_time(doris, zero_time, text):
    doris.set_scenario(never_heartbeat_bes=[0], zero_time=zero_time)
    row = table(doris, "backends")[0]
    assert row["LastHeartbeat"] == text and row["LastStartTime"] == text
    assert row["Alive"] == "false"


@pytest.mark.parametrize("variant,body", [("to_be_added", '{"status": "OK","msg": "To Be Added"}'),
                                          ("empty", '{"status": "OK","msg": ""}')])
def test_be_health_literal_body(doris, variant, body):
    doris.set_scenario(be_health_msg=variant)
    response = get(doris.be_urls[0] + "/api/health")
    assert response.status_code == 200 and response.text == body
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["status"] == "OK"


def test_html_on_selected_nodes(doris):
    doris.set_scenario(html=True, fault_nodes=["fe1", "be0"])
    response = get(doris.fe_urls[1] + "/api/bootstrap")
    assert response.status_code == 502 and response.headers["Content-Type"] == "text/html"
    assert "<html>" in response.text and "nginx" in response.text
    with pytest.raises(ValueError):
        response.json()
    assert get(doris.be_urls[0] + "/api/health").status_code == 502
    assert get(doris.fe_urls[0] + "/api/bootstrap").json()["code"] == 0
    doris.set_scenario(html_status=200)
    assert get(doris.fe_urls[1] + "/api/health").status_code == 200


def test_html_everywhere(doris):
    doris.set_scenario(html=True)
    for url in doris.fe_urls + doris.be_urls:
        assert get(url + "/api/health").headers["Content-Type"] == "text/html"


def test_delay_on_one_node(doris):
    doris.set_scenario(delay_ms=700, fault_nodes=["fe0"])
    start = time.monotonic()
    assert get(doris.fe_urls[0] + "/api/health").status_code == 200
    assert time.monotonic() - start >= 0.7
    start = time.monotonic()
    assert get(doris.fe_urls[1] + "/api/health").status_code == 200
    assert time.monotonic() - start < 0.5


def test_hang_times_out_while_others_answer(doris):
    doris.set_scenario(hang=True, fault_nodes=["fe0"])
    assert_times_out(doris.fe_urls[0] + "/api/bootstrap")
    assert get(doris.fe_urls[1] + "/api/bootstrap", timeout=1).json()["code"] == 0
    assert get(doris.be_urls[0] + "/api/health", timeout=1).status_code == 200
    assert get(doris.control_url + "/-/health", timeout=1).json() == {"ok": True}


def test_hung_request_answers_after_reset(doris):
    doris.set_scenario(hang=True, fault_nodes=["fe2"])
    result = {}

    def call():
        result["body"] = get(doris.fe_urls[2] + "/api/bootstrap", timeout=10).json()

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.5)
    assert "body" not in result
    doris.reset()
    worker.join(timeout=5)
    assert result["body"]["code"] == 0


def test_fault_paths_limit(doris):
    doris.set_scenario(hang=True, fault_paths=["/rest/v2/manager/"])
    assert_times_out(doris.fe_urls[0] + "/rest/v2/manager/node/backends", auth=AUTH)
    assert get(doris.fe_urls[0] + "/api/bootstrap", timeout=1).json()["code"] == 0


def connection_refused(url):
    try:
        requests.get(url, timeout=2)
    except requests.exceptions.ConnectionError as exc:
        return "refused" in str(exc).lower()
    return False


def test_fe_down_and_back_on_same_port(doris):
    url = doris.fe_urls[2] + "/api/bootstrap"
    doris.stop_fe(2)
    assert connection_refused(url)
    assert table(doris, "frontends")[2]["Alive"] == "false"
    doris.start_fe(2)
    assert get(url).json()["code"] == 0


def test_be_down(doris):
    doris.stop_be(1)
    assert connection_refused(doris.be_urls[1] + "/api/health")
    assert table(doris, "backends")[1]["Alive"] == "false"
    doris.reset()
    assert get(doris.be_urls[1] + "/api/health").status_code == 200


def test_fe_unknown_path_is_404_envelope(doris):
    response = get(doris.fe_urls[0] + "/api/nope")
    assert response.status_code == 404 and response.json()["code"] == 404


def test_clock_freeze_makes_rows_deterministic(doris):
    doris.set_scenario(clock_ms=1718000000000)
    first = manager(doris, "backends").content
    time.sleep(1.1)
    assert manager(doris, "backends").content == first


@pytest.mark.parametrize("body", [{"bogus": 1}, {"masters": "0"}, {"dead_bes": [7]},
                                  {"layout": "v99"}, {"hang": 1}])
def test_control_rejects_bad_switches(doris, body):
    response = requests.post(doris.control_url + "/-/scenario", json=body, timeout=5)
    assert response.status_code == 400 and "error" in response.json()
    assert doris.scenario()["masters"] == [0]


def test_control_rejects_bad_json(doris):
    response = requests.post(doris.control_url + "/-/scenario", data=b"{nope", timeout=5)
    assert response.status_code == 400


def test_doris_cli_flags(tmp_path):
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "doris_sim.py"),
           "--fe", "2", "--be", "2", "--dead-bes", "1", "--columns-key", "columnNames",
           "--layout", "v21", "--not-ready-fes", "0", "--hang", "false", "--masters", "0,1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    try:
        ports = json.loads(proc.stdout.readline())
        base = f"http://127.0.0.1:{ports['fe'][1]}"
        data = assert_envelope(get(base + "/rest/v2/manager/node/backends", auth=AUTH).json())
        assert data["columnNames"] == doris_sim.BACKEND_COLUMNS_V21
        assert data["rows"][1][data["columnNames"].index("Alive")] == "false"
        fes = assert_envelope(get(base + "/rest/v2/manager/node/frontends", auth=AUTH).json())
        assert [r[fes["columnNames"].index("IsMaster")] for r in fes["rows"]] == ["true", "true"]
        assert get(f"http://127.0.0.1:{ports['fe'][0]}/api/bootstrap").json()["code"] == 1
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
        proc.stdout.close()


def test_cli_rejects_non_loopback_host():
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "doris_sim.py"),
           "--host", "0.0.0.0"]
    result = subprocess.run(cmd, capture_output=True, timeout=10)
    assert result.returncode == 2 and b"127.x" in result.stderr


def test_sigterm_with_hung_request_exits_cleanly():
    sim = DorisSim(fe=1, be=1, hang=True).start()
    sock = socket.create_connection(("127.0.0.1", sim.ports["fe"][0]))
    sock.sendall(b"GET /api/bootstrap HTTP/1.0\r\n\r\n")
    time.sleep(0.2)
    start = time.monotonic()
    assert sim.stop() == 0
    assert time.monotonic() - start < 3
    sock.settimeout(2)
    assert sock.recv(100) == b""  # closed without an answer
    sock.close()


# ======================================================================================
# Flink
# ======================================================================================

FLINK_JOBS = [
    {"name": "orders-etl", "state": "RUNNING"},
    {"name": "payments", "state": "RESTARTING", "restarts": 3},
    {"name": "legacy-agg", "state": "FAILED", "restarts": 1},
    {"name": "nightly", "state": "FINISHED"},
]


@pytest.fixture(scope="module")
def flink_proc():
    sim = FlinkSim(jobs=FLINK_JOBS).start()
    yield sim
    assert sim.stop() == 0


@pytest.fixture
def flink(flink_proc):
    flink_proc.reset()
    yield flink_proc
    flink_proc.reset()


def job_url(sim, name, resource):
    return f"{sim.url}/jobs/{sim.job_id(name)}/{resource}"


def test_flink_overview(flink):
    response = get(flink.url + "/overview")
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"taskmanagers", "slots-total", "slots-available", "jobs-running",
                         "jobs-finished", "jobs-cancelled", "jobs-failed", "flink-version",
                         "flink-commit"}
    assert (body["jobs-running"], body["jobs-finished"], body["jobs-failed"]) == (2, 1, 1)
    assert isinstance(body["flink-version"], str)


def test_flink_overview_blocked_fields_only_when_non_zero(flink):
    flink.set_scenario(taskmanagers_blocked=1, slots_free_and_blocked=2)
    body = get(flink.url + "/overview").json()
    assert body["taskmanagers-blocked"] == 1 and body["slots-free-and-blocked"] == 2


def test_flink_jobs_overview(flink):
    jobs = get(flink.url + "/jobs/overview").json()["jobs"]
    assert [j["state"] for j in jobs] == ["RUNNING", "RESTARTING", "FAILED", "FINISHED"]
    for job in jobs:
        assert set(job) == {"jid", "name", "state", "start-time", "end-time", "duration",
                            "last-modification", "tasks"}
        assert re.match(r"^[0-9a-f]{32}$", job["jid"])
        assert job["tasks"]["total"] == sum(v for k, v in job["tasks"].items() if k != "total")
        assert {"running", "canceling", "canceled", "initializing"} <= set(job["tasks"])
    assert jobs[0]["end-time"] == -1 and jobs[3]["end-time"] > jobs[3]["start-time"]
    assert jobs[0]["tasks"]["running"] == 4


def test_flink_jobs_overview_old_wrapper(flink):
    flink.set_scenario(jobs_wrapper="running_finished")
    body = get(flink.url + "/jobs/overview").json()
    assert set(body) == {"running", "finished"}
    assert {j["state"] for j in body["finished"]} == {"FAILED", "FINISHED"}


def test_flink_checkpoints_shape(flink):
    body = get(job_url(flink, "orders-etl", "checkpoints")).json()
    assert set(body) == {"counts", "summary", "latest", "history"}
    assert set(body["counts"]) == {"restored", "total", "in_progress", "completed", "failed"}
    for key in ("state_size", "end_to_end_duration", "alignment_buffered", "checkpointed_size"):
        assert {"min", "max", "avg", "p99"} <= set(body["summary"][key])
    assert set(body["latest"]) == {"completed", "savepoint", "failed", "restored"}
    completed = body["latest"]["completed"]
    assert completed["@class"] == "completed" and completed["status"] == "COMPLETED"
    assert 0 <= time.time() * 1000 - completed["latest_ack_timestamp"] < 30_000
    for key in ("id", "is_savepoint", "trigger_timestamp", "state_size", "end_to_end_duration",
                "num_subtasks", "num_acknowledged_subtasks", "external_path", "discarded"):
        assert key in completed
    assert body["latest"]["failed"] is None and body["latest"]["restored"] is None
    assert isinstance(body["history"], list) and body["history"][0]["id"] == completed["id"]


def test_flink_checkpoints_old_fields(flink):
    flink.set_scenario(checkpoint_fields="old")
    body = get(job_url(flink, "orders-etl", "checkpoints")).json()
    assert set(body["summary"]) == {"state_size", "end_to_end_duration", "alignment_buffered"}
    assert set(body["summary"]["state_size"]) == {"min", "max", "avg"}
    assert "checkpointed_size" not in body["latest"]["completed"]


def test_flink_checkpoint_stale(flink):
    flink.set_scenario(jobs=[{"name": "orders-etl", "checkpoint_age_s": 3600}])
    ack = get(job_url(flink, "orders-etl", "checkpoints")).json()["latest"]["completed"][
        "latest_ack_timestamp"]
    assert 3590_000 <= time.time() * 1000 - ack <= 3630_000


def test_flink_failed_checkpoints(flink):
    flink.set_job("orders-etl", failed_checkpoints=4)
    body = get(job_url(flink, "orders-etl", "checkpoints")).json()
    assert body["counts"]["failed"] == 4 and body["counts"]["total"] == 46
    failed = body["latest"]["failed"]
    assert failed["@class"] == "failed" and failed["status"] == "FAILED"
    assert isinstance(failed["failure_timestamp"], int) and failed["failure_message"]
    assert failed["id"] > body["latest"]["completed"]["id"]


def test_flink_restored_checkpoint_after_restarts(flink):
    restored = get(job_url(flink, "payments", "checkpoints")).json()["latest"]["restored"]
    assert set(restored) == {"id", "restore_timestamp", "is_savepoint", "external_path"}


def test_flink_checkpoints_disabled(flink):
    flink.set_job("orders-etl", checkpointing=False)
    response = get(job_url(flink, "orders-etl", "checkpoints"))
    assert response.status_code == 404
    assert response.json() == {"errors": ["Checkpointing has not been enabled."]}
    flink.set_scenario(error_root_cause=True)
    body = get(job_url(flink, "orders-etl", "checkpoints")).json()
    assert body["rootCause"] == "Checkpointing has not been enabled."


def test_flink_num_restarts_metric(flink):
    body = get(job_url(flink, "payments", "metrics"), params={"get": "numRestarts"}).json()
    assert body == [{"id": "numRestarts", "value": "3"}]
    assert get(job_url(flink, "payments", "metrics")).json() == [{"id": "numRestarts"}]
    flink.set_scenario(full_restarts_metric=True)
    body = get(job_url(flink, "payments", "metrics"),
               params={"get": "numRestarts,fullRestarts"}).json()
    assert body == [{"id": "numRestarts", "value": "3"}, {"id": "fullRestarts", "value": "3"}]


def test_flink_num_restarts_empty_variant(flink):
    flink.set_job("payments", restarts_metric="empty")
    assert get(job_url(flink, "payments", "metrics"), params={"get": "numRestarts"}).json() == []


def test_flink_exceptions_default(flink):
    body = get(job_url(flink, "payments", "exceptions")).json()
    entries = body["exceptionHistory"]["entries"]
    assert len(entries) == 3 and body["exceptionHistory"]["truncated"] is False
    for entry in entries:
        assert {"exceptionName", "stacktrace", "timestamp", "taskName", "location",
                "taskManagerId", "failureLabels", "concurrentExceptions"} == set(entry)
    assert body["root-exception"] is None and body["all-exceptions"] == []


@pytest.mark.parametrize("mode", ["filled", "absent"])
def test_flink_exceptions_legacy_variants(flink, mode):
    flink.set_scenario(exceptions_legacy=mode)
    body = get(job_url(flink, "payments", "exceptions")).json()
    if mode == "absent":
        assert set(body) == {"exceptionHistory"}
    else:
        assert body["root-exception"].startswith("java.lang.RuntimeException")
        assert len(body["all-exceptions"]) == 3 and isinstance(body["timestamp"], int)


def test_flink_unknown_job_and_path(flink):
    response = get(f"{flink.url}/jobs/{'0' * 32}/checkpoints")
    assert response.status_code == 404 and isinstance(response.json()["errors"], list)
    response = get(flink.url + "/nope")
    assert response.status_code == 404 and response.json()["errors"]


def test_flink_state_changes_via_set_job(flink):
    flink.set_job("orders-etl", state="FAILING")
    job = get(flink.url + "/jobs/overview").json()["jobs"][0]
    assert job["state"] == "FAILING" and job["tasks"]["failed"] == 1


def test_flink_rejects_bad_job(flink):
    for jobs in ([{"state": "RUNNING"}], [{"name": "x", "state": "CANCELLED"}],
                 [{"name": "x", "colour": 1}], "nope"):
        response = requests.post(flink.control_url + "/-/scenario", json={"jobs": jobs},
                                 timeout=5)
        assert response.status_code == 400


def test_flink_slow_hang_html(flink):
    flink.set_scenario(delay_ms=600)
    start = time.monotonic()
    get(flink.url + "/overview")
    assert time.monotonic() - start >= 0.6
    flink.set_scenario(delay_ms=0, hang=True, fault_paths=["/jobs/"])
    assert_times_out(flink.url + "/jobs/overview")
    assert get(flink.url + "/overview", timeout=1).status_code == 200
    flink.set_scenario(hang=False, html=True, fault_paths=[])
    response = get(flink.url + "/overview")
    assert response.status_code == 502 and response.text.startswith("<html>")


def test_flink_cli_job_flags():
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "flink_sim.py"),
           "--job", "name=a,state=RESTARTING,restarts=7",
           "--job", "name=b,checkpointing=false", "--exceptions-legacy", "absent"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    try:
        ports = json.loads(proc.stdout.readline())
        base = f"http://127.0.0.1:{ports['jobmanager']}"
        jid_a, jid_b = FlinkSim.job_id("a"), FlinkSim.job_id("b")
        metric = get(f"{base}/jobs/{jid_a}/metrics?get=numRestarts").json()
        assert metric == [{"id": "numRestarts", "value": "7"}]
        assert get(f"{base}/jobs/{jid_b}/checkpoints").status_code == 404
        assert set(get(f"{base}/jobs/{jid_a}/exceptions").json()) == {"exceptionHistory"}
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
        proc.stdout.close()


# ======================================================================================
# Schema Registry
# ======================================================================================


@pytest.fixture(scope="module")
def registry_proc():
    sim = SchemaRegistrySim().start()
    yield sim
    assert sim.stop() == 0


@pytest.fixture
def registry(registry_proc):
    registry_proc.reset()
    yield registry_proc
    registry_proc.reset()


def test_registry_root_and_content_type(registry):
    response = get(registry.url + "/")
    assert response.status_code == 200 and response.json() == {}
    assert response.headers["Content-Type"] == SR_TYPE


def test_registry_subjects(registry):
    assert get(registry.url + "/subjects").json() == ["orders-value", "users-key"]
    body = get(registry.url + "/subjects", params={"deleted": "true"}).json()
    assert body == ["orders-value", "users-key", "legacy-value"]
    registry.set_scenario(subjects=[])
    assert get(registry.url + "/subjects").json() == []


def test_registry_config_and_mode(registry):
    assert get(registry.url + "/config").json() == {"compatibilityLevel": "BACKWARD"}
    assert get(registry.url + "/mode").json() == {"mode": "READWRITE"}
    registry.set_scenario(compatibility="FULL_TRANSITIVE", mode="READONLY")
    assert get(registry.url + "/config").json() == {"compatibilityLevel": "FULL_TRANSITIVE"}
    assert get(registry.url + "/mode").json() == {"mode": "READONLY"}


def test_registry_store_error(registry):
    registry.set_scenario(error_code=50001)
    for path in ("/subjects", "/config", "/mode"):
        response = get(registry.url + path)
        assert response.status_code == 500 and response.headers["Content-Type"] == SR_TYPE
        body = response.json()
        assert body["error_code"] == 50001 and isinstance(body["message"], str)
    assert get(registry.url + "/").json() == {}
    registry.set_scenario(error_code=50004)
    assert get(registry.url + "/subjects").json()["error_code"] == 50004


def test_registry_unknown_path(registry):
    response = get(registry.url + "/nope")
    assert response.status_code == 404 and response.json()["error_code"] == 404


def test_registry_slow_hang_html(registry):
    registry.set_scenario(delay_ms=500, fault_paths=["/subjects"])
    start = time.monotonic()
    get(registry.url + "/subjects")
    assert time.monotonic() - start >= 0.5
    registry.set_scenario(delay_ms=0, hang=True, fault_paths=[])
    assert_times_out(registry.url + "/")
    assert get(registry.control_url + "/-/health", timeout=1).status_code == 200
    registry.set_scenario(hang=False, html=True, html_status=503)
    response = get(registry.url + "/")
    assert response.status_code == 503 and response.headers["Content-Type"] == "text/html"


# ======================================================================================
# simctl
# ======================================================================================


def test_simctl_reports_start_failure():
    sim = DorisSim(fe=1, be=1, masters=[5])
    with pytest.raises(SimulatorError):
        sim.start()
    assert sim.proc.poll() is not None


def test_simctl_context_manager_stops_process():
    with SchemaRegistrySim(mode="IMPORT") as sim:
        assert get(sim.url + "/mode").json() == {"mode": "IMPORT"}
        proc = sim.proc
    assert proc.poll() == 0


def test_simctl_sigterm_exit_status():
    sim = FlinkSim().start()
    sim.proc.send_signal(signal.SIGTERM)
    assert sim.proc.wait(timeout=5) == 0
    sim.stop()


# ======================================================================================
# Recorded fixtures
# ======================================================================================

FIXTURE_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "fixtures")


@pytest.mark.parametrize("system", ["doris", "flink", "schema_registry"])
def test_recorded_fixtures_parse_and_are_listed(system):
    folder = os.path.join(FIXTURE_ROOT, system)
    if not os.path.isdir(folder):
        pytest.skip("fixtures not recorded yet (run tests/sim/record_fixtures.py)")
    readme = open(os.path.join(folder, "README.md")).read()
    names = [n for n in os.listdir(folder) if n != "README.md"]
    assert names
    for name in names:
        assert re.match(r"^[A-Za-z0-9_]+__[A-Za-z0-9_]+\.(json|html)$", name), name
        assert f"`{name}`" in readme
        with open(os.path.join(folder, name), "rb") as body:
            data = body.read()
        if name.endswith(".json"):
            json.loads(data)
        else:
            assert data.startswith(b"<html>")
