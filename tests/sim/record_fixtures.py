#!/usr/bin/python3
"""Record raw simulator response bodies as test fixtures.

Starts each simulator (via simctl), applies one scenario per recording, fetches one
endpoint and saves the raw body to ``tests/fixtures/<system>/<endpoint>__<scenario>.json``
(``.html`` for the HTML-error scenarios, whose bodies are not JSON).  Each folder also
gets a generated ``README.md`` listing every file with its HTTP status, content type,
scenario switches and upstream source (as named in PROTOCOLS.md).

Recordings are reproducible: the simulators' clock is frozen (``clock_ms``), they run
with ``TZ=UTC`` and Doris rows advertise default ports (``row_http_ports=default``).

Run from the repository root:  /usr/bin/python3 tests/sim/record_fixtures.py
"""

import base64
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from simctl import DorisSim, FlinkSim, SchemaRegistrySim  # noqa: E402
import doris_sim  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO, "tests", "fixtures")
CLOCK_MS = 1718000000000  # 2024-06-10 06:13:20 UTC
COMMON_ENV = {"TZ": "UTC"}
AUTH = ("root", "")


@dataclass
class Recording:
    """One fixture: which endpoint, under which scenario, from which node."""

    endpoint: str
    scenario: str
    path: str
    switches: dict = field(default_factory=dict)
    source: str = ""
    node: str = "fe0"
    auth: tuple = None

    @property
    def stem(self):
        return f"{self.endpoint}__{self.scenario}"


# --------------------------------------------------------------------------------------
# Recordings
# --------------------------------------------------------------------------------------

SRC_ENVELOPE = "apache/doris fe/fe-core/.../httpv2/entity/ResponseBody.java, ResponseEntityBuilder.java (PROTOCOLS.md §4.2)"
SRC_BOOTSTRAP = "apache/doris fe/fe-core/.../httpv2/rest/BootstrapFinishAction.java; DOC 2.1 bootstrap-action.md (PROTOCOLS.md §4.3)"
SRC_HEALTH = "apache/doris fe/fe-core/.../httpv2/rest/HealthAction.java (PROTOCOLS.md §4.4)"
SRC_NODE = "apache/doris fe/fe-core/.../httpv2/rest/manager/NodeAction.java (PROTOCOLS.md §4.5)"
SRC_BE_CUR = "BackendsProcDir.java TITLE_NAMES stored version (PROTOCOLS.md §4.7)"
SRC_BE_V21 = "doris-website version-2.1 node-action.md backends example (PROTOCOLS.md §4.7)"
SRC_FE_CUR = "FrontendsProcNode list for 2.1/3.x per Baidu PALO docs [DOC] (PROTOCOLS.md §4.7)"
SRC_FE_PROC = "FrontendsProcNode.java TITLE_NAMES stored dev-build version (PROTOCOLS.md §4.7)"
SRC_FE_V21 = "doris-website version-2.1 node-action.md frontends example (PROTOCOLS.md §4.7)"
SRC_BE_HEALTH = "apache/doris be/src/http/action/health_action.cpp; DOC 2.1 be-http/health.md (PROTOCOLS.md §4.8)"
SRC_HTML = "nginx-style error page (simulator fault, not an upstream shape)"


def doris_manager(kind, scenario, switches, source):
    return Recording(f"manager_node_{kind}", scenario, f"/rest/v2/manager/node/{kind}",
                     switches, f"{SRC_NODE}; {source}", auth=AUTH)


DORIS_RECORDINGS = [
    Recording("api_bootstrap", "ready", "/api/bootstrap", {}, SRC_BOOTSTRAP),
    Recording("api_bootstrap", "ready_data_null", "/api/bootstrap",
              {"bootstrap_data": "null"}, SRC_BOOTSTRAP + " [UNCERTAIN variant]"),
    Recording("api_bootstrap", "not_ready", "/api/bootstrap", {"not_ready_fes": [0]},
              SRC_BOOTSTRAP),
    Recording("api_bootstrap", "with_token",
              f"/api/bootstrap?cluster_id={doris_sim.CLUSTER_ID}&token={doris_sim.CLUSTER_TOKEN}",
              {}, SRC_BOOTSTRAP),
    Recording("api_bootstrap", "invalid_token",
              f"/api/bootstrap?cluster_id={doris_sim.CLUSTER_ID}&token=wrong", {}, SRC_BOOTSTRAP),
    Recording("api_bootstrap", "html_502", "/api/bootstrap", {"html": True}, SRC_HTML),
    Recording("api_health", "ok", "/api/health", {}, SRC_HEALTH),
    Recording("api_health", "be_not_alive", "/api/health", {"dead_bes": [1]}, SRC_HEALTH),
    Recording("api_health", "not_ready_code503", "/api/health",
              {"not_ready_fes": [0], "health_not_ready": "code503"},
              SRC_HEALTH + " [UNCERTAIN variant]"),
    Recording("api_health", "unauthorized", "/api/health", {"health_auth": True},
              SRC_HEALTH + "; " + SRC_ENVELOPE),
    doris_manager("frontends", "column_names_current", {}, SRC_FE_CUR),
    doris_manager("frontends", "columnNames_current", {"columns_key": "columnNames"}, SRC_FE_CUR),
    doris_manager("frontends", "column_names_procnode", {"layout": "procnode"}, SRC_FE_PROC),
    doris_manager("frontends", "column_names_v21", {"layout": "v21"}, SRC_FE_V21),
    doris_manager("frontends", "columnNames_v21", {"layout": "v21", "columns_key": "columnNames"},
                  SRC_FE_V21),
    doris_manager("frontends", "no_master", {"masters": []}, SRC_FE_CUR),
    doris_manager("frontends", "two_masters", {"masters": [0, 1]}, SRC_FE_CUR),
    doris_manager("frontends", "journal_lagging", {"lagging_fes": [2]}, SRC_FE_CUR),
    doris_manager("frontends", "fe_down", {"down_fes": [2]}, SRC_FE_CUR),
    Recording("manager_node_frontends", "unauthorized", "/rest/v2/manager/node/frontends", {},
              SRC_ENVELOPE),
    doris_manager("backends", "column_names_current", {}, SRC_BE_CUR),
    doris_manager("backends", "columnNames_current", {"columns_key": "columnNames"}, SRC_BE_CUR),
    doris_manager("backends", "column_names_v21", {"layout": "v21"}, SRC_BE_V21),
    doris_manager("backends", "columnNames_v21", {"layout": "v21", "columns_key": "columnNames"},
                  SRC_BE_V21),
    doris_manager("backends", "be_not_alive", {"dead_bes": [1]}, SRC_BE_CUR),
    doris_manager("backends", "heartbeat_stale", {"stale_heartbeat_bes": [1]}, SRC_BE_CUR),
    doris_manager("backends", "disk_95", {"full_disk_bes": [2]}, SRC_BE_CUR),
    doris_manager("backends", "never_heartbeat_null", {"never_heartbeat_bes": [2]},
                  SRC_BE_CUR + " [UNCERTAIN: NULL for zero time]"),
    Recording("manager_node_backends", "unauthorized", "/rest/v2/manager/node/backends", {},
              SRC_ENVELOPE),
    Recording("be_api_health", "ok", "/api/health", {}, SRC_BE_HEALTH, node="be0"),
    Recording("be_api_health", "doc_empty_msg", "/api/health", {"be_health_msg": "empty"},
              SRC_BE_HEALTH + " (doc variant)", node="be0"),
]

SRC_OVERVIEW = "apache/flink flink-runtime/.../rest/handler/legacy/messages/ClusterOverviewWithVersion.java (PROTOCOLS.md §5)"
SRC_JOBS = "apache/flink flink-runtime/.../messages/webmonitor/JobDetails.java, MultipleJobsDetails.java (PROTOCOLS.md §5)"
SRC_CP = "apache/flink flink-runtime/.../rest/messages/checkpoints/CheckpointingStatistics.java (PROTOCOLS.md §5)"
SRC_CP_OFF = "apache/flink CheckpointingStatisticsHandler; rest/messages/ErrorResponseBody.java (PROTOCOLS.md §5)"
SRC_METRIC = "apache/flink flink-runtime/.../rest/messages/job/metrics/Metric.java (PROTOCOLS.md §5)"
SRC_EXC = "apache/flink flink-runtime/.../rest/messages/JobExceptionsInfoWithHistory.java (PROTOCOLS.md §5)"
SRC_ERR = "apache/flink flink-runtime/.../rest/messages/ErrorResponseBody.java (PROTOCOLS.md §5)"

FLINK_JOBS = [{"name": "orders-etl", "state": "RUNNING"},
              {"name": "payments", "state": "RESTARTING", "restarts": 3},
              {"name": "legacy-agg", "state": "FAILED", "restarts": 1},
              {"name": "nightly", "state": "FINISHED"}]


def flink_job(resource, name="orders-etl"):
    return f"/jobs/{FlinkSim.job_id(name)}/{resource}"


def with_job(**fields):
    """Scenario: FLINK_JOBS with the first job's fields changed."""
    return {"jobs": [dict(FLINK_JOBS[0], **fields)] + FLINK_JOBS[1:]}


FLINK_RECORDINGS = [
    Recording("overview", "default", "/overview", {}, SRC_OVERVIEW),
    Recording("overview", "blocked", "/overview",
              {"taskmanagers_blocked": 1, "slots_free_and_blocked": 2}, SRC_OVERVIEW),
    Recording("overview", "html_502", "/overview", {"html": True}, SRC_HTML),
    Recording("jobs_overview", "mixed_states", "/jobs/overview", {}, SRC_JOBS),
    Recording("jobs_overview", "running_finished", "/jobs/overview",
              {"jobs_wrapper": "running_finished"},
              "apache/flink MultipleJobsDetails.java older version (PROTOCOLS.md §5 [UNCERTAIN] wrapper)"),
    Recording("jobs_checkpoints", "ok", flink_job("checkpoints"), {}, SRC_CP),
    Recording("jobs_checkpoints", "old_fields", flink_job("checkpoints"),
              {"checkpoint_fields": "old"}, SRC_CP),
    Recording("jobs_checkpoints", "stale", flink_job("checkpoints"),
              with_job(checkpoint_age_s=3600), SRC_CP),
    Recording("jobs_checkpoints", "failed", flink_job("checkpoints"),
              with_job(failed_checkpoints=3), SRC_CP),
    Recording("jobs_checkpoints", "restored", flink_job("checkpoints", "payments"), {}, SRC_CP),
    Recording("jobs_checkpoints", "disabled", flink_job("checkpoints"),
              with_job(checkpointing=False), SRC_CP_OFF),
    Recording("jobs_checkpoints", "disabled_root_cause", flink_job("checkpoints"),
              dict(with_job(checkpointing=False), error_root_cause=True),
              SRC_CP_OFF + " [UNCERTAIN rootCause]"),
    Recording("jobs_metrics", "list", flink_job("metrics", "payments"), {}, SRC_METRIC),
    Recording("jobs_metrics_numRestarts", "value",
              flink_job("metrics", "payments") + "?get=numRestarts", {}, SRC_METRIC),
    Recording("jobs_metrics_numRestarts", "empty",
              flink_job("metrics", "orders-etl") + "?get=numRestarts",
              with_job(restarts_metric="empty"), SRC_METRIC),
    Recording("jobs_exceptions", "history", flink_job("exceptions", "payments"), {}, SRC_EXC),
    Recording("jobs_exceptions", "none", flink_job("exceptions"), {}, SRC_EXC),
    Recording("jobs_exceptions", "legacy_filled", flink_job("exceptions", "payments"),
              {"exceptions_legacy": "filled"}, SRC_EXC + " [UNCERTAIN legacy fields]"),
    Recording("jobs_exceptions", "legacy_absent", flink_job("exceptions", "payments"),
              {"exceptions_legacy": "absent"}, SRC_EXC + " [UNCERTAIN legacy fields]"),
    Recording("jobs_checkpoints", "unknown_job", f"/jobs/{'0' * 32}/checkpoints", {}, SRC_ERR),
]

SRC_SR = "confluentinc/schema-registry (PROTOCOLS.md §6)"
REGISTRY_RECORDINGS = [
    Recording("root", "ok", "/", {}, "confluentinc/schema-registry rest/resources/RootResource.java (PROTOCOLS.md §6)"),
    Recording("subjects", "ok", "/subjects", {}, SRC_SR),
    Recording("subjects", "deleted", "/subjects?deleted=true", {}, SRC_SR),
    Recording("config", "ok", "/config", {}, "confluentinc/schema-registry client/.../rest/entities/Config.java (PROTOCOLS.md §6)"),
    Recording("mode", "ok", "/mode", {}, "confluentinc/schema-registry client/.../rest/entities/Mode.java (PROTOCOLS.md §6)"),
    Recording("subjects", "store_error", "/subjects", {"error_code": 50001},
              "confluentinc/schema-registry client/.../rest/entities/ErrorMessage.java, core/.../rest/exceptions/Errors.java (PROTOCOLS.md §6)"),
    Recording("config", "store_error", "/config", {"error_code": 50001},
              "confluentinc/schema-registry ErrorMessage.java, Errors.java (PROTOCOLS.md §6)"),
    Recording("unknown_path", "not_found", "/nope", {}, "ErrorMessage.java shape; simulator-specific text"),
    Recording("subjects", "html_502", "/subjects", {"html": True}, SRC_HTML),
]

# --------------------------------------------------------------------------------------
# Recording machinery
# --------------------------------------------------------------------------------------


def fetch(url, auth=None):
    """(status, content type, raw body) for a GET, HTTP errors included."""
    headers = {}
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        headers["Authorization"] = "Basic " + token
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def base_url(sim, node):
    if isinstance(sim, DorisSim):
        urls = sim.fe_urls if node.startswith("fe") else sim.be_urls
        return urls[int(node[2:])]
    return sim.url


def record_all(sim, recordings, folder):
    """Record each recording into ``folder``; returns README table rows."""
    os.makedirs(folder, exist_ok=True)
    rows = []
    for rec in recordings:
        sim.reset()
        sim.set_scenario(**rec.switches)
        status, content_type, body = fetch(base_url(sim, rec.node) + rec.path, rec.auth)
        name = rec.stem + (".html" if content_type.startswith("text/html") else ".json")
        with open(os.path.join(folder, name), "wb") as out:
            out.write(body)
        rows.append((name, rec, status, content_type))
    return rows


def readme_text(system, title, start_switches, rows, note):
    lines = [
        f"# {title} fixtures", "",
        f"Recorded from the simulator `tests/sim/{system}` by `tests/sim/record_fixtures.py`.",
        "The simulator serves the response shapes of `/work/shared/reference/PROTOCOLS.md`",
        "with the upstream sources named below (field names follow the cited source; values",
        "are made up). Each file is a raw response body, byte for byte.", "",
        f"Recording conditions: clock frozen at `clock_ms={CLOCK_MS}` (2024-06-10 06:13:20 UTC),",
        f"`TZ=UTC`; start-up switches `{json.dumps(start_switches)}`. {note}", "",
        "Re-record with `/usr/bin/python3 tests/sim/record_fixtures.py` (output is reproducible).", "",
        "| file | request | HTTP status | content type | scenario switches | source |",
        "|---|---|---|---|---|---|",
    ]
    for name, rec, status, content_type in rows:
        auth = " (basic auth)" if rec.auth else " (no auth)" if rec.endpoint.startswith("manager") else ""
        lines.append(f"| `{name}` | `GET {rec.path}` on {rec.node}{auth} | {status} | "
                     f"`{content_type}` | `{json.dumps(rec.switches)}` | {rec.source} |")
    return "\n".join(lines) + "\n"


def record_system(sim, recordings, folder, system, title, start_switches, note=""):
    with sim:
        rows = record_all(sim, recordings, folder)
    with open(os.path.join(folder, "README.md"), "w") as out:
        out.write(readme_text(system, title, start_switches, rows, note))
    return [name for name, *_ in rows]


def main():
    doris_start = {"clock_ms": CLOCK_MS, "row_http_ports": "default"}
    flink_start = {"clock_ms": CLOCK_MS, "jobs": FLINK_JOBS}
    registry_start = {"clock_ms": CLOCK_MS}
    written = []
    written += record_system(
        DorisSim(fe=3, be=3, env=COMMON_ENV, **doris_start), DORIS_RECORDINGS,
        os.path.join(FIXTURES, "doris"), "doris_sim.py", "Apache Doris", doris_start,
        "Cluster: 3 FE (`fe0` master), 3 BE; rows advertise HttpPort 8030+i / 8040+i.")
    written += record_system(
        FlinkSim(env=COMMON_ENV, **flink_start), FLINK_RECORDINGS,
        os.path.join(FIXTURES, "flink"), "flink_sim.py", "Apache Flink", flink_start,
        "Job ids are the md5 hex of the job name, e.g. orders-etl = "
        f"`{FlinkSim.job_id('orders-etl')}`.")
    written += record_system(
        SchemaRegistrySim(env=COMMON_ENV, **registry_start), REGISTRY_RECORDINGS,
        os.path.join(FIXTURES, "schema_registry"), "schema_registry_sim.py",
        "Confluent Schema Registry", registry_start)
    print(f"wrote {len(written)} fixture files under {FIXTURES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
