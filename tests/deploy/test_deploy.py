"""Deployment artefacts: the Helm chart, the kustomize base and overlay, the
monitoring mixin, the dashboards, the container build, pint's configuration.

Every generated copy is in sync with its one source (deploy/generate.py --check,
dashboards/generate.py --check); `helm lint`, `helm template` and `kustomize build`
succeed; every rendered object is valid against the Kubernetes and
prometheus-operator schemas (kubeconform, strict), and a broken one is not; the
mixin renders the rules exactly as rules/*.rules.yml say and honours its _config;
the dashboards pass dashboard-linter's rules with zero findings.

Tools come from scripts/fetch-tools.sh (exact versions, cached under the build
dir); the session fixture runs it, which is instant once cached.
Run: /usr/bin/python3 -m pytest -q tests/deploy
"""
import fnmatch
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

import dashboard_lint
import schemas

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "streamprobe"
MIXIN = ROOT / "deploy" / "mixin"
OVERLAY = ROOT / "deploy" / "kustomize" / "overlays" / "data-platform"
BASE = ROOT / "deploy" / "kustomize" / "base"
RUNBOOK_BASE = "https://github.com/streamprobe/streamprobe/blob/main/docs/runbooks/"


def run(cmd, check=True, **kw):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    if check:
        assert out.returncode == 0, f"{' '.join(map(str, cmd))}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="session")
def tools():
    """The tools dir of scripts/fetch-tools.sh: $STREAMPROBE_TOOLS, else <build dir>/tools."""
    if os.environ.get("STREAMPROBE_TOOLS"):
        path = pathlib.Path(os.environ["STREAMPROBE_TOOLS"])
        build_dir = path.parent
    else:
        build_dir = ROOT / os.environ.get("BUILD_DIR", "build")
        path = build_dir / "tools"
    run(["bash", ROOT / "scripts" / "fetch-tools.sh", build_dir])
    os.environ["STREAMPROBE_TOOLS"] = str(path)  # for the generators run below
    return path


def tool(tools, name):
    return tools / "bin" / name


def docs(text):
    return [d for d in yaml.safe_load_all(text) if d]


def helm_template(tools, *args):
    return docs(run([tool(tools, "helm"), "template", "streamprobe", CHART, "--namespace", "data-platform",
                     *args]).stdout)


def by_kind(objs):
    out = {}
    for o in objs:
        out.setdefault(o["kind"], []).append(o)
    return out


def source_groups():
    return [g for p in sorted((ROOT / "rules").glob("*.rules.yml"))
            for g in yaml.safe_load(p.read_text())["groups"]]


# --- generated copies in sync ---------------------------------------------------

def test_deploy_generated_files_in_sync(tools):
    out = run(["/usr/bin/python3", ROOT / "deploy" / "generate.py", "--check"], check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dashboards_generated_in_sync(tools):
    out = run(["/usr/bin/python3", ROOT / "dashboards" / "generate.py", "--check"], check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mixin_takes_every_rules_file():
    generated = json.loads((MIXIN / "generated" / "rules.json").read_text())
    assert sorted(generated) == sorted(p.name for p in (ROOT / "rules").glob("*.rules.yml"))


# --- the mixin -------------------------------------------------------------------

def jsonnet(tools, expr):
    return json.loads(run([tool(tools, "jsonnet"), "-J", MIXIN, "-e", expr]).stdout)


def test_mixin_renders_the_rules_as_shipped(tools):
    alerts = jsonnet(tools, "(import 'mixin.libsonnet').prometheusAlerts")
    assert alerts["groups"] == source_groups()
    rendered = yaml.safe_load((MIXIN / "rendered" / "prometheus_alerts.yaml").read_text())
    assert rendered == alerts


def test_mixin_renders_the_dashboards_as_generated(tools):
    dashboards = jsonnet(tools, "(import 'mixin.libsonnet').grafanaDashboards")
    assert sorted(dashboards) == sorted(p.name for p in (ROOT / "dashboards").glob("*.json"))
    for name, dash in dashboards.items():
        assert dash == json.loads((ROOT / "dashboards" / name).read_text()), name


def test_mixin_config_sets_runbooks_thresholds_and_selector(tools):
    alerts = jsonnet(tools, """((import 'mixin.libsonnet') + {_config+:: {
        runbookURLPattern: 'https://wiki.example/runbooks/%s',
        streamprobeSelector: 'job="platform-probe"',
        platformNamespaceSelector: 'namespace=~"data-platform|flink"',
        thresholds+: {kafkaConsumerGroupLagSeconds: 1800, dorisBackendDiskUsedRatio: 0.9},
      }})""" + ".prometheusAlerts")
    records = {r["record"]: r for g in alerts["groups"] for r in g["rules"] if "record" in r}
    assert 'kube_namespace_created{namespace=~"data-platform|flink"}' in \
        records["streamprobe:kube_platform_namespace:info"]["expr"]
    rules = {r["alert"]: r for g in alerts["groups"] for r in g["rules"] if "alert" in r}
    assert all(r["annotations"]["runbook_url"] == f"https://wiki.example/runbooks/{name}"
               for name, r in rules.items())
    assert rules["KafkaConsumerGroupLagHigh"]["expr"].strip().endswith("> 1800")
    assert "> 0.9" in rules["DorisBackendDiskAlmostFull"]["expr"]
    assert 'up{job="platform-probe"}' in rules["StreamprobeDown"]["expr"]
    dashboards = jsonnet(tools, "((import 'mixin.libsonnet') + {_config+:: {dashboardTags: ['platform']}})"
                                ".grafanaDashboards")
    assert dashboards["kafka.json"]["tags"] == ["platform", "kafka"]


def test_mixin_fails_loudly_when_a_configurable_literal_changes(tools, tmp_path):
    """A rule whose threshold literal changed must break the render, not lose its knob."""
    copy = tmp_path / "mixin"
    shutil.copytree(MIXIN, copy)
    rules = json.loads((copy / "generated" / "rules.json").read_text())
    for g in rules["kafka.rules.yml"]["groups"]:
        for r in g["rules"]:
            if r.get("alert") == "KafkaConsumerGroupLagHigh":
                r["expr"] = r["expr"].replace("> 600", "> 900")
    (copy / "generated" / "rules.json").write_text(json.dumps(rules))
    out = run([tool(tools, "jsonnet"), "-J", copy, "-e", "(import 'mixin.libsonnet').prometheusAlerts"],
              check=False)
    assert out.returncode != 0 and "KafkaConsumerGroupLagHigh" in out.stderr


# --- Helm ------------------------------------------------------------------------

HA = ["--set", "highAvailability.enabled=true"]
EXTRAS = ["--set", "webConfig.secretName=streamprobe-web",
          "--set", "credentials.files[0].secretName=kafka-client",
          "--set", "credentials.files[0].mountPath=/etc/streamprobe/secrets/kafka",
          "--set", "serviceMonitor.labels.release=kube-prometheus-stack"]
KUBERNETES = ["--set", "kubernetes.enabled=true", "--set", "kubernetes.namespaces={data-platform,flink}"]


@pytest.mark.parametrize("values", [[], HA, EXTRAS, KUBERNETES],
                         ids=["default", "ha", "web-config-and-secret-files", "kubernetes"])
def test_helm_lint(tools, values):
    out = run([tool(tools, "helm"), "lint", "--strict", CHART, *values])
    assert "0 chart(s) failed" in out.stdout


def test_helm_template_default(tools):
    objs = by_kind(helm_template(tools))
    assert set(objs) == {"ServiceAccount", "ConfigMap", "Deployment", "Service", "ServiceMonitor",
                         "PrometheusRule", "NetworkPolicy"}
    (deploy,) = objs["Deployment"]
    assert deploy["spec"]["replicas"] == 1
    pod = deploy["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    (c,) = pod["containers"]
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert c["resources"]["requests"] and c["resources"]["limits"]["memory"]
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["port"] == "http", probe
    assert c["readinessProbe"]["httpGet"]["path"] == "/-/ready"
    # secret references, never values
    env = {e["name"]: e for e in c["env"]}
    assert env["DORIS_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "streamprobe-secrets", "key": "DORIS_PASSWORD", "optional": False}
    assert "Secret" not in objs


def test_helm_config_is_the_example(tools):
    objs = by_kind(helm_template(tools))
    (cm,) = [o for o in objs["ConfigMap"] if "streamprobe.yml" in o["data"]]
    assert yaml.safe_load(cm["data"]["streamprobe.yml"]) == yaml.safe_load(
        (ROOT / "deploy" / "examples" / "streamprobe.yml").read_text())
    custom = by_kind(helm_template(tools, "--set", "config.clusters[0].name=other"))
    (cm,) = [o for o in custom["ConfigMap"] if "streamprobe.yml" in o["data"]]
    assert yaml.safe_load(cm["data"]["streamprobe.yml"]) == {"clusters": [{"name": "other"}]}


def test_helm_dashboards_for_the_grafana_sidecar(tools):
    objs = by_kind(helm_template(tools, "--set", "prometheusRule.enabled=false"))
    dashboards = [o for o in objs["ConfigMap"] if o["metadata"]["labels"].get("grafana_dashboard") == "1"]
    names = sorted(k for o in dashboards for k in o["data"])
    assert names == sorted(p.name for p in (ROOT / "dashboards").glob("*.json"))
    for o in dashboards:
        (name, text), = o["data"].items()
        assert json.loads(text) == json.loads((ROOT / "dashboards" / name).read_text())
        assert o["metadata"]["annotations"]["k8s-sidecar-target-directory"] == "streamprobe"


def test_helm_prometheus_rule_is_every_rule(tools):
    (rule,) = by_kind(helm_template(tools))["PrometheusRule"]
    assert rule["spec"]["groups"] == source_groups()
    wiki = by_kind(helm_template(tools, "--set", "prometheusRule.runbookBaseURL=https://wiki.example/rb/"))
    urls = [r["annotations"]["runbook_url"] for g in wiki["PrometheusRule"][0]["spec"]["groups"]
            for r in g["rules"] if "alert" in r]
    assert urls and all(re.fullmatch(r"https://wiki\.example/rb/[A-Za-z]+\.md", u) for u in urls)


def test_helm_network_policy(tools):
    (np,) = by_kind(helm_template(tools))["NetworkPolicy"]
    assert set(np["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    (ingress,) = np["spec"]["ingress"]
    assert ingress["ports"] == [{"port": "http", "protocol": "TCP"}] and ingress["from"]
    ports = {(p["port"], p["protocol"]) for rule in np["spec"]["egress"] for p in rule["ports"]}
    assert {(53, "UDP"), (53, "TCP"), (2181, "TCP"), (9092, "TCP"), (8083, "TCP"), (8030, "TCP")} <= ports


def test_helm_kubernetes_backend_rbac(tools):
    """The kubernetes backend gets its token and get/list/watch on exactly the resources it
    reads, per namespace, nothing cluster-wide; without it no token is mounted."""
    objs = by_kind(helm_template(tools, *KUBERNETES))
    assert "ClusterRole" not in objs and "ClusterRoleBinding" not in objs
    assert sorted(r["metadata"]["namespace"] for r in objs["Role"]) == ["data-platform", "flink"]
    for role in objs["Role"]:
        granted = {(g, r, v) for rule in role["rules"] for g in rule["apiGroups"]
                   for r in rule["resources"] for v in rule["verbs"]}
        assert granted == {(g, r, v) for g, r in (("", "pods"), ("apps", "statefulsets"),
                                                 ("apps", "deployments"),
                                                 ("flink.apache.org", "flinkdeployments"),
                                                 ("flink.apache.org", "flinksessionjobs"))
                           for v in ("get", "list", "watch")}
    (sa,) = objs["ServiceAccount"]
    for binding in objs["RoleBinding"]:
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                                        "namespace": "data-platform"}]  # the release's
    (deploy,) = objs["Deployment"]
    assert deploy["spec"]["template"]["spec"]["automountServiceAccountToken"] is True
    (np,) = objs["NetworkPolicy"]
    ports = {p["port"] for rule in np["spec"]["egress"] for p in rule["ports"]}
    assert {443, 6443} <= ports
    assert "Role" not in by_kind(helm_template(tools))


def test_helm_ha_pair(tools):
    objs = by_kind(helm_template(tools, *HA))
    (deploy,) = objs["Deployment"]
    assert deploy["spec"]["replicas"] == 2
    assert deploy["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
    assert objs["PodDisruptionBudget"][0]["spec"]["minAvailable"] == 1
    (sm,) = objs["ServiceMonitor"]
    (relabel,) = sm["spec"]["endpoints"][0]["relabelings"]
    assert relabel == {"sourceLabels": ["__meta_kubernetes_pod_name"],
                       "targetLabel": "streamprobe_replica", "action": "replace"}
    (secret,) = objs["Secret"]
    rules = yaml.safe_load(secret["stringData"]["alert-relabel-configs.yaml"])
    assert rules[-1] == {"regex": "streamprobe_replica", "action": "labeldrop"}


def test_helm_web_config_and_secret_files(tools):
    (deploy,) = by_kind(helm_template(tools, *EXTRAS))["Deployment"]
    pod = deploy["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    assert "--web.config.file=/etc/streamprobe/web/web-config.yml" in c["args"]
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    assert mounts["/etc/streamprobe/secrets/kafka"]["readOnly"] is True
    secrets = {v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
    assert secrets == {"streamprobe-web", "kafka-client"}
    # no mount inside another (a mount point cannot be created in a ConfigMap volume)
    paths = sorted(mounts)
    assert not [(a, b) for a in paths for b in paths if a != b and b.startswith(a.rstrip("/") + "/")]
    assert f"--config.file={next(p for p in paths if p.endswith('/config'))}/streamprobe.yml" in c["args"]


def test_helm_values_documented():
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    readme = (CHART / "README.md").read_text()
    # Kubernetes structures passed through as they are need no key-by-key description.
    passthrough = {"resources", "livenessProbe", "readinessProbe", "startupProbe",
                   "podSecurityContext", "securityContext"}
    keys = [k for k, v in values.items()] + [
        f"{k}.{k2}" for k, v in values.items() if isinstance(v, dict) and k not in passthrough for k2 in v]
    missing = [k for k in keys if f"`{k}`" not in readme]
    assert not missing, f"deploy/helm/streamprobe/README.md does not describe {missing}"


# --- kustomize -------------------------------------------------------------------

def kustomize(tools, path):
    return docs(run([tool(tools, "kustomize"), "build", path]).stdout)


def test_kustomize_base_is_the_chart(tools):
    base = kustomize(tools, BASE)
    chart = helm_template(tools, "--set", "helmLabels=false")
    key = lambda o: (o["kind"], o["metadata"]["name"])  # noqa: E731
    assert sorted(map(key, base)) == sorted(map(key, chart))


def test_kustomize_overlay_data_platform(tools):
    objs = kustomize(tools, OVERLAY)
    assert {o["metadata"].get("namespace") for o in objs} == {"data-platform"}
    kinds = by_kind(objs)
    assert kinds["ServiceMonitor"][0]["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert kinds["PrometheusRule"][0]["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert all(o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kustomize" for o in objs)
    (deploy,) = kinds["Deployment"]
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "streamprobe:0.1.0"


# --- schema validation -------------------------------------------------------------

def kubeconform(tools, path):
    locations, version = schemas.build(tools)
    cmd = [tool(tools, "kubeconform"), "-strict", "-summary", "-output", "json",
           "-kubernetes-version", version.lstrip("v")]
    for loc in locations:
        cmd += ["-schema-location", loc]
    return run([*cmd, path], check=False)


def rendered_sets(tools):
    return {
        "helm-default": helm_template(tools),
        "helm-ha": helm_template(tools, *HA),
        "helm-extras": helm_template(tools, *EXTRAS),
        "helm-kubernetes": helm_template(tools, *KUBERNETES),
        "kustomize-data-platform": kustomize(tools, OVERLAY),
    }


def test_every_rendered_object_is_valid(tools, tmp_path):
    for name, objs in rendered_sets(tools).items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump_all(objs))
        out = kubeconform(tools, path)
        assert out.returncode == 0, f"{name}:\n{out.stdout}\n{out.stderr}"
        summary = json.loads(out.stdout)["summary"]
        assert summary["valid"] == len(objs) and summary["skipped"] == 0, (name, summary)


BROKEN = {
    "unknown container field": ("Deployment", lambda o: o["spec"]["template"]["spec"]["containers"][0]
                                .update(imagePullPolicy="Sometimes", readinessProbes={})),
    "service port as text": ("Service", lambda o: o["spec"]["ports"][0].update(port="http")),
    "servicemonitor unknown field": ("ServiceMonitor", lambda o: o["spec"]["endpoints"][0]
                                     .update(scrapeEvery="15s")),
    "prometheusrule rule without expr": ("PrometheusRule", lambda o: o["spec"]["groups"][0]["rules"][0]
                                         .pop("expr")),
    "networkpolicy selector as text": ("NetworkPolicy", lambda o: o["spec"].update(podSelector="streamprobe")),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_object_fails_validation(tools, tmp_path, case):
    kind, breakit = BROKEN[case]
    objs = [o for o in helm_template(tools) if o["kind"] == kind]
    breakit(objs[0])
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump_all(objs))
    out = kubeconform(tools, path)
    assert out.returncode != 0, out.stdout
    assert json.loads(out.stdout)["summary"]["invalid"] == 1, out.stdout


# --- dashboards ------------------------------------------------------------------

def shipped_dashboards():
    return [json.loads(p.read_text()) for p in sorted((ROOT / "dashboards").glob("*.json"))]


def test_dashboards_lint_clean(tmp_path):
    findings = [f for d in shipped_dashboards() for f in dashboard_lint.lint(d)]
    findings += dashboard_lint.promql_findings(shipped_dashboards(), shutil.which("promtool") or "promtool",
                                               tmp_path)
    assert not findings, "\n".join(f"{rule}: {msg}" for rule, msg in findings)


def test_dashboard_lint_finds_what_the_issue_reported(tmp_path):
    """The check is not vacuous: a dashboard like the old ones has findings of each kind."""
    dash = json.loads((ROOT / "dashboards" / "overview.json").read_text())
    dash["editable"] = True
    dash["templating"]["list"] = [v for v in dash["templating"]["list"] if v["name"] not in ("job", "instance")]
    panel = dash["panels"][0]
    panel["targets"][0]["expr"] = 'sum(rate(streamprobe_probe_failures_total{cluster=~"$cluster"}[5m])) + ('
    panel["fieldConfig"]["defaults"]["unit"] = ""
    rules = {r for r, _ in dashboard_lint.lint(dash)}
    rules |= {r for r, _ in dashboard_lint.promql_findings([dash], shutil.which("promtool") or "promtool",
                                                             tmp_path)}
    assert rules >= {"uneditable-dashboard", "template-job-rule", "template-instance-rule",
                     "target-job-rule", "target-instance-rule", "target-rate-interval-rule",
                     "panel-units-rule", "target-promql-rule"}


# --- container -------------------------------------------------------------------

def dockerfile_stages():
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    stages, current = [], None
    for line in text.splitlines():
        m = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            image = re.sub(r"\$\{(\w+)\}", lambda a: args[a.group(1)], m.group(1))
            current = {"image": image, "name": m.group(2), "lines": []}
            stages.append(current)
        elif current is not None and line.strip() and not line.lstrip().startswith("#"):
            current["lines"].append(line.strip())
    return stages


def test_dockerfile_pinned_multistage_nonroot():
    stages = dockerfile_stages()
    assert len(stages) >= 2, "multi-stage"
    for s in stages:
        # an exact point release (debian:12.11) or a digest, never a moving tag
        assert re.fullmatch(r"[\w./-]+:(\d+\.\d+[\w.-]*|[\w.-]+@sha256:[0-9a-f]{64})|[\w./-]+@sha256:[0-9a-f]{64}",
                            s["image"]), s["image"]
    runtime = stages[-1]
    user = [ln for ln in runtime["lines"] if ln.startswith("USER ")]
    assert user and user[-1].split()[1].split(":")[0] not in ("0", "root")
    assert not any(re.search(r"build-essential|cmake|-dev\b", ln) for ln in runtime["lines"]), \
        "the runtime stage installs build tools"
    assert any(ln.startswith("COPY --from=build") for ln in runtime["lines"])


def dockerignore_patterns():
    pats = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    return pats


def ignored(rel, pats):
    """Docker's rule: the last matching pattern wins; a pattern also covers what is below."""
    result = False
    parts = rel.split("/")
    for negate, pat in pats:
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        if any(fnmatch.fnmatchcase(p, pat) or (pat.endswith("/**") and p.startswith(pat[:-3] + "/"))
               or pat == "**" for p in prefixes):
            result = not negate
    return result


def build_context():
    pats = dockerignore_patterns()
    files = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        if rel_dir != "." and ignored(rel_dir, pats) and not any(
                neg and (p == rel_dir or p.startswith(rel_dir + "/")) for neg, p in pats):
            dirnames[:] = []
            continue
        for f in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, f))
            if not ignored(rel, pats):
                files.append(rel)
    return files


def test_build_context_is_small():
    files = build_context()
    assert "CMakeLists.txt" in files and any(f.startswith("src/") for f in files)
    assert not [f for f in files if f.startswith(("build", ".git/", "tests/", "bench/", "docs/"))]
    size = sum((ROOT / f).stat().st_size for f in files)
    assert size < 20 << 20, f"build context {size >> 20} MiB"


def test_build_stage_configures_from_the_context_alone(tmp_path):
    """Replays the build stage's COPY and cmake configure on exactly the files
    .dockerignore lets into the context (no compile: that is the C++ build's job)."""
    if not shutil.which("cmake"):
        pytest.skip("cmake not installed")
    build = dockerfile_stages()[0]
    ctx = tmp_path / "src"
    for f in build_context():
        (ctx / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, ctx / f)
    copies = [ln.split()[1:] for ln in build["lines"] if ln.startswith("COPY ")]
    assert copies == [["CMakeLists.txt", "/src/CMakeLists.txt"], ["src", "/src/src"]]
    (cmake_line,) = [ln for ln in build["lines"] if "cmake -S" in ln]
    flags = re.findall(r"-D\S+|-G \S+", cmake_line.split("&&")[0])
    flags = [x for f in flags for x in f.split(" ", 1)]
    run(["cmake", "-S", ctx, "-B", tmp_path / "build", *flags], cwd=tmp_path)


def test_runtime_stage_installs_what_the_binary_links():
    """The runtime stage's packages provide every shared library the binary needs
    (checked on the binary of the C++ build when it exists)."""
    binary = ROOT / os.environ.get("BUILD_DIR", "build") / "streamprobe"
    if not binary.exists() or not shutil.which("dpkg"):
        pytest.skip("no streamprobe binary built yet")
    runtime = dockerfile_stages()[-1]
    (install,) = [ln for ln in runtime["lines"] if "apt-get install" in ln]
    packages = set(re.findall(r"\b(lib[\w.+-]+|zlib1g|ca-certificates)\b", install.split("install", 1)[1]))
    base = {"libc6", "libstdc++6", "libgcc-s1"}  # in every Debian image
    ldd = run(["ldd", binary]).stdout
    missing = {}
    for lib in re.findall(r"=>\s+(/\S+)", ldd):
        real = os.path.realpath(lib)
        owner = None
        for cand in (lib, real, real.replace("/usr/lib/", "/lib/"), lib.replace("/lib/", "/usr/lib/", 1)):
            out = run(["dpkg", "-S", cand], check=False)
            if out.returncode == 0:
                owner = out.stdout.split(":")[0]
                break
        assert owner, lib
        if owner not in packages | base:
            missing.setdefault(owner, []).append(os.path.basename(lib))
    # libraries the listed packages pull in as dependencies are fine
    deps = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                "--no-breaks", "--no-replaces", "--no-enhances", *sorted(packages)], check=False).stdout
    pulled = set(re.findall(r"^(\S+)$", deps, re.M)) | set(re.findall(r"Depends: (\S+)", deps))
    unprovided = {p: libs for p, libs in missing.items() if p not in pulled}
    assert not unprovided, f"runtime stage lacks {unprovided}"


# --- pint --------------------------------------------------------------------------

def test_pint_config_lints_rules_and_excludes_tests():
    text = (ROOT / ".pint.hcl").read_text()
    include = re.findall(r'"([^"]+)"', re.search(r"^\s*include\s*=\s*\[(.*)\]\s*$", text, re.M).group(1))
    exclude = re.findall(r'"([^"]+)"', re.search(r"^\s*exclude\s*=\s*\[(.*)\]\s*$", text, re.M).group(1))
    unescape = lambda r: r.replace("\\\\", "\\")  # noqa: E731  (HCL string escapes)
    linted = lambda p: (any(re.search(unescape(r), p) for r in include)  # noqa: E731
                        and not any(re.search(unescape(r), p) for r in exclude))
    for p in (ROOT / "rules").glob("*.rules.yml"):
        assert linted(f"rules/{p.name}"), p
    for p in (ROOT / "rules" / "tests").glob("*.test.yml"):
        assert not linted(f"rules/tests/{p.name}"), p
    assert not linted("deploy/mixin/rendered/prometheus_alerts.yaml")


# --- docs ------------------------------------------------------------------------

def test_operations_doc_mixin_example_renders(tools, tmp_path):
    """docs/operations.md's jsonnet example works against the mixin as shipped."""
    page = (ROOT / "docs" / "operations.md").read_text()
    (snippet,) = re.findall(r"```jsonnet\n(.*?)```", page, re.S)
    path = tmp_path / "example.jsonnet"
    path.write_text(snippet.replace("streamprobe-mixin/mixin.libsonnet", "mixin.libsonnet"))
    out = json.loads(run([tool(tools, "jsonnet"), "-J", MIXIN, path]).stdout)
    rules = {r["alert"]: r for g in out["streamprobe-rules.json"]["groups"] for r in g["rules"] if "alert" in r}
    assert rules["KafkaConsumerGroupLagHigh"]["expr"].strip().endswith("> 1800")
    assert sorted(k.removeprefix("dashboards/") for k in out if k.startswith("dashboards/")) == \
        sorted(p.name for p in (ROOT / "dashboards").glob("*.json"))
