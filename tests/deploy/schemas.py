"""JSON schemas for kubeconform, built offline from two registry packages:

* Kubernetes objects: the strict schemas bundled in the PyPI package
  kubernetes-validate (newest Kubernetes version it carries). They reference
  https://kubernetes.io/api/_definitions.json; here the references are made
  relative and the $id dropped, so kubeconform resolves them from disk.
* prometheus-operator objects (ServiceMonitor, PrometheusRule, ...): the CRDs of
  the Go module github.com/prometheus-operator/prometheus-operator
  (example/prometheus-operator-crd), converted like openapi2jsonschema does, and
  made strict (unknown fields are errors, as kubectl's server-side validation
  reports them).

Both are written once under <tools>/schemas and reused.
"""
import copy
import json
import pathlib
import re

import yaml

CORE_NAME = "{{.ResourceKind}}{{.KindSuffix}}.json"


def _core_source(tools):
    root = tools / "python" / "kubernetes_validate" / "kubernetes-json-schema"
    versions = sorted((p for p in root.glob("v*-local-strict")),
                      key=lambda p: [int(x) for x in re.findall(r"\d+", p.name.split("-")[0])])
    if not versions:
        raise FileNotFoundError(f"no kubernetes-validate schemas under {root}")
    return versions[-1]


def _strict(node):
    """additionalProperties: false on every object schema that lists its properties."""
    if isinstance(node, dict):
        if ("properties" in node and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")):
            node["additionalProperties"] = False
        for v in node.values():
            _strict(v)
    elif isinstance(node, list):
        for v in node:
            _strict(v)
    return node


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads a bare `=` (a CRD enum value) as the obsolete value tag."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def _crd_schemas(crd_dir):
    out = {}
    for path in sorted(crd_dir.glob("*.yaml")):
        for crd in yaml.load_all(path.read_text(), Loader=_Loader):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            group, kind = spec["group"], spec["names"]["kind"]
            for version in spec["versions"]:
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                _strict(schema)
                schema["properties"]["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
                schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
                schema["properties"]["metadata"] = {"type": "object"}
                schema.setdefault("required", [])
                name = f"{kind.lower()}-{group.split('.')[0]}-{version['name']}.json"
                out[name] = schema
    return out


def build(tools):
    """Returns the kubeconform -schema-location templates, building the dir if needed."""
    tools = pathlib.Path(tools)
    core_src = _core_source(tools)
    crd_dir = (tools / "prometheus-operator-crd").resolve()
    stamp_text = f"{core_src.name} {crd_dir}"
    out = tools / "schemas"
    core_out, crd_out = out / "kubernetes", out / "prometheus-operator"
    stamp = out / ".source"
    if not (stamp.exists() and stamp.read_text() == stamp_text):
        core_out.mkdir(parents=True, exist_ok=True)
        crd_out.mkdir(parents=True, exist_ok=True)
        for path in core_src.glob("*.json"):
            text = path.read_text().replace('"/api/_definitions.json#', '"_definitions.json#')
            schema = json.loads(text)
            schema.pop("$id", None)
            (core_out / path.name).write_text(json.dumps(schema))
        for name, schema in _crd_schemas(crd_dir).items():
            (crd_out / name).write_text(json.dumps(schema))
        stamp.write_text(stamp_text)
    return [str(core_out / CORE_NAME), str(crd_out / CORE_NAME)], core_src.name.split("-")[0]
