"""A check of Grafana dashboards on the rules of Grafana's dashboard-linter
(github.com/grafana/dashboard-linter, which cannot be installed here: its module
is not served). Each finding names the linter rule it stands for:

  template-datasource-rule     a `datasource` variable of type datasource, query prometheus
  template-job-rule            a `job` query variable on ${datasource}, multi-select with All
  template-instance-rule       the same for `instance`
  template-on-time-change-reload-rule  query variables refresh on time range change (2)
  template-label-promql-rule   label_values() selectors of variables are valid PromQL
  panel-datasource-rule        every panel queries ${datasource}
  panel-title-description-rule every panel has a title and a description
  panel-units-rule             every panel has a known Grafana unit
  panel-no-targets-rule        every panel has at least one query
  target-promql-rule           every query is valid PromQL (promtool parses it, with
                               Grafana's variables expanded)
  target-rate-interval-rule    rate() and irate() use [$__rate_interval]
  target-job-rule              every selector matches job=~"$job"
  target-instance-rule         every selector matches instance=~"$instance"
  target-counter-agg-rule      a counter (_total, _bucket) is only read through rate/irate/increase
  uneditable-dashboard         editable is false

Difference from the linter: the job and instance variables' "All" value may be
".*" as well as ".+" (".*" also matches alerts whose rule aggregated job away).
"""
import re
import subprocess

import yaml

UNITS = {
    "none", "short", "percent", "percentunit", "s", "ms", "µs", "ns", "m", "h", "d", "dtdurations",
    "dtdhms", "ops", "reqps", "rps", "wps", "iops", "opm", "rpm", "wpm", "bytes", "decbytes", "bits",
    "kbytes", "mbytes", "gbytes", "Bps", "binBps", "bps", "binbps", "KBs", "MBs", "GBs", "dateTimeAsIso",
    "dateTimeFromNow", "timeticks", "clockms", "clocks", "hertz", "cps", "string", "bool", "bool_yes_no",
    "bool_on_off", "celsius", "watt", "kwatt", "ppm", "decimals", "locale", "sci", "hex", "hex0x",
}
# What Grafana puts in place of its global variables before the query is sent
# (dashboard-linter expands them to the same kind of values).
GLOBALS = {"$__rate_interval": "8869990787ms", "$__interval_ms": "4867856611",
           "$__interval": "4867856611ms", "$__range_s": "86400", "$__range_ms": "86400000",
           "$__range": "1d"}
METRIC = re.compile(r"\b(streamprobe_[a-z0-9_]*[a-z0-9]|ALERTS|up)\b(\s*\{[^}]*\})?")
COUNTER = re.compile(r"\b(streamprobe_[a-z0-9_]*_(?:total|bucket))\b")


def expand(expr):
    for k in sorted(GLOBALS, key=len, reverse=True):
        expr = expr.replace(k, GLOBALS[k])
    return expr


def _variable_checks(dash, name, out):
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    rule = f"template-{name}-rule"
    v = variables.get(name)
    if v is None:
        out.append((rule, f"no {name} variable"))
        return
    if v.get("type") != "query":
        out.append((rule, f"{name} variable is not a query variable"))
    if (v.get("datasource") or {}).get("uid") not in ("$datasource", "${datasource}"):
        out.append((rule, f"{name} variable does not use ${{datasource}}"))
    if not v.get("label"):
        out.append((rule, f"{name} variable has no label"))
    if not v.get("multi"):
        out.append((rule, f"{name} variable is not multi-select"))
    if not v.get("includeAll") or v.get("allValue") not in (".+", ".*"):
        out.append((rule, f"{name} variable has no All option (allValue .+ or .*)"))


def lint(dash):
    """[(rule, message)] for one dashboard, PromQL parsing left to promql_findings()."""
    out = []
    title = dash.get("title", "?")
    variables = dash.get("templating", {}).get("list", [])
    ds = [v for v in variables if v.get("type") == "datasource"]
    if not ds or ds[0].get("name") != "datasource" or ds[0].get("query") != "prometheus":
        out.append(("template-datasource-rule", "no `datasource` variable of type prometheus"))
    _variable_checks(dash, "job", out)
    _variable_checks(dash, "instance", out)
    for v in variables:
        if v.get("type") == "query" and v.get("refresh") != 2:
            out.append(("template-on-time-change-reload-rule", f"variable {v.get('name')} refresh != 2"))
    if dash.get("editable") is not False:
        out.append(("uneditable-dashboard", f"{title}: editable is not false"))
    for panel in dash.get("panels", []):
        if panel.get("type") in ("row", "text"):
            continue
        where = f"{title} / {panel.get('title')}"
        if (panel.get("datasource") or {}).get("uid") not in ("$datasource", "${datasource}"):
            out.append(("panel-datasource-rule", f"{where}: datasource is not ${{datasource}}"))
        if not panel.get("title") or not panel.get("description"):
            out.append(("panel-title-description-rule", f"{where}: title or description missing"))
        unit = (panel.get("fieldConfig") or {}).get("defaults", {}).get("unit")
        if unit not in UNITS:
            out.append(("panel-units-rule", f"{where}: unit {unit!r} is not a Grafana unit"))
        targets = panel.get("targets") or []
        if not targets:
            out.append(("panel-no-targets-rule", f"{where}: no queries"))
        for t in targets:
            expr = t.get("expr", "")
            for m in re.finditer(r"\b(i?rate)\s*\(", expr):
                # the range of this rate(): the first [...] after it
                rng = re.search(r"\[([^\]]*)\]", expr[m.end():])
                if not rng or rng.group(1) != "$__rate_interval":
                    out.append(("target-rate-interval-rule", f"{where}: {m.group(1)}() without [$__rate_interval]"))
            for m in METRIC.finditer(expr):
                matchers = m.group(2) or ""
                if 'job=~"$job"' not in matchers:
                    out.append(("target-job-rule", f"{where}: {m.group(1)} without job=~\"$job\""))
                if 'instance=~"$instance"' not in matchers:
                    out.append(("target-instance-rule", f"{where}: {m.group(1)} without instance=~\"$instance\""))
            for m in COUNTER.finditer(expr):
                if not re.search(r"\b(rate|irate|increase)\s*\(\s*$", expr[:m.start()]):
                    out.append(("target-counter-agg-rule", f"{where}: counter {m.group(1)} read raw"))
    return out


def queries(dash):
    """(where, expr) of every panel query and every label_values() selector."""
    title = dash.get("title", "?")
    for panel in dash.get("panels", []):
        for t in panel.get("targets") or []:
            yield "target-promql-rule", f"{title} / {panel.get('title')}", t.get("expr", "")
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query", "")
        m = re.fullmatch(r"label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)", q or "")
        if v.get("type") == "query" and m:
            yield "template-label-promql-rule", f"{title} / ${v.get('name')}", m.group(1)


def promql_findings(dashboards, promtool, tmp_path):
    """[(rule, message)] for every query promtool cannot parse."""
    items = [(rule, where, expand(expr)) for d in dashboards for rule, where, expr in queries(d)]
    findings = []
    # One promtool run for all; on failure, find the culprits one by one.
    def parse(batch, name):
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"groups": [{"name": "lint", "rules": [
            {"record": f"q{i}", "expr": e} for i, (_, _, e) in enumerate(batch)]}]}))
        return subprocess.run([promtool, "check", "rules", str(path)], capture_output=True,
                              text=True, timeout=120)
    if parse(items, "all.rules.yml").returncode == 0:
        return findings
    for i, item in enumerate(items):
        out = parse([item], f"q{i}.rules.yml")
        if out.returncode != 0:
            findings.append((item[0], f"{item[1]}: {item[2]!r}: {out.stdout.strip().splitlines()[-1]}"))
    return findings
