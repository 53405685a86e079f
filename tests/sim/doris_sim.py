#!/usr/bin/python3
"""Apache Doris cluster simulator for streamprobe tests (stdlib only).

Simulates, in one process, N Doris FE HTTP servers and M BE HTTP servers (each on its own
port) plus one control port.  Shapes follow /work/shared/reference/PROTOCOLS.md §4; each
served shape names its upstream source in a ``# source:`` comment.

FE endpoints (every FE serves the same cluster view, as if forwarded to the master):
  GET /api/bootstrap                      (no auth)       PROTOCOLS.md §4.3
  GET /api/health                         (no auth unless health_auth)   §4.4
  GET /rest/v2/manager/node/frontends     (HTTP basic auth)              §4.5, §4.7
  GET /rest/v2/manager/node/backends      (HTTP basic auth)              §4.5, §4.7
BE endpoint:
  GET /api/health  -> body literally {"status": "OK","msg": "To Be Added"}   §4.8

All FE bodies use the envelope {"msg","code","data","count"} with HTTP 200 (§4.2).
Node names used by ``fault_nodes``: fe0..fe{N-1}, be0..be{M-1}.  Row values are fixed
made-up values; times are relative to "now" (local time zone, ``yyyy-MM-dd HH:mm:ss``).

Start:  python3 tests/sim/doris_sim.py --fe 3 --be 3 [switch flags]
stdout: {"fe":[port,...],"be":[port,...],"control":port}
Control: POST /-/scenario {"dead_bes":[1]} on the control port (see common.py, README.md).
"""

import base64
import time

from common import (FAULT_SWITCHES, NodeServer, Simulator, Switch, build_parser,
                    json_response, now_ms, raw_response, run_simulator, scenario_from_args)

CLUSTER_ID = 1717171717
CLUSTER_TOKEN = "sim-token-0f0e0d0c"
DORIS_VERSION = "doris-2.1.7-rc03-443e87e203"
BASE_JOURNAL_ID = 1234567
GB = 1024 ** 3

# --------------------------------------------------------------------------------------
# Scenario switches
# --------------------------------------------------------------------------------------

SWITCHES = [
    Switch("masters", "int_list", [0],
           "FE indexes with IsMaster=true ([] no master, 2 = split brain)"),
    Switch("observers", "int_list", [], "FE indexes with Role=OBSERVER (others FOLLOWER)"),
    Switch("not_ready_fes", "int_list", [], "FE indexes whose /api/bootstrap says not ready"),
    Switch("dead_fes", "int_list", [], "FE indexes shown Alive=false (server keeps answering)"),
    Switch("down_fes", "int_list", [], "FE indexes whose server stops listening (conn refused)"),
    Switch("lagging_fes", "int_list", [], "FE indexes whose ReplayedJournalId is far behind"),
    Switch("journal_lag", "int", 50000, "how far behind lagging FEs are"),
    Switch("dead_bes", "int_list", [], "BE indexes Alive=false, stale LastHeartbeat, ErrMsg set"),
    Switch("stale_heartbeat_bes", "int_list", [], "BE indexes Alive=true but LastHeartbeat old"),
    Switch("heartbeat_age_s", "int", 300, "age of a stale/dead LastHeartbeat, seconds"),
    Switch("full_disk_bes", "int_list", [], "BE indexes with MaxDiskUsedPct = disk_used_pct"),
    Switch("disk_used_pct", "float", 95.0, "MaxDiskUsedPct of full-disk BEs"),
    Switch("never_heartbeat_bes", "int_list", [], "BE indexes never heard of (zero times)"),
    Switch("zero_time", "str", "NULL", "how a zero time prints [UNCERTAIN §4.7]",
           ("NULL", "epoch")),
    Switch("down_bes", "int_list", [], "BE indexes whose server stops listening"),
    Switch("bootstrap_data", "str", "object", "ready /api/bootstrap data [UNCERTAIN §4.3]",
           ("object", "null")),
    Switch("health_not_ready", "str", "normal",
           "FE /api/health when not ready [UNCERTAIN §4.4]", ("normal", "code503", "http503")),
    Switch("health_auth", "bool", False,
           "FE /api/health needs basic auth (enable_all_http_auth)"),
    Switch("columns_key", "str", "column_names",
           "manager API key for column names [UNCERTAIN §4.5]", ("column_names", "columnNames")),
    Switch("layout", "str", "current", "column sets of §4.7", ("current", "procnode", "v21")),
    Switch("auth_user", "str", "root", "basic-auth user"),
    Switch("auth_password", "str", "", "basic-auth password"),
    Switch("auth_failure_status", "int", 200, "HTTP status of an auth failure (200 real, 401)",
           (200, 401)),
    Switch("be_health_msg", "str", "to_be_added", "BE /api/health msg (code vs doc) §4.8",
           ("to_be_added", "empty")),
    Switch("row_http_ports", "str", "actual",
           "HttpPort in manager rows: the real listening port or Doris defaults 8030+i/8040+i "
           "(for reproducible recordings)", ("actual", "default")),
    Switch("fault_nodes", "str_list", [], "limit delay/hang/html to these nodes (fe0, be1...)"),
] + FAULT_SWITCHES

# --------------------------------------------------------------------------------------
# Column sets (PROTOCOLS.md §4.7)
# --------------------------------------------------------------------------------------

# source: apache/doris fe/fe-core/.../common/proc/BackendsProcDir.java TITLE_NAMES, stored
# version, likely 2.1.x/3.0 (PROTOCOLS.md §4.7)
BACKEND_COLUMNS_CURRENT = [
    "BackendId", "Host", "HeartbeatPort", "BePort", "HttpPort", "BrpcPort",
    "ArrowFlightSqlPort", "LastStartTime", "LastHeartbeat", "Alive", "SystemDecommissioned",
    "TabletNum", "DataUsedCapacity", "TrashUsedCapacity", "AvailCapacity", "TotalCapacity",
    "UsedPct", "MaxDiskUsedPct", "RemoteUsedCapacity", "Tag", "ErrMsg", "Version", "Status",
    "HeartbeatFailureCounter", "CpuCores", "Memory", "RunningTasks", "NodeRole"]

# source: apache/doris-website versioned_docs/version-2.1/admin-manual/open-api/fe-http/
# node-action.md backends example (PROTOCOLS.md §4.7 "Older column sets", pre-2.0 layout)
BACKEND_COLUMNS_V21 = [
    "BackendId", "Cluster", "IP", "HostName", "HeartbeatPort", "BePort", "HttpPort",
    "BrpcPort", "LastStartTime", "LastHeartbeat", "Alive", "SystemDecommissioned",
    "ClusterDecommissioned", "TabletNum", "DataUsedCapacity", "AvailCapacity",
    "TotalCapacity", "UsedPct", "MaxDiskUsedPct", "ErrMsg", "Version", "Status"]

# source: Baidu PALO docs cloud.baidu.com/doc/PALO/s/hmd2uruzs, FrontendsProcNode list for
# Doris 2.1/3.x [DOC] (PROTOCOLS.md §4.7)
FRONTEND_COLUMNS_CURRENT = [
    "Name", "Host", "EditLogPort", "HttpPort", "QueryPort", "RpcPort", "ArrowFlightSqlPort",
    "Role", "IsMaster", "ClusterId", "Join", "Alive", "ReplayedJournalId", "LastStartTime",
    "LastHeartbeat", "IsHelper", "ErrMsg", "Version", "CurrentConnected"]

# source: apache/doris fe/fe-core/.../common/proc/FrontendsProcNode.java TITLE_NAMES, stored
# dev-build version [CONFIRMED] (PROTOCOLS.md §4.7)
FRONTEND_COLUMNS_PROCNODE = [
    "Name", "IP", "HostName", "EditLogPort", "HttpPort", "QueryPort", "RpcPort", "Role",
    "IsMaster", "ClusterId", "Join", "Alive", "ReplayedJournalId", "LastHeartbeat",
    "IsHelper", "ErrMsg", "Version", "CurrentConnected"]

# source: apache/doris-website versioned_docs/version-2.1/admin-manual/open-api/fe-http/
# node-action.md frontends example (the doc PROTOCOLS.md §4.7 cites for the old backend list)
FRONTEND_COLUMNS_V21 = [
    "Name", "IP", "HostName", "EditLogPort", "HttpPort", "QueryPort", "RpcPort",
    "ArrowFlightSqlPort", "Role", "IsMaster", "ClusterId", "Join", "Alive",
    "ReplayedJournalId", "LastHeartbeat", "IsHelper", "ErrMsg", "Version"]

LAYOUTS = {
    "current": (FRONTEND_COLUMNS_CURRENT, BACKEND_COLUMNS_CURRENT),
    "procnode": (FRONTEND_COLUMNS_PROCNODE, BACKEND_COLUMNS_CURRENT),
    "v21": (FRONTEND_COLUMNS_V21, BACKEND_COLUMNS_V21),
}

# --------------------------------------------------------------------------------------
# Value formatting (PROTOCOLS.md §4.7 "Value formats")
# --------------------------------------------------------------------------------------


def bool_text(value):
    return "true" if value else "false"


def time_text(epoch_ms, scenario):
    """``yyyy-MM-dd HH:mm:ss`` in local time; a zero time is NULL or the epoch [UNCERTAIN]."""
    if epoch_ms == 0:
        return "NULL" if scenario["zero_time"] == "NULL" else "1970-01-01 00:00:00"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch_ms / 1000.0))


def capacity_text(num_bytes):
    """Capacities print with 3 decimals and a unit, e.g. ``"1.234 GB"``."""
    for unit, size in (("TB", 1024 ** 4), ("GB", GB), ("MB", 1024 ** 2), ("KB", 1024)):
        if num_bytes >= size:
            return f"{num_bytes / size:.3f} {unit}"
    return f"{float(num_bytes):.3f} B"


def pct_text(pct):
    """Percentages print like ``"12.34 %"``."""
    return f"{pct:.2f} %"


# --------------------------------------------------------------------------------------
# Row builders: a superset of fields per node, then the layout picks the columns
# --------------------------------------------------------------------------------------


def fe_is_alive(index, scenario):
    return index not in scenario["dead_fes"] and index not in scenario["down_fes"]


def fe_journal_id(index, scenario):
    if index in scenario["lagging_fes"]:
        return BASE_JOURNAL_ID - scenario["journal_lag"]
    return BASE_JOURNAL_ID if index in scenario["masters"] else BASE_JOURNAL_ID - index % 3


def fe_start_ms(index, now):
    return now - 3 * 86400_000 - index * 3600_000


def frontend_fields(index, port, host, serving_index, scenario):
    """Every FE column a layout may ask for, for FE ``index``, seen from ``serving_index``."""
    now = now_ms(scenario)
    alive = fe_is_alive(index, scenario)
    heartbeat = now - 2000 if alive else now - scenario["heartbeat_age_s"] * 1000
    return {
        "Name": f"fe_00000000_0000_4000_8000_{index:012d}", "Host": host, "IP": host,
        "HostName": "localhost", "EditLogPort": str(9010 + index), "HttpPort": str(port),
        "QueryPort": str(9030 + index), "RpcPort": str(9020 + index),
        "ArrowFlightSqlPort": "-1",
        "Role": "OBSERVER" if index in scenario["observers"] else "FOLLOWER",
        "IsMaster": bool_text(index in scenario["masters"]), "ClusterId": str(CLUSTER_ID),
        "Join": "true", "Alive": bool_text(alive),
        "ReplayedJournalId": str(fe_journal_id(index, scenario)),
        "LastStartTime": time_text(fe_start_ms(index, now), scenario),
        "LastHeartbeat": time_text(heartbeat, scenario),
        "IsHelper": bool_text(index == 0),
        "ErrMsg": "" if alive else "got exception when doing heartbeat: connect refused",
        "Version": DORIS_VERSION,
        "CurrentConnected": "Yes" if index == serving_index else "No",
    }


def be_state(index, scenario):
    """'never' | 'dead' | 'stale' | 'alive' for BE ``index``."""
    if index in scenario["never_heartbeat_bes"]:
        return "never"
    if index in scenario["dead_bes"] or index in scenario["down_bes"]:
        return "dead"
    return "stale" if index in scenario["stale_heartbeat_bes"] else "alive"


def be_capacity_fields(index, scenario):
    total = 500 * GB
    data_used = (120 + 10 * index) * GB + 512 * 1024 ** 2
    avail = total - data_used - 30 * GB
    used_pct = (total - avail) * 100.0 / total
    max_disk = scenario["disk_used_pct"] if index in scenario["full_disk_bes"] else used_pct + 3.1
    return {
        "DataUsedCapacity": capacity_text(data_used),
        "TrashUsedCapacity": capacity_text(256 * 1024 ** 2),
        "AvailCapacity": capacity_text(avail), "TotalCapacity": capacity_text(total),
        "UsedPct": pct_text(used_pct), "MaxDiskUsedPct": pct_text(max_disk),
        "RemoteUsedCapacity": capacity_text(0),
    }


def be_status_text(heartbeat_text):
    # source: apache/doris BackendsProcDir.java `Status` column = Gson of BackendStatus
    # (PROTOCOLS.md §4.7, content [UNCERTAIN])
    return ('{"lastSuccessReportTabletsTime":"' + heartbeat_text + '",'
            '"lastStreamLoadTime":-1,"isQueryDisabled":false,"isLoadDisabled":false}')


def be_times(index, state, scenario):
    now = now_ms(scenario)
    if state == "never":
        return 0, 0
    start = now - 2 * 86400_000 - index * 600_000
    fresh = state == "alive"
    return start, (now - 2000 if fresh else now - scenario["heartbeat_age_s"] * 1000)


def backend_fields(index, port, host, scenario):
    """Every BE column a layout may ask for, for BE ``index``."""
    state = be_state(index, scenario)
    start, heartbeat = be_times(index, state, scenario)
    alive = state in ("alive", "stale")
    heartbeat_text = time_text(heartbeat, scenario)
    fields = {
        "BackendId": str(10001 + index), "Cluster": "default_cluster", "Host": host, "IP": host,
        "HostName": "localhost", "HeartbeatPort": str(9050 + index), "BePort": str(9060 + index),
        "HttpPort": str(port), "BrpcPort": str(8060 + index), "ArrowFlightSqlPort": "-1",
        "LastStartTime": time_text(start, scenario), "LastHeartbeat": heartbeat_text,
        "Alive": bool_text(alive), "SystemDecommissioned": "false",
        "ClusterDecommissioned": "false",
        "TabletNum": str(0 if state == "never" else 1200 + 7 * index),
        "Tag": '{"location" : "default"}',
        "ErrMsg": ("" if alive or state == "never"
                   else "java.net.ConnectException: Connection refused"),
        "Version": "" if state == "never" else DORIS_VERSION,
        "Status": be_status_text(heartbeat_text),
        "HeartbeatFailureCounter": "0" if alive else "12", "CpuCores": "16",
        "Memory": "62.500 GB", "RunningTasks": "0", "NodeRole": "mix" if alive else "",
    }
    fields.update(be_capacity_fields(index, scenario))
    return fields


# --------------------------------------------------------------------------------------
# FE envelope (PROTOCOLS.md §4.2)
# --------------------------------------------------------------------------------------


def envelope(data, code=0, msg="success", status=200, headers=None):
    # source: apache/doris fe/fe-core/.../httpv2/entity/ResponseBody.java and
    # ResponseEntityBuilder.java: {"msg","code","data","count":0}, HTTP 200 (PROTOCOLS.md §4.2)
    return json_response({"msg": msg, "code": code, "data": data, "count": 0}, status,
                         headers=headers)


def basic_credentials(request):
    """(user, password) from an ``Authorization: Basic`` header, or None."""
    header = request.headers.get("Authorization") or ""
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except ValueError:
        return None
    return user, password


def auth_failure(request, scenario):
    """None when the basic-auth credentials match, else the 'unauthorized' response."""
    credentials = basic_credentials(request)
    if credentials == (scenario["auth_user"], scenario["auth_password"]):
        return None
    # source: apache/doris httpv2/exception/RestApiExceptionHandler.java UnauthorizedException
    # -> ResponseEntityBuilder.unauthorized: HTTP 200, code 401 (PROTOCOLS.md §4.2); the
    # message texts are made up.  auth_failure_status=401 serves a real HTTP 401 instead.
    message = ("Need auth information." if credentials is None
               else f"Access denied for user '{credentials[0]}'")
    status = scenario["auth_failure_status"]
    headers = {"WWW-Authenticate": 'Basic realm="doris"'} if status == 401 else None
    return envelope(message, 401, "Unauthorized", status, headers)


# --------------------------------------------------------------------------------------
# The simulator
# --------------------------------------------------------------------------------------


class DorisSimulator(Simulator):
    """N FE + M BE HTTP servers sharing one scenario."""

    SWITCHES = SWITCHES

    def __init__(self, fe_count=3, be_count=3, fe_ports=None, be_ports=None, **kwargs):
        self.fe_count = fe_count
        self.be_count = be_count
        self.fe_ports = list(fe_ports or []) + [0] * fe_count
        self.be_ports = list(be_ports or []) + [0] * be_count
        super().__init__(**kwargs)

    def validate(self, scenario):
        for key, limit in (("masters", self.fe_count), ("observers", self.fe_count),
                           ("not_ready_fes", self.fe_count), ("dead_fes", self.fe_count),
                           ("down_fes", self.fe_count), ("lagging_fes", self.fe_count),
                           ("dead_bes", self.be_count), ("stale_heartbeat_bes", self.be_count),
                           ("full_disk_bes", self.be_count), ("down_bes", self.be_count),
                           ("never_heartbeat_bes", self.be_count)):
            bad = [i for i in scenario[key] if not 0 <= i < limit]
            if bad:
                raise ValueError(f"{key}: index out of range 0..{limit - 1}: {bad}")
        return scenario

    def create_nodes(self):
        for i in range(self.fe_count):
            self.nodes[f"fe{i}"] = NodeServer(f"fe{i}", self.host, self.fe_ports[i], self)
        for i in range(self.be_count):
            self.nodes[f"be{i}"] = NodeServer(f"be{i}", self.host, self.be_ports[i], self)

    def ports(self):
        return {"fe": [self.nodes[f"fe{i}"].port for i in range(self.fe_count)],
                "be": [self.nodes[f"be{i}"].port for i in range(self.be_count)],
                "control": self.control.port}

    def on_scenario_change(self, scenario):
        """Stop the servers listed in down_fes/down_bes, (re)start all others."""
        down = {f"fe{i}" for i in scenario["down_fes"]} | {f"be{i}" for i in scenario["down_bes"]}
        for name, server in self.nodes.items():
            (server.stop if name in down else server.start)()

    # -- routing -----------------------------------------------------------------------
    def route(self, node, request, scenario):
        index = int(node[2:])
        if node.startswith("be"):
            return self.route_be(request, scenario)
        return self.route_fe(index, request, scenario)

    def route_be(self, request, scenario):
        if request.method == "GET" and request.path == "/api/health":
            return be_health(scenario)
        return raw_response("Not Found", 404, "text/plain")

    def route_fe(self, index, request, scenario):
        handlers = {
            "/api/bootstrap": lambda: fe_bootstrap(index, request, scenario),
            "/api/health": lambda: self.fe_health(index, request, scenario),
            "/rest/v2/manager/node/frontends": lambda: self.manager_nodes(
                "frontends", index, request, scenario),
            "/rest/v2/manager/node/backends": lambda: self.manager_nodes(
                "backends", index, request, scenario),
        }
        handler = handlers.get(request.path)
        if request.method != "GET" or handler is None:
            # simulator-specific: not a documented shape
            return envelope(f"no such endpoint: {request.method} {request.path}", 404,
                            "Not Found", 404)
        return handler()

    def fe_health(self, index, request, scenario):
        if scenario["health_auth"]:
            failure = auth_failure(request, scenario)
            if failure is not None:
                return failure
        if index in scenario["not_ready_fes"] and scenario["health_not_ready"] != "normal":
            # source: apache/doris httpv2/rest/HealthAction.java newest stored version calls
            # ResponseEntityBuilder.serviceUnavailable("Server is not ready"); its status and
            # code are [UNCERTAIN] (PROTOCOLS.md §4.4): code 503, HTTP 200 or HTTP 503.
            status = 503 if scenario["health_not_ready"] == "http503" else 200
            return envelope("Server is not ready", 503, "Service Unavailable", status)
        online = sum(1 for i in range(self.be_count) if be_state(i, scenario) in ("alive", "stale"))
        # source: apache/doris fe/fe-core/.../httpv2/rest/HealthAction.java (PROTOCOLS.md §4.4)
        return envelope({"online_backend_num": online, "total_backend_num": self.be_count})

    def manager_nodes(self, kind, index, request, scenario):
        failure = auth_failure(request, scenario)
        if failure is not None:
            return failure
        fe_columns, be_columns = LAYOUTS[scenario["layout"]]
        if kind == "frontends":
            columns, rows = fe_columns, self.frontend_rows(fe_columns, index, scenario)
        else:
            columns, rows = be_columns, self.backend_rows(be_columns, scenario)
        # source: apache/doris fe/fe-core/.../httpv2/rest/manager/NodeAction.java NodeInfo
        # {columnNames, rows}; docs show "column_names" [UNCERTAIN] (PROTOCOLS.md §4.5)
        return envelope({scenario["columns_key"]: columns, "rows": rows})

    def row_port(self, node, index, scenario):
        if scenario["row_http_ports"] == "default":
            return (8030 if node == "fe" else 8040) + index
        return self.nodes[f"{node}{index}"].port

    def frontend_rows(self, columns, serving_index, scenario):
        rows = []
        for i in range(self.fe_count):
            port = self.row_port("fe", i, scenario)
            fields = frontend_fields(i, port, self.host, serving_index, scenario)
            rows.append([fields[c] for c in columns])
        return rows

    def backend_rows(self, columns, scenario):
        rows = []
        for i in range(self.be_count):
            fields = backend_fields(i, self.row_port("be", i, scenario), self.host, scenario)
            rows.append([fields[c] for c in columns])
        return rows


def fe_bootstrap(index, request, scenario):
    """GET /api/bootstrap: ready / not ready / cluster_id+token checks."""
    # source: apache/doris fe/fe-core/.../httpv2/rest/BootstrapFinishAction.java, older stored
    # version using Catalog; DOC 2.1 bootstrap-action.md (PROTOCOLS.md §4.3)
    if index in scenario["not_ready_fes"]:
        return envelope("not ready", 1, "Error")
    cluster_id, token = request.param("cluster_id"), request.param("token")
    if cluster_id is not None and token is not None:
        return bootstrap_with_token(index, cluster_id, token, scenario)
    if scenario["bootstrap_data"] == "null":
        return envelope(None)  # the 2.1 docs variant [UNCERTAIN §4.3]
    return envelope({"replayedJournalId": 0, "queryPort": 0, "rpcPort": 0, "version": "",
                     "startTime": -1})


def bootstrap_with_token(index, cluster_id, token, scenario):
    # source: as fe_bootstrap; error texts "invalid cluster id: ..." / "invalid token: ..."
    # (PROTOCOLS.md §4.3)
    if cluster_id != str(CLUSTER_ID):
        return envelope(f"invalid cluster id: {cluster_id}", 1, "Error")
    if token != CLUSTER_TOKEN:
        return envelope(f"invalid token: {token}", 1, "Error")
    return envelope({"replayedJournalId": fe_journal_id(index, scenario),
                     "queryPort": 9030 + index, "rpcPort": 9020 + index,
                     "version": DORIS_VERSION.split("-", 1)[1],
                     "startTime": fe_start_ms(index, now_ms(scenario))})


def be_health(scenario):
    # source: apache/doris be/src/http/action/health_action.cpp (old `palo` namespace
    # version) body, spaces included; DOC 2.1 be-http/health.md shows "msg": "" (PROTOCOLS.md §4.8)
    msg = "To Be Added" if scenario["be_health_msg"] == "to_be_added" else ""
    return raw_response('{"status": "OK","msg": "' + msg + '"}')


def make_parser():
    parser = build_parser(__doc__.splitlines()[0], SWITCHES)
    parser.add_argument("--fe", type=int, default=3, help="number of FE servers")
    parser.add_argument("--be", type=int, default=3, help="number of BE servers")
    parser.add_argument("--fe-ports", default="", help="fixed FE ports, comma-separated")
    parser.add_argument("--be-ports", default="", help="fixed BE ports, comma-separated")
    return parser


def int_list(text):
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv=None):
    parser = make_parser()

    def make(args):
        return DorisSimulator(args.fe, args.be, int_list(args.fe_ports), int_list(args.be_ports),
                              host=args.host, control_port=args.control_port,
                              scenario=scenario_from_args(args, SWITCHES))
    return run_simulator(make, parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
