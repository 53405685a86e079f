"""Alerting artefacts: rules, their unit tests, runbooks, Alertmanager routing and
inhibition, dashboards, and their agreement with the metric names in src/.

Run: /usr/bin/python3 -m pytest -q tests/rules/test_rules.py
Needs promtool (Debian package prometheus) and amtool + prometheus-alertmanager
(package prometheus-alertmanager). Nothing here needs a build of streamprobe.
"""
import functools
import json
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
RULE_TESTS = RULES / "tests"
RUNBOOKS = ROOT / "docs" / "runbooks"
DASHBOARDS = ROOT / "dashboards"
ALERTMANAGER_YML = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
SRC = ROOT / "src"

RUNBOOK_BASE = "https://github.com/streamprobe/streamprobe/blob/main/docs/runbooks/"
SEVERITIES = {"critical", "warning", "info", "none"}  # none: StreamprobeWatchdog only
# rules/<file>.rules.yml -> the prefix every alert in it carries.
PREFIX_OF_FILE = {
    "streamprobe": "Streamprobe",
    "zookeeper": "Zookeeper",
    "kafka": "Kafka",
    "kafka_connect": "KafkaConnect",
    "schema_registry": "SchemaRegistry",
    "doris": "Doris",
    "flink": "Flink",
    "kubernetes": "Kubernetes",  # optional, on kube-state-metrics series
}
# Labels that come from Prometheus or the engine rather than a backend.
STANDARD_LABELS = {"cluster", "system", "target", "reason", "job", "instance", "namespace", "alertname",
                   "severity", "__name__", "le", "alertstate"}
# kubernetes.rules.yml reads kube-state-metrics, not streamprobe: its labels are the
# ones kube-state-metrics documents for the series it uses (docs/metrics/workload/
# pod-metrics.md, statefulset-metrics.md, deployment-metrics.md, docs/metrics/storage/
# persistentvolumeclaim-metrics.md) plus `workload`, which its recording rule derives.
KUBE_STATE_METRICS_LABELS = {"pod", "container", "uid", "image", "image_spec", "phase", "created_by_kind",
                             "created_by_name", "statefulset", "deployment", "persistentvolumeclaim",
                             "storageclass", "volume", "workload"}
RUNBOOK_SECTIONS = ["## Meaning", "## Impact", "## Diagnosis", "## Mitigation"]


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} not installed")
    return path


def rule_files():
    return sorted(RULES.glob("*.rules.yml"))


@functools.lru_cache(maxsize=None)
def alerting_rules():
    """[(file stem, rule dict)] for every alerting rule."""
    out = []
    for path in rule_files():
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    out.append((path.name.removesuffix(".rules.yml"), rule))
    return tuple(out)


def alert_names():
    return {rule["alert"] for _, rule in alerting_rules()}


@functools.lru_cache(maxsize=None)
def rule_test_cases():
    """{alertname: [exp_alerts lists]} over every rules/tests/*.test.yml."""
    cases = {}
    for path in sorted(RULE_TESTS.glob("*.test.yml")):
        for test in yaml.safe_load(path.read_text())["tests"]:
            for case in test.get("alert_rule_test", []):
                cases.setdefault(case["alertname"], []).append(case.get("exp_alerts") or [])
    return cases


# --- promtool / amtool -----------------------------------------------------------

def test_one_rules_file_per_component():
    assert {p.name.removesuffix(".rules.yml") for p in rule_files()} == set(PREFIX_OF_FILE)


def test_promtool_check_rules():
    out = subprocess.run([tool("promtool"), "check", "rules", *map(str, rule_files())],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_promtool_test_rules():
    tests = sorted(RULE_TESTS.glob("*.test.yml"))
    assert {p.name.removesuffix(".test.yml") for p in tests} == set(PREFIX_OF_FILE)
    out = subprocess.run([tool("promtool"), "test", "rules", *map(str, tests)],
                         capture_output=True, text=True, timeout=120, cwd=RULE_TESTS)
    assert out.returncode == 0, out.stdout + out.stderr


def test_amtool_check_config():
    out = subprocess.run([tool("amtool"), "check-config", str(ALERTMANAGER_YML)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("severity,receiver", [("critical", "pager"), ("warning", "team-chat"),
                                               ("info", "ticket-queue"), ("none", "deadmans-switch")])
def test_routes_by_severity(severity, receiver):
    out = subprocess.run([tool("amtool"), "config", "routes", "test",
                          f"--config.file={ALERTMANAGER_YML}", f"severity={severity}",
                          "alertname=X", "cluster=c"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == receiver


# --- rule conventions ------------------------------------------------------------

@pytest.mark.parametrize("stem,rule", alerting_rules(), ids=lambda r: r if isinstance(r, str) else r["alert"])
def test_alert_conventions(stem, rule):
    name = rule["alert"]
    assert re.fullmatch(r"(?:[A-Z][a-z0-9]+)+", name), f"{name}: not CamelCase"
    prefix = PREFIX_OF_FILE[stem]
    assert name.startswith(prefix), f"{name} lives in {stem}.rules.yml but lacks prefix {prefix}"
    if prefix == "Kafka":
        assert not name.startswith("KafkaConnect"), f"{name} belongs in kafka_connect.rules.yml"
    assert rule["labels"]["severity"] in SEVERITIES
    assert "for" in rule, f"{name}: no for: duration"
    ann = rule["annotations"]
    assert ann.get("summary") and ann.get("description")
    assert ann["runbook_url"] == f"{RUNBOOK_BASE}{name}.md"


def test_alert_names_unique():
    names = [rule["alert"] for _, rule in alerting_rules()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", sorted(alert_names()))
def test_every_alert_tested_not_yet_and_now(name):
    cases = rule_test_cases().get(name)
    assert cases, f"no promtool test names {name}"
    rule = next(r for _, r in alerting_rules() if r["alert"] == name)
    if rule["for"] != "0s":  # an always-firing watchdog has no "not yet"
        assert any(not exp for exp in cases), f"{name}: no 'not yet' case (exp_alerts: [])"
    firing = [a for exp in cases for a in exp]
    assert firing, f"{name}: no 'now' case"
    for alert in firing:
        assert alert["exp_labels"].get("severity") in SEVERITIES
        ann = alert.get("exp_annotations", {})
        assert set(ann) >= {"summary", "description", "runbook_url"}, f"{name}: inexact annotations"
        assert ann["runbook_url"] == f"{RUNBOOK_BASE}{name}.md"


# --- runbooks --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(alert_names()))
def test_every_alert_has_a_runbook(name):
    path = RUNBOOKS / f"{name}.md"
    assert path.exists(), f"missing {path.relative_to(ROOT)}"
    text = path.read_text()
    assert text.startswith(f"# {name}\n")
    positions = [text.find(s) for s in RUNBOOK_SECTIONS]
    assert all(p >= 0 for p in positions), f"{name}: needs sections {RUNBOOK_SECTIONS}"
    assert positions == sorted(positions), f"{name}: sections out of order"
    diagnosis = text[positions[2]:positions[3]]
    assert "```" in diagnosis, f"{name}: Diagnosis has no commands"
    rule = next(r for _, r in alerting_rules() if r["alert"] == name)
    assert rule["expr"].strip() in text, f"{name}: runbook shows an outdated expression"


def test_no_orphan_runbooks():
    orphans = {p.stem for p in RUNBOOKS.glob("*.md")} - alert_names() - {"README"}
    assert not orphans


# --- metric and label names against the code ----------------------------------

@functools.lru_cache(maxsize=None)
def source_literals():
    """{file: [string literals]} for src/**/*.cpp|h."""
    out = {}
    for path in sorted(SRC.rglob("*")):
        if path.suffix in (".cpp", ".h", ".hpp", ".cc"):
            out[path] = re.findall(r'"((?:[^"\\\n]|\\.)*)"', path.read_text(errors="replace"))
    return out


def source_metric_names():
    """Every metric name the code can emit, as far as literals tell.

    Whole names anywhere in a literal (also inside a HELP line written by hand),
    plus names composed in one file from a prefix literal ending in "_" and one or
    two fragment literals (e.g. "streamprobe_kafka_connect_" + "worker_up",
    "streamprobe_doris_" + "frontend" + "_expected")."""
    names = set()
    for literals in source_literals().values():
        prefixes, fragments = set(), set()
        for lit in literals:
            names.update(re.findall(r"streamprobe_[a-z0-9_]*[a-z0-9]", lit))
            if re.fullmatch(r"streamprobe_[a-z0-9_]*_", lit):
                prefixes.add(lit)
            elif re.fullmatch(r"_?[a-z][a-z0-9_]*", lit):
                fragments.add(lit)
        for p in prefixes:
            for a in fragments:
                if not a.startswith("_"):
                    names.add(p + a)
                    names.update(p + a + b for b in fragments if b.startswith("_"))
    return names


def source_label_names():
    return {lit for literals in source_literals().values() for lit in literals
            if re.fullmatch(r"[a-z_][a-z0-9_]*", lit)}


def used_metric_names(text):
    names = set()
    for name in re.findall(r"streamprobe_[a-z0-9_]*[a-z0-9]", text):
        names.add(re.sub(r"_(bucket|count|sum)$", "", name) if re.search(
            r"_(bucket|count|sum)$", name) and "seconds" in name else name)
    return names


def rule_texts():
    for _, rule in alerting_rules():
        yield rule["alert"], rule["expr"] + "\n" + "\n".join(rule["annotations"].values())


def dashboard_exprs():
    for path in sorted(DASHBOARDS.glob("*.json")):
        dash = json.loads(path.read_text())
        for panel in dash["panels"]:
            for t in panel.get("targets", []):
                yield f"{path.name}:{panel.get('title')}", t.get("expr", "")
        for var in dash.get("templating", {}).get("list", []):
            q = var.get("query")
            if isinstance(q, dict):
                q = q.get("query", "")
            if isinstance(q, str) and "streamprobe_" in q:
                yield f"{path.name}:${var['name']}", q


def test_every_metric_in_rules_and_dashboards_exists_in_source():
    known = source_metric_names()
    missing = {}
    for where, text in [*rule_texts(), *dashboard_exprs()]:
        for name in used_metric_names(text) - known:
            missing.setdefault(name, []).append(where)
    assert not missing, f"metric names not found in src/: {json.dumps(missing, indent=1)}"


def used_label_names(text):
    labels = set(re.findall(r"[{,]\s*([a-z_][a-z0-9_]*)\s*(?:=~|!~|!=|=)", text))
    for group in re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", text):
        labels.update(x.strip() for x in group.split(",") if x.strip())
    labels.update(re.findall(r"\$labels\.([a-z_][a-z0-9_]*)", text))
    labels.update(re.findall(r"\.Labels\.([a-z_][a-z0-9_]*)", text))
    labels.update(re.findall(r"legendFormat\W+\{\{\s*([a-z_][a-z0-9_]*)", text))
    return labels


def dashboard_legends():
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for t in panel.get("targets", []):
                labels = re.findall(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}", t.get("legendFormat", ""))
                yield f"{path.name}:{panel.get('title')} legend", " ".join(f"$labels.{x}" for x in labels)


def test_every_label_in_rules_exists_in_source():
    known = source_label_names() | STANDARD_LABELS
    kubernetes = {rule["alert"] for stem, rule in alerting_rules() if stem == "kubernetes"}
    missing = {}
    for where, text in [*rule_texts(), *dashboard_exprs(), *dashboard_legends()]:
        for label in used_label_names(text) - known - (KUBE_STATE_METRICS_LABELS if where in kubernetes else set()):
            missing.setdefault(label, []).append(where)
    assert not missing, f"label names not found as literals in src/: {missing}"


# --- dashboards ------------------------------------------------------------------

def dashboards():
    return sorted(DASHBOARDS.glob("*.json"))


def test_one_dashboard_per_component_plus_overview():
    assert {p.stem for p in dashboards()} == set(PREFIX_OF_FILE) - {"streamprobe", "kubernetes"} | {"overview"}


def test_dashboard_generator_is_in_sync():
    gen = DASHBOARDS / "generate.py"
    out = subprocess.run(["/usr/bin/python3", str(gen), "--check"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dashboard_uids_unique():
    uids = [json.loads(p.read_text())["uid"] for p in dashboards()]
    assert len(uids) == len(set(uids)) and all(uids)


@pytest.mark.parametrize("path", dashboards(), ids=lambda p: p.name)
def test_dashboard_panels(path):
    dash = json.loads(path.read_text())
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert variables["cluster"]["datasource"]["uid"] == "${datasource}"
    assert variables["namespace"]["datasource"]["uid"] == "${datasource}"
    assert dash["panels"], "no panels"
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dash["panels"]:
        title = panel.get("title")
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, title
        assert panel.get("description"), f"{title}: no description"
        assert panel["fieldConfig"]["defaults"].get("unit"), f"{title}: no unit"
        for t in panel["targets"]:
            assert t["datasource"]["uid"] == "${datasource}", title
            assert "$cluster" in t["expr"], f"{title}: query ignores $cluster"
            assert "$namespace" in t["expr"], f"{title}: query ignores $namespace"


def test_dashboard_queries_parse(tmp_path):
    """Every panel query is valid PromQL: promtool checks them as recording rules."""
    rules = [{"record": f"dashboard_query_{i}",
              "expr": expr.replace("$cluster", ".*").replace("$namespace", ".*")
                          .replace("$__rate_interval", "1m")}  # Grafana's rate range
             for i, (_, expr) in enumerate(dashboard_exprs()) if not expr.startswith("label_values(")]
    path = tmp_path / "dashboard_queries.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    out = subprocess.run([tool("promtool"), "check", "rules", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_overview_shows_every_target_reason():
    dash = json.loads((DASHBOARDS / "overview.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    assert any("streamprobe_probe_failure_reason" in e and "== 1" in e for e in exprs)


# --- Alertmanager inhibition, against a real Alertmanager ----------------------

def inhibit_rule_alertnames():
    config = yaml.safe_load(ALERTMANAGER_YML.read_text())
    names = set()
    for rule in config["inhibit_rules"]:
        for m in rule.get("source_matchers", []) + rule.get("target_matchers", []):
            match = re.fullmatch(r'alertname\s*=~?\s*"([^"]*)"', m)
            if match:
                names.update(match.group(1).split("|"))
    return names


def test_inhibit_rules_name_existing_alerts():
    assert not inhibit_rule_alertnames() - alert_names()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        text = resp.read().decode()
        return json.loads(text) if text else None


@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory):
    binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if not binary:
        pytest.skip("prometheus-alertmanager not installed")
    tmp = tmp_path_factory.mktemp("alertmanager")
    config = yaml.safe_load(ALERTMANAGER_YML.read_text())
    # Same routes and inhibitions; receivers point at a closed local port so no
    # notification leaves the machine.
    dead = f"http://127.0.0.1:{free_port()}/"
    for receiver in config["receivers"]:
        for hook in receiver.get("webhook_configs", []):
            hook["url"] = dead
    (tmp / "alertmanager.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    proc = subprocess.Popen(
        [binary, f"--config.file={tmp / 'alertmanager.yml'}", f"--storage.path={tmp / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=open(tmp / "alertmanager.log", "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(f"{url}/-/ready", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("alertmanager did not start: " + (tmp / "alertmanager.log").read_text())
            time.sleep(0.1)
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def post_alerts(url, alerts):
    now = datetime.now(timezone.utc)
    body = [{"labels": labels, "annotations": {"summary": "test"},
             "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat()}
            for labels in alerts]
    http_json(f"{url}/api/v2/alerts", body)


def states(url, cluster, expected):
    """{alertname+target: state} for one cluster, once it matches `expected` or after 10 s."""
    deadline = time.monotonic() + 10
    while True:
        got = {}
        for a in http_json(f"{url}/api/v2/alerts?filter=cluster%3D%22{cluster}%22"):
            key = a["labels"]["alertname"] + (f"/{a['labels']['target']}" if "target" in a["labels"] else "")
            got[key] = a["status"]["state"]
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def A(name, severity="critical", **labels):
    return {"alertname": name, "severity": severity, **labels}


# Each scenario uses its own cluster label, so scenarios cannot inhibit each other.
SCENARIOS = {
    "zk-quorum-lost": (
        [A("ZookeeperQuorumLost"), A("ZookeeperMemberDown", "warning", target="zk-0:2181", reason="refused"),
         A("KafkaExpectedBrokerMissing", broker_id="1"), A("KafkaBrokerIdRegisteredByForeignHost", broker_id="2"),
         A("KafkaUnderReplicatedPartitions", "warning"), A("FlinkJobNotRunning", flink_job="orders")],
        {"ZookeeperQuorumLost": "active", "ZookeeperMemberDown/zk-0:2181": "suppressed",
         "KafkaExpectedBrokerMissing": "suppressed", "KafkaBrokerIdRegisteredByForeignHost": "suppressed",
         "KafkaUnderReplicatedPartitions": "suppressed", "FlinkJobNotRunning": "active"}),
    "incident-kafka-1": (  # the report's first incident, ZooKeeper healthy: pages
        [A("KafkaBrokerIdRegisteredByForeignHost", broker_id="1"),
         A("KafkaUnderReplicatedPartitions", "warning")],
        {"KafkaBrokerIdRegisteredByForeignHost": "active", "KafkaUnderReplicatedPartitions": "suppressed"}),
    "broker-down": (  # under-replication follows from the broker; unavailable data pages
        [A("KafkaBrokerRegistrationStale", "warning", broker_id="3"),
         A("KafkaUnderReplicatedPartitions", "warning"), A("KafkaOfflinePartitions"),
         A("KafkaUnderMinIsrPartitions")],
        {"KafkaBrokerRegistrationStale": "active", "KafkaUnderReplicatedPartitions": "suppressed",
         "KafkaOfflinePartitions": "active", "KafkaUnderMinIsrPartitions": "active"}),
    "kraft-quorum-lost": (  # broker and partition symptoms follow from the metadata quorum
        [A("KafkaKraftQuorumLost"), A("KafkaKraftQuorumAtRisk", "warning"),
         A("KafkaUnderReplicatedPartitions", "warning"), A("KafkaCanaryFailing", "warning"),
         A("KafkaExpectedBrokerMissing", broker_id="101"),
         A("KafkaConsumerGroupLagHigh", "warning", group="g")],
        {"KafkaKraftQuorumLost": "active", "KafkaKraftQuorumAtRisk": "suppressed",
         "KafkaUnderReplicatedPartitions": "suppressed", "KafkaCanaryFailing": "suppressed",
         "KafkaExpectedBrokerMissing": "suppressed", "KafkaConsumerGroupLagHigh": "active"}),
    "kraft-at-risk": (  # one controller down: a warning, nothing inhibited by it
        [A("KafkaKraftQuorumAtRisk", "warning"), A("KafkaUnderReplicatedPartitions", "warning")],
        {"KafkaKraftQuorumAtRisk": "active", "KafkaUnderReplicatedPartitions": "active"}),
    "kafka-down": (  # the report's third incident: Connect waiting for Kafka
        [A("KafkaClusterUnreachable", target="kafka-0:9092", reason="refused"),
         A("KafkaConnectWorkerDown", "warning", target="http://connect-0:8083", reason="not_serving"),
         A("KafkaConnectClusterUnavailable", target="connectors", reason="not_serving"),
         A("SchemaRegistryDown", target="http://sr:8081", reason="not_serving"),
         A("KafkaConsumerGroupLagHigh", "warning", group="g")],
        {"KafkaClusterUnreachable/kafka-0:9092": "active",
         "KafkaConnectWorkerDown/http://connect-0:8083": "suppressed",
         "KafkaConnectClusterUnavailable/connectors": "suppressed",
         "SchemaRegistryDown/http://sr:8081": "suppressed", "KafkaConsumerGroupLagHigh": "suppressed"}),
    "zk-kafka-connect-chain": (
        [A("ZookeeperQuorumLost"), A("KafkaClusterUnreachable", target="k:9092", reason="timeout"),
         A("KafkaConnectTaskFailed", connector="s3-sink", task="0")],
        {"ZookeeperQuorumLost": "active", "KafkaClusterUnreachable/k:9092": "active",
         "KafkaConnectTaskFailed": "suppressed"}),
    "schema-registry-down": (
        [A("SchemaRegistryDown", target="http://sr:8081", reason="refused"),
         A("KafkaConnectTaskFailed", connector="jdbc-sink", task="0"),
         A("KafkaConnectDeclaredConnectorMissing", "warning", connector="s3-sink")],
        {"SchemaRegistryDown/http://sr:8081": "active", "KafkaConnectTaskFailed": "suppressed",
         "KafkaConnectDeclaredConnectorMissing": "active"}),
    "doris-dns": (  # the report's second incident: ImagePullBackOff
        [A("DorisFrontendDown", target="doris-fe-0:8030", reason="dns"),
         A("DorisBackendDown", target="doris-be-0:8040", reason="dns"),
         A("DorisClusterViewUnavailable", "warning", target="cluster", reason="dns"),
         A("DorisNoMaster"), A("DorisSqlUnavailable", "warning", target="sql", reason="dns")],
        {"DorisFrontendDown/doris-fe-0:8030": "active", "DorisBackendDown/doris-be-0:8040": "suppressed",
         "DorisClusterViewUnavailable/cluster": "suppressed", "DorisNoMaster": "suppressed",
         "DorisSqlUnavailable/sql": "suppressed"}),
    "doris-dns-be-refused": (  # a BE down for its own reason still pages beside the FE
        [A("DorisFrontendDown", target="doris-fe-0:8030", reason="dns"),
         A("DorisBackendDown", target="doris-be-0:8040", reason="refused")],
        {"DorisFrontendDown/doris-fe-0:8030": "active", "DorisBackendDown/doris-be-0:8040": "active"}),
    "doris-refused": (  # FE exists but is sick: the cluster view adds information
        [A("DorisFrontendDown", target="doris-fe-0:8030", reason="refused"), A("DorisNoMaster")],
        {"DorisFrontendDown/doris-fe-0:8030": "active", "DorisNoMaster": "active"}),
    "doris-be-down": (  # a BE that never started: its listing-based alert is the same fact
        [A("DorisBackendDown", target="doris-be-0:8040", reason="dns"),
         A("DorisBackendNotAlive", "warning", backend="doris-be-0:8040", target="doris-be-0:8040"),
         A("DorisBackendNotAlive", "warning", backend="doris-be-1:8040", target="doris-be-1:8040")],
        {"DorisBackendDown/doris-be-0:8040": "active",
         "DorisBackendNotAlive/doris-be-0:8040": "suppressed",
         "DorisBackendNotAlive/doris-be-1:8040": "active"}),
    "flink-down": (
        [A("FlinkJobManagerDown", target="http://jm:8081", reason="refused"),
         A("FlinkJobNotRunning", flink_job="orders"), A("FlinkCheckpointStale", "warning", flink_job="orders")],
        {"FlinkJobManagerDown/http://jm:8081": "active", "FlinkJobNotRunning": "suppressed",
         "FlinkCheckpointStale": "suppressed"}),
    # rules/kubernetes.rules.yml (kube-state-metrics) joined to streamprobe's alerts.
    "k8s-doris-image-pull": (  # the report's Doris pods: the pod alert names the image and pages
        [A("KubernetesPodImagePullBackOff", namespace="data-platform", pod="doris-fe-0", container="fe",
           workload="doris-fe"),
         A("KubernetesStatefulSetReplicasNotReady", "warning", namespace="data-platform", statefulset="doris-fe",
           workload="doris-fe"),
         A("DorisFrontendDown", target="doris-fe-0:8030", reason="dns"),
         A("DorisBackendDown", target="doris-be-0:8040", reason="dns"), A("DorisNoMaster")],
        {"KubernetesPodImagePullBackOff": "active", "KubernetesStatefulSetReplicasNotReady": "suppressed",
         "DorisFrontendDown/doris-fe-0:8030": "suppressed", "DorisBackendDown/doris-be-0:8040": "suppressed",
         "DorisNoMaster": "suppressed"}),
    "k8s-doris-be-image-pull-fe-refused": (  # an FE down for its own reason still pages
        [A("KubernetesPodImagePullBackOff", namespace="data-platform", pod="doris-be-0", container="be",
           workload="doris-be"),
         A("DorisBackendDown", target="doris-be-0:8040", reason="dns"),
         A("DorisFrontendDown", target="doris-fe-1:8030", reason="refused"),
         A("KubernetesPodCrashLooping", "warning", namespace="data-platform", pod="doris-fe-1", container="fe",
           workload="doris-fe")],
        {"KubernetesPodImagePullBackOff": "active", "DorisBackendDown/doris-be-0:8040": "suppressed",
         "DorisFrontendDown/doris-fe-1:8030": "active", "KubernetesPodCrashLooping": "suppressed"}),
    "k8s-kafka-crash-loop": (  # the report's kafka-1: streamprobe's page names the foreign host
        [A("KafkaBrokerIdRegisteredByForeignHost", broker_id="1"),
         A("KubernetesPodCrashLooping", "warning", namespace="data-platform", pod="kafka-1", container="kafka",
           workload="kafka"),
         A("KubernetesStatefulSetReplicasNotReady", "warning", namespace="data-platform", statefulset="kafka",
           workload="kafka")],
        {"KafkaBrokerIdRegisteredByForeignHost": "active", "KubernetesPodCrashLooping": "suppressed",
         "KubernetesStatefulSetReplicasNotReady": "suppressed"}),
    "k8s-connect-crash-loop": (  # the report's Connect 0/3, waiting for its dependencies
        [A("KafkaConnectClusterUnavailable", target="connectors", reason="refused"),
         A("KubernetesPodCrashLooping", "warning", namespace="data-platform", pod="kafka-connect-7d9f8b6c5-x2k4q",
           container="kafka-connect", workload="kafka-connect"),
         A("KubernetesDeploymentReplicasUnavailable", "warning", namespace="data-platform",
           deployment="kafka-connect", workload="kafka-connect")],
        {"KafkaConnectClusterUnavailable/connectors": "active", "KubernetesPodCrashLooping": "suppressed",
         "KubernetesDeploymentReplicasUnavailable": "suppressed"}),
    "k8s-alone": (  # nothing from streamprobe explains them: they page; the short StatefulSet
                    # follows from its unschedulable pod (same namespace and workload only)
        [A("KubernetesPodUnschedulable", "warning", namespace="data-platform", pod="zookeeper-2",
           workload="zookeeper"),
         A("KubernetesStatefulSetReplicasNotReady", "warning", namespace="data-platform", statefulset="zookeeper",
           workload="zookeeper"),
         A("KubernetesDeploymentReplicasUnavailable", "warning", namespace="data-platform",
           deployment="schema-registry", workload="schema-registry"),
         A("KubernetesPersistentVolumeClaimNotBound", "warning", namespace="data-platform",
           persistentvolumeclaim="data-zookeeper-2", phase="Pending")],
        {"KubernetesPodUnschedulable": "active", "KubernetesStatefulSetReplicasNotReady": "suppressed",
         "KubernetesDeploymentReplicasUnavailable": "active", "KubernetesPersistentVolumeClaimNotBound": "active"}),
    "target-down": (
        [A("DorisFrontendDown", target="doris-fe-a:8030", reason="timeout"),
         A("StreamprobeTargetNeverSucceeded", "warning", target="doris-fe-a:8030", reason="timeout"),
         A("StreamprobeTargetNeverSucceeded", "warning", target="doris-fe-b:8030", reason="auth"),
         A("KafkaConnectWorkerDown", "warning", target="http://w1:8083", reason="refused"),
         A("KafkaConnectPointsAtOtherKafkaCluster", target="http://w1:8083"),
         A("KafkaConnectPointsAtOtherKafkaCluster", target="http://w2:8083")],
        {"DorisFrontendDown/doris-fe-a:8030": "active",
         "StreamprobeTargetNeverSucceeded/doris-fe-a:8030": "suppressed",
         "StreamprobeTargetNeverSucceeded/doris-fe-b:8030": "active",
         "KafkaConnectWorkerDown/http://w1:8083": "active",
         "KafkaConnectPointsAtOtherKafkaCluster/http://w1:8083": "suppressed",
         "KafkaConnectPointsAtOtherKafkaCluster/http://w2:8083": "active"}),
}


def test_inhibition_is_per_cluster(alertmanager):
    post_alerts(alertmanager, [A("ZookeeperQuorumLost", cluster="zk-a"),
                               A("KafkaExpectedBrokerMissing", cluster="zk-b", broker_id="1")])
    assert states(alertmanager, "zk-b", {"KafkaExpectedBrokerMissing": "active"}) == {
        "KafkaExpectedBrokerMissing": "active"}


@pytest.mark.parametrize("cluster", sorted(SCENARIOS))
def test_inhibition(alertmanager, cluster):
    alerts, expected = SCENARIOS[cluster]
    post_alerts(alertmanager, [dict(a, cluster=cluster) for a in alerts])
    assert states(alertmanager, cluster, expected) == expected


def test_amtool_alert_query_lists_suppressed(alertmanager):
    """The operator's view: `amtool alert query --inhibited` shows what is suppressed."""
    post_alerts(alertmanager, [A("KafkaClusterUnreachable", cluster="amtool", target="k:9092", reason="dns"),
                               A("KafkaConnectWorkerDown", cluster="amtool", target="w:8083", reason="dns")])
    states(alertmanager, "amtool", {"KafkaClusterUnreachable/k:9092": "active",
                                    "KafkaConnectWorkerDown/w:8083": "suppressed"})
    def query(*flags):
        out = subprocess.run([tool("amtool"), "alert", "query", *flags, "-o", "json",
                              f"--alertmanager.url={alertmanager}", "cluster=amtool"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        return {a["labels"]["alertname"]: a["status"] for a in json.loads(out.stdout)}

    assert set(query()) == {"KafkaClusterUnreachable"}   # the default view: what pages
    inhibited = query("--inhibited")
    assert inhibited["KafkaConnectWorkerDown"]["state"] == "suppressed"
    assert inhibited["KafkaConnectWorkerDown"]["inhibitedBy"]


def test_alerting_doc_lists_every_alert():
    doc = (ROOT / "docs" / "alerting.md").read_text()
    missing = [n for n in sorted(alert_names()) if f"[{n}](runbooks/{n}.md)" not in doc]
    assert not missing, f"docs/alerting.md lacks: {missing}"
