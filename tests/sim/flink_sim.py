#!/usr/bin/python3
"""Apache Flink JobManager REST simulator for streamprobe tests (stdlib only).

Serves the JobManager REST shapes of /work/shared/reference/PROTOCOLS.md §5; each served
shape names its upstream source in a ``# source:`` comment:

  GET /overview                               ClusterOverviewWithVersion
  GET /jobs/overview                          {"jobs":[JobDetails...]}
  GET /jobs/<jid>/checkpoints                 CheckpointingStatistics (404 when disabled)
  GET /jobs/<jid>/metrics[?get=numRestarts]   [{"id":"numRestarts","value":"3"}]
  GET /jobs/<jid>/exceptions                  JobExceptionsInfoWithHistory
  anything unknown                            404 {"errors":["..."]}

Jobs are declared in the ``jobs`` switch, a JSON list of objects with keys (defaults):
  name (required), state ("RUNNING"), restarts (0), checkpointing (true),
  checkpoint_age_s (5), completed_checkpoints (42), failed_checkpoints (0),
  restarts_metric ("value" | "empty"), exceptions (min(restarts, 3)), tasks (4).
A job's id is the md5 hex of its name (32 hex chars, stable across runs).
All values are fixed made-up values; timestamps are relative to "now".

Start:  python3 tests/sim/flink_sim.py --job name=etl,state=RUNNING,restarts=3 [flags]
stdout: {"jobmanager":port,"control":port}
Control: POST /-/scenario {"jobs":[...]} on the control port (see common.py, README.md).
"""

import hashlib

from common import (FAULT_SWITCHES, NodeServer, Simulator, Switch, build_parser,
                    json_response, now_ms, run_simulator, scenario_from_args)

JSON_TYPE = "application/json; charset=UTF-8"

# source: apache/flink flink-core/.../api/common/JobStatus.java (PROTOCOLS.md §5)
JOB_STATES = ("INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING",
              "CANCELED", "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING")
GLOBALLY_TERMINAL = ("FAILED", "CANCELED", "FINISHED")

# source: apache/flink ExecutionState values, lower-cased keys of JobDetails `tasks`
# (PROTOCOLS.md §5; `initializing` only in newer versions)
TASK_STATES = ("created", "scheduled", "deploying", "running", "finished", "canceling",
               "canceled", "failed", "reconciling", "initializing")

DEFAULT_JOB = {"name": "orders-etl", "state": "RUNNING"}

SWITCHES = [
    Switch("jobs", "json", [DEFAULT_JOB], "JSON list of job objects (see module doc)"),
    Switch("taskmanagers", "int", 2, "ClusterOverview taskmanagers"),
    Switch("slots_total", "int", 8, "ClusterOverview slots-total"),
    Switch("slots_available", "int", 4, "ClusterOverview slots-available"),
    Switch("taskmanagers_blocked", "int", 0, "taskmanagers-blocked (shown only when non-zero)"),
    Switch("slots_free_and_blocked", "int", 0,
           "slots-free-and-blocked (shown only when non-zero)"),
    Switch("flink_version", "str", "1.18.1", "flink-version"),
    Switch("flink_commit", "str", "a8c8b1c", "flink-commit"),
    Switch("jobs_wrapper", "str", "jobs",
           "/jobs/overview wrapper [UNCERTAIN §5]: jobs, or older running/finished",
           ("jobs", "running_finished")),
    Switch("exceptions_legacy", "str", "null",
           "legacy root-exception/timestamp/all-exceptions [UNCERTAIN §5]",
           ("null", "filled", "absent")),
    Switch("error_root_cause", "bool", False, "add rootCause to error bodies [UNCERTAIN §5]"),
    Switch("full_restarts_metric", "bool", False,
           "also serve deprecated fullRestarts [UNCERTAIN §5]"),
    Switch("checkpoint_fields", "str", "new", "newer checkpoint fields/percentiles or older set",
           ("new", "old")),
] + FAULT_SWITCHES

JOB_DEFAULTS = {"state": "RUNNING", "restarts": 0, "checkpointing": True, "checkpoint_age_s": 5,
                "completed_checkpoints": 42, "failed_checkpoints": 0,
                "restarts_metric": "value", "tasks": 4}


def job_id(name):
    """Stable 32-hex-char JobID for a job name."""
    return hashlib.md5(name.encode("utf-8")).hexdigest()


def normalise_job(job):
    """Fill a declared job's defaults and check its values; raise ValueError if bad."""
    if not isinstance(job, dict) or not isinstance(job.get("name"), str):
        raise ValueError(f"each job needs a string 'name': {job!r}")
    unknown = set(job) - set(JOB_DEFAULTS) - {"name", "exceptions"}
    if unknown:
        raise ValueError(f"unknown job keys {sorted(unknown)}")
    full = dict(JOB_DEFAULTS, **job)
    full.setdefault("exceptions", min(full["restarts"], 3))
    if full["state"] not in JOB_STATES:
        raise ValueError(f"job state must be one of {JOB_STATES}: {full['state']!r}")
    if full["restarts_metric"] not in ("value", "empty"):
        raise ValueError("restarts_metric must be 'value' or 'empty'")
    return full


def jobs_of(scenario):
    """The scenario's declared jobs with their defaults filled in."""
    return [normalise_job(job) for job in scenario["jobs"]]


def parse_job_spec(text):
    """``name=etl,state=RUNNING,restarts=3,checkpointing=false`` -> job dict (CLI --job)."""
    job = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        job[key] = _spec_value(value)
    return job


def _spec_value(value):
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return int(value) if value.lstrip("-").isdigit() else value


# --------------------------------------------------------------------------------------
# Shape builders
# --------------------------------------------------------------------------------------


def error_body(message, scenario):
    # source: apache/flink flink-runtime/.../rest/messages/ErrorResponseBody.java
    # {"errors":[...]}; newer versions add "rootCause" [UNCERTAIN] (PROTOCOLS.md §5)
    body = {"errors": [message]}
    if scenario["error_root_cause"]:
        body["rootCause"] = message
    return body


def error_response(status, message, scenario):
    return json_response(error_body(message, scenario), status, JSON_TYPE)


def job_times(index, job, now):
    start = now - 3600_000 - index * 60_000
    if job["state"] in GLOBALLY_TERMINAL:
        end = start + 1800_000
        return start, end, end - start
    return start, -1, now - start


def task_counts(job):
    """`tasks` map: total plus one lower-cased key per ExecutionState."""
    counts = dict.fromkeys(TASK_STATES, 0)
    total = job["tasks"]
    state = job["state"]
    main = {"RUNNING": "running", "FINISHED": "finished", "CANCELED": "canceled",
            "CANCELLING": "canceling", "RECONCILING": "reconciling", "SUSPENDED": "canceled",
            "INITIALIZING": "initializing"}.get(state, "created")
    if state in ("FAILED", "FAILING"):
        counts["failed"] = 1
        counts["canceled" if state == "FAILED" else "canceling"] = total - 1
    else:
        counts[main] = total
    return dict(total=total, **counts)


def job_details(index, job, now):
    # source: apache/flink flink-runtime/.../messages/webmonitor/JobDetails.java (PROTOCOLS.md §5)
    start, end, duration = job_times(index, job, now)
    return {"jid": job_id(job["name"]), "name": job["name"], "state": job["state"],
            "start-time": start, "end-time": end, "duration": duration,
            "last-modification": now - 10_000 if job["restarts"] else start + 1000,
            "tasks": task_counts(job)}


def cluster_overview(scenario):
    # source: apache/flink flink-runtime/.../rest/handler/legacy/messages/
    # ClusterOverviewWithVersion.java, messages/webmonitor/ClusterOverview.java and
    # JobsOverview.java (PROTOCOLS.md §5)
    states = [job["state"] for job in jobs_of(scenario)]
    body = {"taskmanagers": scenario["taskmanagers"], "slots-total": scenario["slots_total"],
            "slots-available": scenario["slots_available"],
            "jobs-running": sum(1 for s in states if s not in GLOBALLY_TERMINAL),
            "jobs-finished": states.count("FINISHED"), "jobs-cancelled": states.count("CANCELED"),
            "jobs-failed": states.count("FAILED"),
            "flink-version": scenario["flink_version"], "flink-commit": scenario["flink_commit"]}
    # @JsonInclude(NON_DEFAULT): the newer fields appear only when non-zero
    if scenario["taskmanagers_blocked"]:
        body["taskmanagers-blocked"] = scenario["taskmanagers_blocked"]
    if scenario["slots_free_and_blocked"]:
        body["slots-free-and-blocked"] = scenario["slots_free_and_blocked"]
    return body


def jobs_overview(scenario):
    now = now_ms(scenario)
    details = [job_details(i, job, now) for i, job in enumerate(jobs_of(scenario))]
    if scenario["jobs_wrapper"] == "running_finished":
        # source: apache/flink .../messages/webmonitor/MultipleJobsDetails.java, an older stored
        # version with FIELD_NAME_JOBS_RUNNING/FINISHED (found via code search; PROTOCOLS.md §5
        # marks the "jobs" wrapper [UNCERTAIN])
        return {"running": [d for d in details if d["state"] not in GLOBALLY_TERMINAL],
                "finished": [d for d in details if d["state"] in GLOBALLY_TERMINAL]}
    # source: apache/flink .../messages/webmonitor/MultipleJobsDetails.java FIELD_NAME_JOBS
    # (PROTOCOLS.md §5)
    return {"jobs": details}


# -- checkpoints -----------------------------------------------------------------------

def stats_summary(base, scenario):
    """{min,max,avg} (+ percentiles in newer versions) of one summary metric."""
    summary = {"min": base // 2, "max": base * 2, "avg": base}
    if scenario["checkpoint_fields"] == "new":
        summary.update(p50=base, p90=base * 3 // 2, p95=base * 7 // 4, p99=base * 2,
                       p999=base * 2)
    return summary


def checkpoint_summary(scenario):
    # source: apache/flink .../rest/messages/checkpoints/CheckpointingStatistics.java summary
    # (PROTOCOLS.md §5)
    keys = {"state_size": 1_048_576, "end_to_end_duration": 1200, "alignment_buffered": 0}
    if scenario["checkpoint_fields"] == "new":
        keys.update(checkpointed_size=524_288, processed_data=0, persisted_data=0)
    return {key: stats_summary(base, scenario) for key, base in keys.items()}


def checkpoint_entry(cp_id, status, trigger_ts, ack_ts, job, scenario):
    # source: apache/flink .../rest/messages/checkpoints/CheckpointStatistics.java field
    # constants (PROTOCOLS.md §5)
    entry = {"@class": {"COMPLETED": "completed", "FAILED": "failed"}[status], "id": cp_id,
             "status": status, "is_savepoint": False, "trigger_timestamp": trigger_ts,
             "latest_ack_timestamp": ack_ts, "state_size": 1_048_576,
             "end_to_end_duration": ack_ts - trigger_ts, "alignment_buffered": 0,
             "num_subtasks": job["tasks"],
             "num_acknowledged_subtasks": job["tasks"] if status == "COMPLETED" else 0}
    if scenario["checkpoint_fields"] == "new":
        entry.update(checkpointed_size=524_288, processed_data=0, persisted_data=0,
                     checkpoint_type="CHECKPOINT", tasks={})
    return entry


def completed_entry(cp_id, ack_ts, job, scenario):
    entry = checkpoint_entry(cp_id, "COMPLETED", ack_ts - 1200, ack_ts, job, scenario)
    entry.update(external_path=f"file:/tmp/flink-checkpoints/{job_id(job['name'])}/chk-{cp_id}",
                 discarded=False)
    return entry


def failed_entry(cp_id, trigger_ts, job, scenario):
    # failure_timestamp / failure_message: PROTOCOLS.md §5 [UNCERTAIN]; the names are in
    # apache/flink CheckpointStatistics.FailedCheckpointStatistics (found via code search)
    entry = checkpoint_entry(cp_id, "FAILED", trigger_ts, trigger_ts, job, scenario)
    entry.update(failure_timestamp=trigger_ts + 1000,
                 failure_message="Checkpoint expired before completing.")
    return entry


def checkpoint_history(job, scenario):
    """All checkpoint entries, newest first: failed ones after the latest completed one."""
    now = now_ms(scenario)
    completed, failed = job["completed_checkpoints"], job["failed_checkpoints"]
    latest_ack = now - job["checkpoint_age_s"] * 1000
    entries = [completed_entry(cp_id, latest_ack - (completed - cp_id) * 60_000, job, scenario)
               for cp_id in range(1, completed + 1)]
    gap = max(1, (now - latest_ack) // (failed + 1))
    entries += [failed_entry(completed + k, latest_ack + k * gap - 1000, job, scenario)
                for k in range(1, failed + 1)]
    return list(reversed(entries))


def latest_of(entries, status):
    return next((e for e in entries if e["status"] == status), None)


def checkpointing_statistics(job, scenario):
    # source: apache/flink .../rest/messages/checkpoints/CheckpointingStatistics.java
    # (PROTOCOLS.md §5)
    entries = checkpoint_history(job, scenario)
    restored = None
    if job["restarts"] and job["completed_checkpoints"]:
        latest = latest_of(entries, "COMPLETED")
        restored = {"id": latest["id"], "restore_timestamp": now_ms(scenario) - 10_000,
                    "is_savepoint": False, "external_path": latest["external_path"]}
    return {
        "counts": {"restored": 1 if restored else 0, "total": len(entries), "in_progress": 0,
                   "completed": job["completed_checkpoints"], "failed": job["failed_checkpoints"]},
        "summary": checkpoint_summary(scenario),
        "latest": {"completed": latest_of(entries, "COMPLETED"), "savepoint": None,
                   "failed": latest_of(entries, "FAILED"), "restored": restored},
        "history": entries[:10],
    }


# -- exceptions ------------------------------------------------------------------------

def exception_entries(job, scenario):
    now = now_ms(scenario)
    entries = []
    for k in range(job["exceptions"]):
        trace = (f"java.lang.RuntimeException: simulated failure #{job['exceptions'] - k}\n"
                 "\tat com.example.OrdersMapper.map(OrdersMapper.java:42)\n")
        entries.append({"exceptionName": "java.lang.RuntimeException", "stacktrace": trace,
                        "timestamp": now - (k + 1) * 120_000,
                        "taskName": "Map (1/4)#" + str(k), "location": "127.0.0.1:40123",
                        "taskManagerId": "127.0.0.1:40123-6f1c2a", "failureLabels": {},
                        "concurrentExceptions": []})
    return entries


def job_exceptions(job, scenario):
    # source: apache/flink .../rest/messages/JobExceptionsInfoWithHistory.java (PROTOCOLS.md §5)
    entries = exception_entries(job, scenario)
    body = {"exceptionHistory": {"entries": entries, "truncated": False}}
    mode = scenario["exceptions_legacy"]
    if mode == "absent":
        return body  # legacy fields removed [UNCERTAIN for 2.x]
    newest = entries[0] if entries and mode == "filled" else None
    body.update({
        "root-exception": newest["stacktrace"] if newest else None,
        "timestamp": newest["timestamp"] if newest else None,
        "all-exceptions": [{"exception": e["stacktrace"], "task": e["taskName"],
                            "location": e["location"], "timestamp": e["timestamp"],
                            "taskManagerId": e["taskManagerId"]}
                           for e in entries] if mode == "filled" else [],
        "truncated": False})
    return body


# -- metrics ---------------------------------------------------------------------------

def job_metrics(job, request, scenario):
    # source: apache/flink .../rest/messages/job/metrics/Metric.java: value is a STRING;
    # empty list before the metric fetcher has collected (PROTOCOLS.md §5)
    if job["restarts_metric"] == "empty":
        return []
    values = {"numRestarts": str(job["restarts"])}
    if scenario["full_restarts_metric"]:
        values["fullRestarts"] = str(job["restarts"])
    wanted = request.param("get")
    if wanted is None:
        return [{"id": metric_id} for metric_id in values]
    return [{"id": m, "value": values[m]} for m in wanted.split(",") if m in values]


# --------------------------------------------------------------------------------------
# The simulator
# --------------------------------------------------------------------------------------


class FlinkSimulator(Simulator):
    """One JobManager REST server."""

    SWITCHES = SWITCHES

    def __init__(self, port=0, **kwargs):
        self.port = port
        super().__init__(**kwargs)

    def validate(self, scenario):
        if not isinstance(scenario["jobs"], list):
            raise ValueError("jobs must be a JSON list")
        names = [job["name"] for job in jobs_of(scenario)]  # declared form stays as given
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        return scenario

    def create_nodes(self):
        self.nodes["jobmanager"] = NodeServer("jobmanager", self.host, self.port, self)

    def ports(self):
        return {"jobmanager": self.nodes["jobmanager"].port, "control": self.control.port}

    def route(self, node, request, scenario):
        if request.method != "GET":
            return error_response(405, f"Method {request.method} not allowed.", scenario)
        if request.path == "/overview":
            return json_response(cluster_overview(scenario), content_type=JSON_TYPE)
        if request.path == "/jobs/overview":
            return json_response(jobs_overview(scenario), content_type=JSON_TYPE)
        parts = request.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "jobs":
            return self.route_job(parts[1], parts[2], request, scenario)
        return error_response(404, f"Not found: {request.path}", scenario)

    def route_job(self, jid, resource, request, scenario):
        job = next((j for j in jobs_of(scenario) if job_id(j["name"]) == jid), None)
        if job is None:
            # message text made up after FlinkJobNotFoundException
            return error_response(404, f"Could not find Flink job ({jid})", scenario)
        if resource == "checkpoints":
            if not job["checkpointing"]:
                # source: apache/flink CheckpointingStatisticsHandler (PROTOCOLS.md §5)
                return error_response(404, "Checkpointing has not been enabled.", scenario)
            body = checkpointing_statistics(job, scenario)
        elif resource == "metrics":
            body = job_metrics(job, request, scenario)
        elif resource == "exceptions":
            body = job_exceptions(job, scenario)
        else:
            return error_response(404, f"Not found: {request.path}", scenario)
        return json_response(body, content_type=JSON_TYPE)


def make_parser():
    parser = build_parser(__doc__.splitlines()[0], SWITCHES)
    parser.add_argument("--port", type=int, default=0, help="REST port (0: any)")
    parser.add_argument("--job", action="append", default=[], type=parse_job_spec,
                        help="declare a job: name=etl,state=RUNNING,restarts=3,... "
                             "(repeatable; replaces the default job list)")
    return parser


def main(argv=None):
    parser = make_parser()

    def make(args):
        scenario = scenario_from_args(args, SWITCHES)
        if args.job:
            scenario["jobs"] = args.job
        return FlinkSimulator(args.port, host=args.host, control_port=args.control_port,
                              scenario=scenario)
    return run_simulator(make, parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
