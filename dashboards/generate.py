#!/usr/bin/python3
"""Generates the Grafana dashboards in this directory (one per backend plus
overview.json) with Grafana's foundation SDK (PyPI grafana-foundation-sdk, pinned in
scripts/fetch-tools.sh), from the panel lists below, so every panel gets the same
conventions: the ${datasource} variable; $namespace, $job, $instance and $cluster
matchers on every selector (with an HA pair of streamprobe, pick one instance so
counts are not doubled); $__rate_interval in every rate; a unit, a description and
a stable id; every dashboard a stable uid and editable: false (change this file,
not the dashboard in Grafana).

    /usr/bin/python3 dashboards/generate.py          # rewrite dashboards/*.json
    /usr/bin/python3 dashboards/generate.py --check  # exit 1 if a file is out of date

Edit the panels here, not the JSON. Metric names must exist in src/ (checked by
tests/rules/test_rules.py); tests/deploy lints the result with dashboard-linter's
rules. deploy/generate.py carries the JSON into the mixin, chart and kustomize base.
"""
import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent


def _sdk_path():
    """The SDK lives in <build dir>/tools/python (scripts/fetch-tools.sh)."""
    dirs = []
    if os.environ.get("STREAMPROBE_TOOLS"):
        dirs.append(pathlib.Path(os.environ["STREAMPROBE_TOOLS"]) / "python")
    dirs += sorted(ROOT.glob("build*/tools/python"))
    for d in dirs:
        if (d / "grafana_foundation_sdk").is_dir():
            return str(d)
    return None


# The pinned SDK first, so the output does not depend on what else is installed.
if _sdk_path():
    sys.path.insert(0, _sdk_path())
try:
    import grafana_foundation_sdk  # noqa: F401
except ImportError:
    sys.exit("dashboards/generate.py: grafana-foundation-sdk not found: run scripts/fetch-tools.sh")

from grafana_foundation_sdk.builders import common as cb  # noqa: E402
from grafana_foundation_sdk.builders import dashboard as db  # noqa: E402
from grafana_foundation_sdk.builders import prometheus as prom  # noqa: E402
from grafana_foundation_sdk.builders import stat as statb  # noqa: E402
from grafana_foundation_sdk.builders import statetimeline  # noqa: E402
from grafana_foundation_sdk.builders import table as tableb  # noqa: E402
from grafana_foundation_sdk.builders import timeseries as tsb  # noqa: E402
from grafana_foundation_sdk.cog.encoder import JSONEncoder  # noqa: E402
from grafana_foundation_sdk.models import common as cm  # noqa: E402
from grafana_foundation_sdk.models import dashboard as dm  # noqa: E402
from grafana_foundation_sdk.models import prometheus as pm  # noqa: E402

DS = dm.DataSourceRef(type_val="prometheus", uid="${datasource}")
# Every query filters by the namespace, job, instance and cluster variables.
# `namespace` is the namespace streamprobe is scraped from (a target label the
# Prometheus Operator adds); "All" is ".*", so it also matches series without it.
J = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"'
C = 'cluster=~"$cluster", ' + J  # the exporter's own series have no cluster: J alone
# Range of every rate(): Grafana's $__rate_interval (at least four scrape intervals).
RATE = "$__rate_interval"
RUNBOOKS = "https://github.com/streamprobe/streamprobe/blob/main/docs/runbooks/"


def value_map(options):
    return [dm.ValueMap(options={k: dm.ValueMappingResult(**v) for k, v in options.items()})]


UP_DOWN = value_map({"0": {"text": "down", "color": "red", "index": 0},
                     "1": {"text": "up", "color": "green", "index": 1}})
NO_YES_BAD = value_map({"0": {"text": "no", "color": "red", "index": 0},
                        "1": {"text": "yes", "color": "green", "index": 1}})


def q(expr, legend="", instant=False, table=False):
    t = prom.Dataquery().expr(expr).legend_format(legend).datasource(DS)
    if instant or table:
        t = t.instant()
    if table:
        t = t.format(pm.PromQueryFormat.TABLE)
    return t


def _common(p, title, description, unit, targets, w, h, mappings=None, thresholds=None,
            transformations=None, min_=None, max_=None):
    targets = [t.ref_id(chr(ord("A") + i)) for i, t in enumerate(targets)]
    p = (p.title(title).description(description).datasource(DS).unit(unit)
         .targets(targets).grid_pos(dm.GridPos(w=w, h=h)))
    if mappings:
        p = p.mappings(mappings)
    if thresholds:
        p = p.thresholds(db.ThresholdsConfig().mode(dm.ThresholdsMode.ABSOLUTE).steps(thresholds))
    if transformations:
        p = p.transformations(transformations)
    if min_ is not None:
        p = p.min(min_)
    if max_ is not None:
        p = p.max(max_)
    return p


def stat(title, description, expr, unit="short", bad_above=None, w=4, mappings=None, legend=""):
    steps = [dm.Threshold(color="green", value=None)]
    if bad_above is not None:
        steps.append(dm.Threshold(color="red", value=bad_above))
    p = (statb.Panel().color_mode(cm.BigValueColorMode.BACKGROUND).graph_mode(cm.BigValueGraphMode.NONE)
         .reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"])))
    return _common(p, title, description, unit, [q(expr, legend, instant=True)], w, 4,
                   mappings=mappings, thresholds=steps)


def timeseries(title, description, targets, unit, w=12):
    return _common(tsb.Panel(), title, description, unit, targets, w, 8)


def timeline(title, description, expr, legend, mappings=UP_DOWN, unit="short", w=24, h=8):
    p = statetimeline.Panel().show_value(cm.VisibilityMode.NEVER).merge_values(True)
    return _common(p, title, description, unit, [q(expr, legend)], w, h, mappings=mappings)


def table(title, description, expr, hide=("Time", "Value", "__name__"), w=12, h=8, unit="short"):
    organize = dm.DataTransformerConfig(id_val="organize", options={
        "excludeByName": {k: True for k in hide}})
    return _common(tableb.Panel(), title, description, unit, [q(expr, table=True)], w, h,
                   transformations=[organize])


def variable(name, label, query, description):
    return (db.QueryVariable(name).label(label).description(description).datasource(DS)
            .query(query).refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .multi(True).include_all(True).all_value(".*").sort(dm.VariableSort.ALPHABETICAL_ASC))


def dashboard(uid, title, description, panels, tags):
    d = (db.Dashboard(title).uid(uid).description(description).tags(["streamprobe", *tags])
         .readonly().timezone("utc").refresh("30s").time("now-6h", "now")
         .link(db.DashboardLink("Runbooks").type(dm.DashboardLinkType.LINK).url(RUNBOOKS)
               .target_blank(True))
         .with_variable(db.DatasourceVariable("datasource").label("Data source").type("prometheus"))
         .with_variable(variable(
             "namespace", "Namespace", "label_values(streamprobe_build_info, namespace)",
             "Namespace streamprobe is scraped from."))
         .with_variable(variable(
             "job", "Job", 'label_values(streamprobe_build_info{namespace=~"$namespace"}, job)',
             "Scrape job of streamprobe."))
         .with_variable(variable(
             "instance", "Instance",
             'label_values(streamprobe_build_info{namespace=~"$namespace", job=~"$job"}, instance)',
             "streamprobe instance. With an HA pair, pick one: both export the same series."))
         .with_variable(variable(
             "cluster", "Cluster",
             'label_values(streamprobe_probe_success{namespace=~"$namespace", job=~"$job", '
             'instance=~"$instance"}, cluster)',
             "Platform cluster (streamprobe's cluster label).")))
    x = y = row_h = 0
    for i, p in enumerate(panels, start=1):
        pos = p.build().grid_pos
        w, h = pos.w, pos.h
        if x + w > 24:
            x, y, row_h = 0, y + row_h, 0
        d = d.with_panel(p.id(i).grid_pos(dm.GridPos(w=w, h=h, x=x, y=y)))
        x += w
        row_h = max(row_h, h)
    return d


def targets_of(system, label):
    """The usual first row of a backend dashboard: its targets' up/down and reason."""
    sel = f'{C}, system="{system}"'
    return [
        timeline(f"{label} targets up/down",
                 f"streamprobe_probe_success per {label} target: green up, red down. A target "
                 "that is down has exactly one reason in the table on the right.",
                 f"streamprobe_probe_success{{{sel}}}", "{{target}}", w=14),
        table(f"{label} targets failing now, with reason",
              "streamprobe_probe_failure_reason == 1: the reason of each failing target "
              "(dns: the name does not resolve, refused, timeout, auth, not_serving, ...). "
              "Empty when every target is up.",
              f"streamprobe_probe_failure_reason{{{sel}}} == 1", w=10),
    ]


def overview():
    return dashboard(
        "streamprobe-overview", "streamprobe / Overview",
        "Every streamprobe target of the platform at a glance: up/down, the failure reason, "
        "firing alerts, and the exporter's own health.",
        [
            stat("Targets down", "Targets whose latest probe round failed.",
                 f"count(streamprobe_probe_success{{{C}}} == 0) or vector(0)", bad_above=1),
            stat("Targets up", "Targets whose latest probe round succeeded.",
                 f"count(streamprobe_probe_success{{{C}}} == 1) or vector(0)"),
            stat("Firing alerts", "streamprobe alerts firing now for the selected clusters "
                 "(inhibited ones included).",
                 f'count(ALERTS{{alertstate="firing", {C}}}) or vector(0)', bad_above=1),
            stat("Snapshot age", "Age of the snapshot streamprobe serves; it should stay "
                 "below the probe interval.", f"max(streamprobe_snapshot_age_seconds{{{J}}}) and on() "
                 f"count(streamprobe_probe_success{{{C}}}) > 0", unit="s", bad_above=180),
            stat("Config reload", "1 if streamprobe's latest configuration (re)load succeeded.",
                 f"min(streamprobe_config_last_reload_successful{{{J}}}) and on() "
                 f"count(streamprobe_probe_success{{{C}}}) > 0", mappings=NO_YES_BAD),
            stat("Configured targets", "Targets in streamprobe's running configuration.",
                 f"sum(streamprobe_targets{{{J}}}) and on() count(streamprobe_probe_success{{{C}}}) > 0"),
            table("Failing targets and their reason",
                  "Every target failing now with its reason (streamprobe_probe_failure_reason "
                  "== 1). dns: no pod/endpoint behind the name (e.g. ImagePullBackOff); "
                  "refused: nothing listens; timeout; auth; not_serving: answers but unhealthy.",
                  f"streamprobe_probe_failure_reason{{{C}}} == 1", w=12, h=10),
            table("Firing alerts", "Alerts firing now for the selected clusters, with severity. "
                  "Open the runbook of each from its runbook_url annotation.",
                  f'ALERTS{{alertstate="firing", {C}}}',
                  hide=("Time", "Value", "__name__", "alertstate"), w=12, h=10),
            timeline("Every target: up/down", "streamprobe_probe_success of every target over "
                     "time: green up, red down.", f"streamprobe_probe_success{{{C}}}",
                     "{{system}} {{target}}", h=12),
            timeline("Every target: failure reason", "The failure reason of each target over "
                     "time (only failing periods are shown).",
                     f"max by (cluster, system, target, reason) "
                     f"(streamprobe_probe_failure_reason{{{C}}} == 1)",
                     "{{system}} {{target}}: {{reason}}",
                     mappings=[{"type": "value", "options": {"1": {"text": "failing", "color": "red"}}}],
                     h=10),
            timeseries("Probe round duration", "How long each target's latest probe round took "
                       "(bounded by its timeout).",
                       [q(f"streamprobe_probe_duration_seconds{{{C}}}", "{{system}} {{target}}")], "s"),
            timeseries("Time since last success", "Seconds since each target's latest "
                       "successful round (targets that never succeeded are not shown).",
                       [q(f"time() - (streamprobe_probe_last_success_timestamp_seconds{{{C}}} > 0)",
                          "{{system}} {{target}}")], "s"),
            timeseries("Failed rounds by reason", "Rate of failed probe rounds per reason.",
                       [q(f"sum by (system, reason) (rate(streamprobe_probe_failures_total{{{C}}}[{RATE}]))",
                          "{{system}}: {{reason}}")], "ops"),
        ], ["overview"])


def zookeeper():
    return dashboard(
        "streamprobe-zookeeper", "streamprobe / ZooKeeper",
        "ZooKeeper ensemble as streamprobe sees it: members, modes, quorum and leader, "
        "latency, and Kafka's registry znodes.",
        [
            stat("Quorum", "1 if a majority of members serve under exactly one leader.",
                 f"min(streamprobe_zookeeper_ensemble_quorum{{{C}}})", mappings=NO_YES_BAD),
            stat("Leaders", "Members reporting mode leader; healthy is exactly 1.",
                 f"sum(streamprobe_zookeeper_ensemble_leaders{{{C}}})", bad_above=2),
            stat("Members serving", "Members answering and serving requests.",
                 f"sum(streamprobe_zookeeper_ensemble_members_serving{{{C}}})"),
            stat("Members configured", "Members in streamprobe's configuration.",
                 f"sum(streamprobe_zookeeper_ensemble_members_configured{{{C}}})"),
            stat("Zxid spread", "Max minus min zxid among serving members: how far the "
                 "slowest member is behind.", f"max(streamprobe_zookeeper_ensemble_zxid_spread{{{C}}})"),
            stat("Broker ids registered", "Children of /brokers/ids (Kafka brokers registered).",
                 f"count(streamprobe_zookeeper_kafka_broker_registered{{{C}}} == 1) or vector(0)"),
            *targets_of("zookeeper", "ZooKeeper"),
            table("Member modes", "Mode each member reports (leader, follower, observer, "
                  "standalone, read-only, not_serving).",
                  f"streamprobe_zookeeper_mode{{{C}}} == 1"),
            table("Kafka broker registrations", "Broker ids registered under /brokers/ids with "
                  "host, port and owning session (the ephemeral owner).",
                  f"streamprobe_zookeeper_kafka_broker_registration_info{{{C}}}"),
            timeseries("Average latency", "Average request latency per member.",
                       [q(f"streamprobe_zookeeper_latency_average_seconds{{{C}}}", "{{member}}")], "s"),
            timeseries("Outstanding requests", "Requests queued per member.",
                       [q(f"streamprobe_zookeeper_outstanding_requests{{{C}}}", "{{member}}")], "short"),
            timeseries("Alive connections", "Client connections per member.",
                       [q(f"streamprobe_zookeeper_alive_connections{{{C}}}", "{{member}}")], "short"),
            stat("Kafka controller", "Broker id in /controller (the Kafka controller in "
                 "ZooKeeper mode).", f"max(streamprobe_zookeeper_kafka_controller_broker_id{{{C}}})"),
            stat("Kafka controller present", "1 when /controller exists.",
                 f"min(streamprobe_zookeeper_kafka_controller_present{{{C}}})", mappings=NO_YES_BAD),
            stat("Pending topic deletions", "Children of /admin/delete_topics.",
                 f"sum(streamprobe_zookeeper_kafka_pending_topic_deletions{{{C}}})"),
            stat("ISR change backlog", "Children of /isr_change_notification.",
                 f"sum(streamprobe_zookeeper_kafka_isr_change_notifications{{{C}}})"),
            table("Znode checks", "Configured znode checks: 1 = passed.",
                  f"streamprobe_zookeeper_znode_check_passed{{{C}}}", hide=("Time", "__name__"),
                  w=8, h=4),
            timeseries("Znodes", "Znode count per member.",
                       [q(f"streamprobe_zookeeper_znodes{{{C}}}", "{{member}}")], "short"),
        ], ["zookeeper"])


def kafka():
    return dashboard(
        "streamprobe-kafka", "streamprobe / Kafka",
        "Kafka cluster as streamprobe sees it: registration truth per broker id (expected x "
        "ZooKeeper x metadata x endpoint), partitions, consumer lag, canary, KRaft controller quorum.",
        [
            stat("Brokers in metadata", "Brokers listed in the cluster metadata.",
                 f"sum(streamprobe_kafka_metadata_brokers{{{C}}})"),
            stat("Offline partitions", "Partitions without a leader.",
                 f"sum(streamprobe_kafka_partitions_offline{{{C}}})", bad_above=1),
            stat("Under-min-ISR partitions", "Partitions where acks=all produce fails.",
                 f"sum(streamprobe_kafka_partitions_under_min_isr{{{C}}})", bad_above=1),
            stat("Under-replicated partitions", "Partitions whose ISR is smaller than the "
                 "replica set.", f"sum(streamprobe_kafka_partitions_under_replicated{{{C}}})",
                 bad_above=1),
            stat("Broker ids not ok", "Broker ids in any registration state other than ok.",
                 f'sum(streamprobe_kafka_brokers_by_registration_state{{{C}, state!="ok"}})',
                 bad_above=1),
            stat("ZooKeeper registry read", "1 if this round read /brokers/ids from ZooKeeper "
                 "(ZooKeeper mode only).",
                 f"min(streamprobe_kafka_zookeeper_registry_success{{{C}}})", mappings=NO_YES_BAD),
            *targets_of("kafka", "Kafka"),
            table("Registration state per broker id",
                  "ok, missing (expected, not registered), stale (registered, endpoint dead: "
                  "expires within the ZooKeeper session timeout; wait), host_mismatch "
                  "(registered live by another host: do NOT delete the znode), unexpected, "
                  "metadata_disagreement, unreachable.",
                  f"streamprobe_kafka_broker_registration_state{{{C}}} == 1"),
            table("Registered endpoint vs expected host",
                  "The host/port each broker id registered in ZooKeeper with, next to the "
                  "host expected for it.", f"streamprobe_kafka_broker_registration_info{{{C}}}"),
            timeline("Registration problems over time", "Broker ids in a state other than "
                     "ok, over time (a crash loop shows as missing/host_mismatch/stale bands).",
                     f'streamprobe_kafka_broker_registration_state{{{C}, state!="ok"}} == 1',
                     "broker {{broker_id}}: {{state}}",
                     mappings=[{"type": "value", "options": {"1": {"text": "yes", "color": "red"}}}]),
            timeline("Broker endpoint reachable", "1 if the broker's registered (else "
                     "advertised) endpoint answered ApiVersions.",
                     f"streamprobe_kafka_broker_reachable{{{C}}}", "broker {{broker_id}}"),
            timeseries("Registration age", "Seconds since each broker registered in ZooKeeper "
                       "(resets when a broker restarts).",
                       [q(f"streamprobe_kafka_broker_registration_age_seconds{{{C}}}",
                          "broker {{broker_id}}")], "s"),
            timeseries("Partition health", "Offline, under-min-ISR, under-replicated and "
                       "at-min-ISR partitions.",
                       [q(f"sum(streamprobe_kafka_partitions_offline{{{C}}})", "offline"),
                        q(f"sum(streamprobe_kafka_partitions_under_min_isr{{{C}}})", "under min ISR"),
                        q(f"sum(streamprobe_kafka_partitions_under_replicated{{{C}}})", "under-replicated"),
                        q(f"sum(streamprobe_kafka_partitions_at_min_isr{{{C}}})", "at min ISR")],
                       "short"),
            timeseries("Leader partitions per broker", "Partitions each broker leads.",
                       [q(f"streamprobe_kafka_broker_leader_partitions{{{C}}}",
                          "broker {{broker_id}}")], "short"),
            timeseries("Consumer group lag (time)", "Estimated age of the oldest unconsumed "
                       "message per group (top 10).",
                       [q(f"topk(10, streamprobe_kafka_consumer_group_lag_seconds{{{C}}})",
                          "{{group}}")], "s"),
            timeseries("Consumer group lag (messages)", "Log-end offset minus committed offset "
                       "per group (top 10), as kafka-consumer-groups --describe prints.",
                       [q(f"topk(10, streamprobe_kafka_consumer_group_lag{{{C}}})", "{{group}}")],
                       "short"),
            timeseries("Canary round trip p99", "99th percentile of the canary's produce "
                       "(acks=all) to read-back time.",
                       [q(f"histogram_quantile(0.99, sum by (le) (rate("
                          f"streamprobe_kafka_canary_round_trip_seconds_bucket{{{C}}}[{RATE}])))", "p99")],
                       "s"),
            stat("KRaft quorum", "1 when a controller answers DescribeQuorum as leader, a majority "
                 "of voters is caught up with it and its high watermark advances (kafka.kraft).",
                 f"min(streamprobe_kafka_kraft_quorum{{{C}}})", mappings=NO_YES_BAD),
            stat("KRaft voters caught up", "Voters that fetched up to the leader's log end within "
                 "the last 10 s, the leader included.",
                 f"sum(streamprobe_kafka_kraft_quorum_voters_caught_up{{{C}}})"),
            stat("KRaft voters", "Voters of the quorum as the leader reports them (the configured "
                 "controllers while no leader answers).",
                 f"sum(streamprobe_kafka_kraft_quorum_voters{{{C}}})"),
            stat("KRaft leader", "Node id of the controller that leads the quorum; -1 none.",
                 f"max(streamprobe_kafka_kraft_quorum_leader_id{{{C}}})"),
            *targets_of("kafka_kraft", "KRaft controller"),
            timeseries("KRaft voter lag", "Leader's high watermark minus each voter's log end "
                       "offset, in records (the leader commits a NoOp record every 500 ms).",
                       [q(f"streamprobe_kafka_kraft_quorum_voter_lag_records{{{C}}}", "voter {{voter_id}}")],
                       "short"),
            timeseries("KRaft commit age", "Seconds since streamprobe last saw the leader's high "
                       "watermark advance; over 30 s the quorum counts as lost.",
                       [q(f"streamprobe_kafka_kraft_quorum_commit_age_seconds{{{C}}}", "commit age")], "s"),
        ], ["kafka"])


def kafka_connect():
    return dashboard(
        "streamprobe-kafka-connect", "streamprobe / Kafka Connect",
        "Kafka Connect workers, connectors and tasks as streamprobe sees them (read-only).",
        [
            stat("Connectors", "Connectors listed by the cluster.",
                 f"sum(streamprobe_kafka_connect_connectors{{{C}}})"),
            stat("Failed tasks", "Tasks in state FAILED.",
                 f"sum(streamprobe_kafka_connect_failed_tasks{{{C}}})", bad_above=1),
            stat("Declared connectors missing", "Connectors in expected_connectors that the "
                 "cluster does not list.",
                 f"sum(streamprobe_kafka_connect_connector_missing{{{C}}})", bad_above=1),
            stat("Plugins missing", "Expected plugin classes not installed.",
                 f"sum(streamprobe_kafka_connect_plugin_missing{{{C}}})", bad_above=1),
            stat("Workers on another Kafka", "Workers whose kafka_cluster_id differs from the "
                 "Kafka cluster streamprobe probes.",
                 f"count(streamprobe_kafka_connect_worker_kafka_cluster_match{{{C}}} == 0) or vector(0)",
                 bad_above=1),
            stat("Workers up", "Workers answering HTTP.",
                 f"sum(streamprobe_kafka_connect_worker_up{{{C}}})"),
            *targets_of("kafka_connect", "Connect"),
            table("Worker health", "State from GET /health (unknown before Kafka 3.9).",
                  f"streamprobe_kafka_connect_worker_health{{{C}}} == 1"),
            table("Workers and their Kafka cluster", "Version, commit and kafka_cluster_id of "
                  "each worker.", f"streamprobe_kafka_connect_worker_info{{{C}}}"),
            table("Connector states", "State of each connector (RUNNING, PAUSED, STOPPED, "
                  "FAILED, UNASSIGNED, RESTARTING).",
                  f"streamprobe_kafka_connect_connector_state{{{C}}} == 1"),
            table("Tasks not RUNNING", "Every task in a state other than RUNNING.",
                  f'streamprobe_kafka_connect_task_state{{{C}, state!="RUNNING"}} == 1'),
            table("Declared connectors", "1 = missing: declared in expected_connectors but not "
                  "listed by the cluster.", f"streamprobe_kafka_connect_connector_missing{{{C}}}",
                  hide=("Time", "__name__")),
            timeseries("Failed tasks per connector", "Tasks in state FAILED per connector.",
                       [q(f"streamprobe_kafka_connect_connector_failed_tasks{{{C}}}",
                          "{{connector}}")], "short"),
        ], ["kafka_connect"])


def schema_registry():
    return dashboard(
        "streamprobe-schema-registry", "streamprobe / Schema Registry",
        "Schema Registry instances: up, mode, compatibility, subjects.",
        [
            stat("Registries up", "Instances whose GET / answered a JSON object.",
                 f"sum(streamprobe_schema_registry_up{{{C}}})"),
            stat("Subjects", "Live subjects (max over instances).",
                 f"max(streamprobe_schema_registry_subjects{{{C}}})"),
            *targets_of("schema_registry", "Schema Registry"),
            table("Mode", "Global mode (READWRITE, READONLY, READONLY_OVERRIDE, IMPORT).",
                  f"streamprobe_schema_registry_mode{{{C}}} == 1"),
            table("Compatibility", "Global compatibility level.",
                  f"streamprobe_schema_registry_compatibility{{{C}}} == 1"),
            table("Error bodies", "Endpoints that answered a Schema Registry error body, with "
                  "its error_code.", f"streamprobe_schema_registry_error_info{{{C}}}"),
            timeseries("Subjects", "Live subjects per instance.",
                       [q(f"streamprobe_schema_registry_subjects{{{C}}}", "{{registry}}")], "short"),
        ], ["schema_registry"])


def doris():
    return dashboard(
        "streamprobe-doris", "streamprobe / Apache Doris",
        "Doris FEs and BEs: each expected node's liveness with the reason, and the cluster "
        "as its master lists it.",
        [
            stat("Masters", "FEs listed IsMaster=true; healthy is exactly 1.",
                 f"sum(streamprobe_doris_cluster_masters{{{C}}})"),
            stat("Followers alive", "FOLLOWER FEs listed alive.",
                 f"sum(streamprobe_doris_cluster_followers_alive{{{C}}})"),
            stat("Follower quorum", "Alive followers needed for a metadata majority.",
                 f"sum(streamprobe_doris_cluster_follower_quorum{{{C}}})"),
            stat("BEs alive", "BEs listed alive.", f"sum(streamprobe_doris_cluster_backends_alive{{{C}}})"),
            stat("BEs expected", "BEs declared in streamprobe's configuration.",
                 f"sum(streamprobe_doris_cluster_backends_expected{{{C}}})"),
            stat("Journal id spread", "Max minus min replayed journal id over alive FEs.",
                 f"max(streamprobe_doris_cluster_journal_id_spread{{{C}}})", bad_above=10000),
            *targets_of("doris", "Doris"),
            table("Frontends", "Expected and listed FEs: 1 = present in the cluster listing.",
                  f"streamprobe_doris_frontend_present_in_cluster{{{C}}}", hide=("Time", "__name__")),
            table("Backends", "Expected and listed BEs: 1 = present in the cluster listing.",
                  f"streamprobe_doris_backend_present_in_cluster{{{C}}}", hide=("Time", "__name__")),
            timeline("BE alive (master's view)", "Alive flag of each BE as the master lists it.",
                     f"streamprobe_doris_backend_alive{{{C}}}", "{{backend}}", w=12),
            timeline("FE alive (master's view)", "Alive flag of each FE as the master lists it.",
                     f"streamprobe_doris_frontend_alive{{{C}}}", "{{frontend}}", w=12),
            timeseries("BE fullest disk used", "Used share of each BE's fullest data disk; "
                       "loading stops at storage_flood_stage_usage_percent (90 % default).",
                       [q(f"streamprobe_doris_backend_max_disk_used_ratio{{{C}}}", "{{backend}}")],
                       "percentunit"),
            timeseries("Heartbeat age", "Seconds since each node's last heartbeat.",
                       [q(f"streamprobe_doris_backend_heartbeat_age_seconds{{{C}}}", "BE {{backend}}"),
                        q(f"streamprobe_doris_frontend_heartbeat_age_seconds{{{C}}}", "FE {{frontend}}")],
                       "s"),
            timeseries("Tablets per BE", "TabletNum of each BE.",
                       [q(f"streamprobe_doris_backend_tablets{{{C}}}", "{{backend}}")], "short"),
            timeseries("SQL query values", "Numbers returned by the configured SQL queries "
                       "(e.g. freshness in seconds).",
                       [q(f"streamprobe_doris_sql_query_value{{{C}}}", "{{query}}")], "short"),
            timeseries("SQL query duration", "Time each configured SQL query took.",
                       [q(f"streamprobe_doris_sql_query_duration_seconds{{{C}}}", "{{query}}")], "s"),
        ], ["doris"])


def flink():
    return dashboard(
        "streamprobe-flink", "streamprobe / Apache Flink",
        "Flink JobManager, declared jobs, restarts and checkpoints.",
        [
            stat("TaskManagers", "TaskManagers registered with the JobManager.",
                 f"sum(streamprobe_flink_taskmanagers{{{C}}})"),
            stat("Slots available", "Free task slots of all slots.",
                 f"sum(streamprobe_flink_slots_available{{{C}}})"),
            stat("Slots", "Task slots in the cluster.", f"sum(streamprobe_flink_slots{{{C}}})"),
            stat("Declared jobs missing", "Jobs in expected_jobs the JobManager does not list.",
                 f"count(streamprobe_flink_job_expected{{{C}}} == 1 and "
                 f"streamprobe_flink_job_present{{{C}}} == 0) or vector(0)", bad_above=1),
            stat("Stale checkpoints", "Jobs whose latest completed checkpoint is older than "
                 "checkpoint_stale_after.",
                 f"count(streamprobe_flink_job_checkpoint_stale{{{C}}} == 1) or vector(0)",
                 bad_above=1),
            stat("Jobs running", "Jobs in state RUNNING.",
                 f'sum(streamprobe_flink_jobs{{{C}, state="RUNNING"}})'),
            *targets_of("flink", "Flink"),
            table("Job states", "State of every declared job and every live job "
                  "(label flink_job = Flink job name).", f"streamprobe_flink_job_state{{{C}}} == 1"),
            table("Flink version", "Version and commit of the JobManager.",
                  f"streamprobe_flink_info{{{C}}}"),
            timeline("Declared jobs RUNNING", "1 (green) while a job is RUNNING, 0 (red) in "
                     "any other state.", f'streamprobe_flink_job_state{{{C}, state="RUNNING"}}',
                     "{{flink_job}}", mappings=NO_YES_BAD),
            timeseries("Last checkpoint age", "Seconds since each job's latest completed "
                       "checkpoint was acknowledged.",
                       [q(f"streamprobe_flink_job_last_checkpoint_age_seconds{{{C}}}", "{{flink_job}}")], "s"),
            timeseries("Restarts (10 min)", "Job restarts over the last 10 minutes.",
                       [q(f"increase(streamprobe_flink_job_restarts_total{{{C}}}[10m])", "{{flink_job}}")],
                       "short"),
            timeseries("Failed checkpoints (10 min)", "Failed checkpoints over the last 10 minutes.",
                       [q(f"increase(streamprobe_flink_job_checkpoints_failed_total{{{C}}}[10m])",
                          "{{flink_job}}")], "short"),
            timeseries("Jobs by state", "Jobs listed by the JobManager per state.",
                       [q(f"streamprobe_flink_jobs{{{C}}} > 0", "{{state}}")], "short"),
        ], ["flink"])


DASHBOARDS = {
    "overview.json": overview,
    "zookeeper.json": zookeeper,
    "kafka.json": kafka,
    "kafka_connect.json": kafka_connect,
    "schema_registry.json": schema_registry,
    "doris.json": doris,
    "flink.json": flink,
}


def render(build):
    return json.dumps(build().build(), cls=JSONEncoder, indent=2, sort_keys=False) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for name, build in DASHBOARDS.items():
        path = HERE / name
        text = render(build)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("out of date (run dashboards/generate.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
