"""KubeApiServer: a real Kubernetes API server on 127.0.0.1 (kube-apiserver on kine/SQLite).

The binaries are built from source on first use by ``tests/harness/kubeapi/build.sh`` into
``<build dir>/tools/`` (build dir: ``$STREAMPROBE_BUILD_DIR``, else the jar root's parent,
i.e. ``build/``), with Go's caches in ``<build dir>/go``; later runs reuse them (stamp files).

What runs: ``kine`` (the etcd v3 API on a SQLite file in the run dir) and ``kube-apiserver``
with a self-made CA (openssl), a serving certificate for 127.0.0.1/localhost, a
service-account signing key pair, static token authentication (``--token-auth-file``) and
``--authorization-mode=RBAC``.  Two users:

* ``admin`` (group ``system:masters``), token ``admin_token``: used by the harness;
* ``streamprobe`` (no groups beyond ``system:authenticated``), token ``probe_token``: the
  probe's identity; it can read nothing until ``grant_probe_read(namespace)``.

No controller manager, scheduler or kubelet runs: the harness writes objects and their
``status`` subresources itself, with the shapes the kubelet and the controllers write.

API (all requests with the admin token unless ``token=`` is given)::

    api = KubeApiServer()                 # builds if needed, starts, waits for /readyz
    api.url, api.host, api.port, api.ca_path, api.admin_token, api.probe_token, api.probe_user
    api.version                           # "v1.34.2" (GET /version gitVersion)
    api.request(method, path, body=None, token=None, params=None, content_type=None) -> requests.Response
    api.get(path, token=None, params=None) -> requests.Response
    api.get_json(path, ...) -> dict       # raises KubeApiError on a non-2xx answer
    api.create_namespace(name)            # + its "default" ServiceAccount
    api.grant_probe_read(namespace) / api.revoke_probe_read(namespace)
    api.create_statefulset(ns, name, replicas, image, labels=None, container="main")
    api.create_deployment(ns, name, replicas, image, labels=None, container="main")
    api.create_replicaset(deployment, template_hash)   # as the Deployment controller, owner of its pods
    api.create_pod(ns, name, image, labels=None, owner=None, container="main", node="node-1")
    api.set_pod_status(ns, name, status)  # merge patch on pods/<name>/status (field manager "kubelet")
    api.set_pod_waiting(ns, name, reason, message, restart_count=0, last_terminated=None)
    api.set_pod_running(ns, name, restart_count=0)
    api.set_workload_status(kind, ns, name, replicas, ready, available=None, updated=None, replicaset=None)
    api.install_flink_crds()              # FlinkDeployment + FlinkSessionJob, flink.apache.org/v1beta1
    api.create_flink_deployment(ns, name, spec=None, labels=None) / api.create_flink_session_job(...)
    api.set_custom_status(plural, ns, name, status)   # flink.apache.org objects
    api.write_probe_credentials(namespace) -> dir with token, ca.crt, namespace (in-cluster layout)
    api.stop()                            # also on context exit, interpreter exit, failure

Container status helpers (module functions): ``waiting_status(...)``, ``running_status(...)``.
"""
import datetime
import json
import os
import secrets
import subprocess
import time

import requests

from . import rundir
from .jars import REPO_ROOT
from .ports import free_port
from .proc import ServerProcess, ServerStartError, stop_many
from .rdkafka_check import build_dir as default_build_dir
from .wait import wait_until

BUILD_SCRIPT = os.path.join(REPO_ROOT, "tests", "harness", "kubeapi", "build.sh")
FIELD_MANAGER = "streamprobe-tests"
# Who writes each kind's status subresource on a real cluster (their field-manager names).
STATUS_MANAGERS = {"Pod": "kubelet", "StatefulSet": "kube-controller-manager",
                   "Deployment": "kube-controller-manager", "ReplicaSet": "kube-controller-manager",
                   "FlinkDeployment": "flink-kubernetes-operator",
                   "FlinkSessionJob": "flink-kubernetes-operator"}

# Service CIDR of the test cluster (nothing listens there: no kube-proxy).
SERVICE_CIDR = "10.96.0.0/24"

PROBE_RULES = [
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["apps"], "resources": ["statefulsets", "deployments"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["flink.apache.org"], "resources": ["flinkdeployments", "flinksessionjobs"],
     "verbs": ["get", "list", "watch"]},
]


class KubeApiError(RuntimeError):
    """A non-2xx answer from the API server (``status``, ``body``)."""

    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> HTTP {status}: {body[:600]}")
        self.status = status
        self.body = body


class KubeBuildError(RuntimeError):
    """tests/harness/kubeapi/build.sh failed (message carries its output tail)."""


def build(build_dir=None, timeout=3600):
    """Build kube-apiserver and kine if missing or stale; return (tools dir, seconds).

    Fast (< 1 s) when both binaries and stamps match.  Raises KubeBuildError on failure.
    """
    build_dir = os.path.abspath(build_dir or default_build_dir())
    start = time.monotonic()
    try:
        out = subprocess.run(["bash", BUILD_SCRIPT, build_dir], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise KubeBuildError(f"{BUILD_SCRIPT} did not finish within {timeout} s") from exc
    text = out.stdout.decode("utf-8", "replace")
    if out.returncode != 0:
        tail = "\n".join(text.splitlines()[-40:])
        raise KubeBuildError(f"{BUILD_SCRIPT} {build_dir} exited {out.returncode}:\n{tail}")
    return os.path.join(build_dir, "tools"), time.monotonic() - start


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_certificates(directory, host="127.0.0.1"):
    """CA, serving cert for ``host``/localhost (signed by the CA) and the service-account
    RSA key pair, all written into ``directory``.  Returns a dict of paths."""
    d = directory
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
             "-days", "3650", "-subj", "/CN=streamprobe-test-ca",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr",
             "-subj", "/CN=kube-apiserver", cwd=d)
    with open(os.path.join(d, "apiserver.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                f"subjectAltName=IP:{host},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
                "DNS:kubernetes.default.svc,IP:10.96.0.1\n")
    _openssl("x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "apiserver.crt", "-days", "3650", "-extfile", "apiserver.ext", cwd=d)
    _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key", cwd=d)
    _openssl("pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=d)
    return {k: os.path.join(d, v) for k, v in
            {"ca": "ca.crt", "ca_key": "ca.key", "cert": "apiserver.crt", "key": "apiserver.key",
             "sa_key": "sa.key", "sa_pub": "sa.pub"}.items()}


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ status shapes
# Field names: Kubernetes API reference, Pod v1 (PodStatus, ContainerStatus, ContainerState*).

def waiting_status(name, image, reason, message=None, restart_count=0, last_terminated=None):
    """A ContainerStatus whose ``state.waiting`` has ``reason``/``message``, as the kubelet
    writes for ImagePullBackOff, ErrImagePull, CrashLoopBackOff.

    ``last_terminated``: dict for ``lastState.terminated`` (e.g. ``{"exitCode": 1,
    "reason": "Error", "startedAt": ..., "finishedAt": ...}``), as after a crash.
    """
    waiting = {"reason": reason}
    if message is not None:
        waiting["message"] = message
    status = {"name": name, "state": {"waiting": waiting},
              "lastState": {"terminated": dict(last_terminated)} if last_terminated else {},
              "ready": False, "restartCount": restart_count, "image": image, "imageID": "",
              "started": False}
    if last_terminated and "containerID" in last_terminated:
        status["containerID"] = last_terminated["containerID"]
    return status


def running_status(name, image, restart_count=0, started_at=None, container_id=None, image_id=None):
    """A ready, running ContainerStatus."""
    return {"name": name, "state": {"running": {"startedAt": started_at or _now()}},
            "lastState": {}, "ready": True, "restartCount": restart_count, "image": image,
            "imageID": image_id or f"docker.io/{image.split(':')[0]}@sha256:{'0' * 64}",
            "containerID": container_id or f"containerd://{secrets.token_hex(32)}", "started": True}


def pod_status(containers, phase=None, host_ip="10.0.0.11", pod_ip=None, start_time=None):
    """A PodStatus around ``containers`` (list of ContainerStatus): phase, the four
    conditions and the IPs, derived as the kubelet derives them."""
    ready = all(c.get("ready") for c in containers)
    now = _now()
    if phase is None:
        started = any("running" in c["state"] or c.get("restartCount", 0) > 0 for c in containers)
        phase = "Running" if started else "Pending"
    not_ready = [c["name"] for c in containers if not c.get("ready")]
    cond_reason = {} if ready else {
        "reason": "ContainersNotReady",
        "message": f"containers with unready status: [{' '.join(not_ready)}]"}
    conditions = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": None, "lastTransitionTime": now},
        {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": now},
        {"type": "Ready", "status": "True" if ready else "False", "lastProbeTime": None,
         "lastTransitionTime": now, **cond_reason},
        {"type": "ContainersReady", "status": "True" if ready else "False", "lastProbeTime": None,
         "lastTransitionTime": now, **cond_reason},
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": now},
    ]
    status = {"phase": phase, "conditions": conditions, "hostIP": host_ip,
              "hostIPs": [{"ip": host_ip}], "startTime": start_time or now,
              "containerStatuses": containers, "qosClass": "BestEffort"}
    if pod_ip:
        status["podIP"] = pod_ip
        status["podIPs"] = [{"ip": pod_ip}]
    return status


# ------------------------------------------------------------------ Flink operator CRDs
def _flink_crd(kind, plural, singular, short_names, columns):
    schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
              "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                             "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.flink.apache.org"},
            "spec": {"group": "flink.apache.org", "scope": "Namespaced",
                     "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural,
                               "singular": singular, "shortNames": short_names},
                     "versions": [{"name": "v1beta1", "served": True, "storage": True,
                                   "schema": {"openAPIV3Schema": schema},
                                   "subresources": {"status": {}},
                                   "additionalPrinterColumns": columns}]}}


# Names and printer columns as in the Flink Kubernetes Operator's CRDs
# (helm/flink-kubernetes-operator/crds/flinkdeployments.flink.apache.org-v1.yml and
# flinksessionjobs.flink.apache.org-v1.yml); the schema is reduced to "preserve unknown fields".
FLINK_CRDS = [
    _flink_crd("FlinkDeployment", "flinkdeployments", "flinkdeployment", ["flinkdep"],
               [{"name": "Job Status", "type": "string", "jsonPath": ".status.jobStatus.state"},
                {"name": "Lifecycle State", "type": "string", "jsonPath": ".status.lifecycleState"}]),
    _flink_crd("FlinkSessionJob", "flinksessionjobs", "flinksessionjob", ["sessionjob"],
               [{"name": "Job Status", "type": "string", "jsonPath": ".status.jobStatus.state"},
                {"name": "Lifecycle State", "type": "string", "jsonPath": ".status.lifecycleState"}]),
]

_PATHS = {  # kind -> (api prefix, plural, namespaced)
    "Namespace": ("/api/v1", "namespaces", False),
    "ServiceAccount": ("/api/v1", "serviceaccounts", True),
    "Pod": ("/api/v1", "pods", True),
    "StatefulSet": ("/apis/apps/v1", "statefulsets", True),
    "Deployment": ("/apis/apps/v1", "deployments", True),
    "ReplicaSet": ("/apis/apps/v1", "replicasets", True),
    "Role": ("/apis/rbac.authorization.k8s.io/v1", "roles", True),
    "RoleBinding": ("/apis/rbac.authorization.k8s.io/v1", "rolebindings", True),
    "CustomResourceDefinition": ("/apis/apiextensions.k8s.io/v1", "customresourcedefinitions", False),
    "FlinkDeployment": ("/apis/flink.apache.org/v1beta1", "flinkdeployments", True),
    "FlinkSessionJob": ("/apis/flink.apache.org/v1beta1", "flinksessionjobs", True),
}


def object_path(kind, namespace=None, name=None):
    """REST path of a collection (name=None) or object of a kind this harness knows."""
    prefix, plural, namespaced = _PATHS[kind]
    path = prefix + (f"/namespaces/{namespace}" if namespaced else "") + f"/{plural}"
    return path + (f"/{name}" if name else "")


class KubeApiServer:
    """See the module docstring.  Args: ``start`` (start in the constructor), ``timeout``
    (seconds for both processes to become ready), ``build_dir``, ``host``,
    ``probe_user`` ("streamprobe"), ``build_timeout`` (seconds for a cold build)."""

    def __init__(self, start=True, timeout=180.0, build_dir=None, host="127.0.0.1",
                 probe_user="streamprobe", build_timeout=3600):
        self.host = host
        self.build_dir = os.path.abspath(build_dir or default_build_dir())
        self.build_timeout = build_timeout
        self.probe_user = probe_user
        self.admin_token = secrets.token_hex(24)
        self.probe_token = secrets.token_hex(24)
        self.dir = rundir.new_dir("kubeapi")
        self.port = None
        self.kine = None
        self.apiserver = None
        self.version = None
        self.build_seconds = None
        self.startup_seconds = None
        self._session = requests.Session()
        if start:
            self.start(timeout)

    @property
    def url(self):
        return f"https://{self.host}:{self.port}"

    # ---------------------------------------------------------------- lifecycle
    def start(self, timeout=180.0):
        tools, self.build_seconds = build(self.build_dir, self.build_timeout)
        t0 = time.monotonic()
        try:
            self._start(tools, timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _start(self, tools, timeout):
        d = self.dir
        certs = make_certificates(d, self.host)
        self.ca_path = certs["ca"]
        with open(os.path.join(d, "tokens.csv"), "w") as f:
            f.write(f'{self.admin_token},admin,uid-admin,"system:masters"\n')
            f.write(f"{self.probe_token},{self.probe_user},uid-{self.probe_user}\n")
        os.chmod(os.path.join(d, "tokens.csv"), 0o600)

        kine_port, kine_metrics = free_port(self.host), free_port(self.host)
        self.kine_endpoint = f"http://{self.host}:{kine_port}"
        self.kine = ServerProcess(
            "kine", [os.path.join(tools, "kine"),
                     "--endpoint", (f"sqlite://{d}/kine.db?_journal_mode=WAL&_busy_timeout=30000&_synchronous=NORMAL"
                      "&_txlock=immediate&_stmt_cache_size=20&cache=shared"),
                     "--listen-address", f"{self.host}:{kine_port}",
                     "--metrics-bind-address", f"{self.host}:{kine_metrics}"],
            os.path.join(d, "kine.log"), ready=lambda p: _tcp_open(self.host, kine_port),
            stop_grace=10.0)
        self.kine.start(timeout=min(timeout, 60))

        self.port = free_port(self.host)
        argv = [os.path.join(tools, "kube-apiserver"),
                f"--etcd-servers={self.kine_endpoint}",
                f"--bind-address={self.host}", f"--advertise-address={self.host}",
                f"--secure-port={self.port}",
                f"--cert-dir={d}/cert-dir",
                f"--tls-cert-file={certs['cert']}", f"--tls-private-key-file={certs['key']}",
                f"--client-ca-file={certs['ca']}",
                f"--token-auth-file={d}/tokens.csv",
                "--authorization-mode=RBAC",
                f"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-account-key-file={certs['sa_pub']}",
                f"--service-account-signing-key-file={certs['sa_key']}",
                f"--service-cluster-ip-range={SERVICE_CIDR}",
                "--profiling=false", "--enable-priority-and-fairness=false",
                "--endpoint-reconciler-type=none",
                "--v=1"]
        self.apiserver = ServerProcess("kube-apiserver", argv, os.path.join(d, "kube-apiserver.log"),
                                       ready=lambda p: self._readyz(), stop_grace=15.0)
        self.apiserver.start(timeout=timeout)
        self.version = self.get_json("/version")["gitVersion"]

    def _readyz(self):
        try:
            r = self._session.get(self.url + "/readyz", verify=self.ca_path, timeout=5,
                                  headers={"Authorization": f"Bearer {self.admin_token}"})
        except requests.RequestException:
            return False
        return r.status_code == 200

    def stop(self):
        stop_many([p for p in (self.apiserver, self.kine) if p is not None])
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---------------------------------------------------------------- HTTP
    def request(self, method, path, body=None, token=None, params=None, content_type=None, timeout=30):
        headers = {"Authorization": f"Bearer {token or self.admin_token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type or "application/json"
        return self._session.request(method, self.url + path, data=data, params=params, headers=headers,
                                     verify=self.ca_path, timeout=timeout)

    def get(self, path, token=None, params=None):
        return self.request("GET", path, token=token, params=params)

    def _checked(self, method, path, **kw):
        r = self.request(method, path, **kw)
        if not 200 <= r.status_code < 300:
            raise KubeApiError(method, path, r.status_code, r.text)
        return r.json() if r.content else None

    def get_json(self, path, token=None, params=None):
        return self._checked("GET", path, token=token, params=params)

    def apply(self, obj):
        """Server-side apply (create or update) of ``obj``; returns the stored object."""
        md = obj["metadata"]
        path = object_path(obj["kind"], md.get("namespace"), md["name"])
        return self._checked("PATCH", path, body=obj, content_type="application/apply-patch+yaml",
                             params={"fieldManager": FIELD_MANAGER, "force": "true"})

    def delete(self, kind, namespace, name):
        r = self.request("DELETE", object_path(kind, namespace, name))
        if r.status_code not in (200, 202, 404):
            raise KubeApiError("DELETE", object_path(kind, namespace, name), r.status_code, r.text)

    def patch_status(self, kind, namespace, name, status, manager=None):
        """JSON merge patch of ``{"status": status}`` on the object's status subresource
        (lists such as containerStatuses are replaced whole).  ``manager`` (the field
        manager recorded in managedFields) defaults to the component that writes this
        kind's status: kubelet, kube-controller-manager or flink-kubernetes-operator."""
        manager = manager or STATUS_MANAGERS.get(kind, FIELD_MANAGER)
        return self._checked("PATCH", object_path(kind, namespace, name) + "/status",
                             body={"status": status}, content_type="application/merge-patch+json",
                             params={"fieldManager": manager})

    # ---------------------------------------------------------------- namespaces and RBAC
    def create_namespace(self, name):
        """The namespace plus its ``default`` ServiceAccount (which the controller manager
        would create; pods are refused by admission without it)."""
        ns = self.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        self.apply({"apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": {"name": "default", "namespace": name}})
        return ns

    def grant_probe_read(self, namespace, name="streamprobe-read"):
        """Role (get/list/watch on pods, statefulsets, deployments, flinkdeployments,
        flinksessionjobs) and RoleBinding to the probe user in ``namespace``; waits until the
        probe token can list pods there (RBAC informer catch-up)."""
        self.apply({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                    "metadata": {"name": name, "namespace": namespace}, "rules": PROBE_RULES})
        self.apply({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                    "metadata": {"name": name, "namespace": namespace},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
                    "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User",
                                  "name": self.probe_user}]})
        path = object_path("Pod", namespace)
        wait_until(lambda: self.get(path, token=self.probe_token).status_code == 200, 30,
                   what=f"{self.probe_user} to be allowed to list pods in {namespace}")

    def revoke_probe_read(self, namespace, name="streamprobe-read"):
        self.delete("RoleBinding", namespace, name)
        self.delete("Role", namespace, name)
        path = object_path("Pod", namespace)
        wait_until(lambda: self.get(path, token=self.probe_token).status_code == 403, 30,
                   what=f"{self.probe_user} to be denied pods in {namespace}")

    def write_probe_credentials(self, namespace="default", directory=None):
        """``token``, ``ca.crt`` and ``namespace`` files (the in-cluster service-account
        layout) for the probe user; returns the directory."""
        directory = directory or os.path.join(self.dir, "probe-credentials")
        os.makedirs(directory, exist_ok=True)
        with open(self.ca_path, "rb") as src, open(os.path.join(directory, "ca.crt"), "wb") as dst:
            dst.write(src.read())
        for fname, text in (("token", self.probe_token), ("namespace", namespace)):
            with open(os.path.join(directory, fname), "w") as f:
                f.write(text)
        return directory

    # ---------------------------------------------------------------- workloads
    @staticmethod
    def _pod_template(labels, image, container):
        return {"metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": container, "image": image, "imagePullPolicy": "IfNotPresent"}]}}

    def create_statefulset(self, namespace, name, replicas, image, labels=None, container="main"):
        labels = labels or {"app.kubernetes.io/name": name}
        return self.apply({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": namespace,
                                                                        "labels": dict(labels)},
            "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": dict(labels)},
                     "template": self._pod_template(labels, image, container)}})

    def create_deployment(self, namespace, name, replicas, image, labels=None, container="main"):
        labels = labels or {"app.kubernetes.io/name": name}
        return self.apply({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace,
                                                                       "labels": dict(labels)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": self._pod_template(labels, image, container)}})

    def create_replicaset(self, deployment, template_hash):
        """The ReplicaSet ``<deployment>-<template_hash>`` a Deployment controller would
        create (owned by the deployment, label ``pod-template-hash``); returns it."""
        md, spec = deployment["metadata"], deployment["spec"]
        labels = dict(spec["selector"]["matchLabels"], **{"pod-template-hash": template_hash})
        template = json.loads(json.dumps(spec["template"]))
        template["metadata"]["labels"] = dict(template["metadata"].get("labels", {}), **labels)
        return self.apply({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{md['name']}-{template_hash}", "namespace": md["namespace"],
                         "labels": labels,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": md["name"],
                                              "uid": md["uid"], "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"replicas": spec["replicas"], "selector": {"matchLabels": labels}, "template": template}})

    def create_pod(self, namespace, name, image, labels=None, owner=None, container="main", node="node-1"):
        """A pod already bound to ``node`` (as after scheduling).  ``owner``: the stored
        owning object (dict from ``create_statefulset``...), made its controller reference."""
        md = {"name": name, "namespace": namespace, "labels": dict(labels or {})}
        if owner is not None:
            md["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                      "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                      "controller": True, "blockOwnerDeletion": True}]
        return self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": md,
                           "spec": {"nodeName": node, "containers": [
                               {"name": container, "image": image, "imagePullPolicy": "IfNotPresent"}]}})

    def set_pod_status(self, namespace, name, status):
        return self.patch_status("Pod", namespace, name, status)

    def _pod_container(self, namespace, name):
        """(container name, image, host IP) of a pod made by ``create_pod``; the host IP is
        10.0.0.(10+N) for node "node-N"."""
        spec = self.get_json(object_path("Pod", namespace, name))["spec"]
        node = spec.get("nodeName", "")
        n = node.rsplit("-", 1)[-1]
        host_ip = f"10.0.0.{10 + int(n)}" if n.isdigit() and int(n) < 240 else "10.0.0.10"
        return spec["containers"][0]["name"], spec["containers"][0]["image"], host_ip

    def set_pod_waiting(self, namespace, name, reason, message=None, restart_count=0,
                        last_terminated=None, phase=None, pod_ip=None):
        """The pod's (single) container waits with ``reason`` (ImagePullBackOff,
        ErrImagePull, CrashLoopBackOff...)."""
        cname, image, host_ip = self._pod_container(namespace, name)
        return self.set_pod_status(namespace, name, pod_status(
            [waiting_status(cname, image, reason, message, restart_count, last_terminated)],
            phase=phase, host_ip=host_ip, pod_ip=pod_ip))

    def set_pod_running(self, namespace, name, restart_count=0, pod_ip="10.244.0.10"):
        cname, image, host_ip = self._pod_container(namespace, name)
        return self.set_pod_status(namespace, name, pod_status(
            [running_status(cname, image, restart_count)], phase="Running", host_ip=host_ip, pod_ip=pod_ip))

    def set_workload_status(self, kind, namespace, name, replicas, ready, available=None, updated=None,
                            replicaset=None):
        """Status of a StatefulSet or Deployment as its controller writes it (field manager
        kube-controller-manager).  ``replicaset``: name of the Deployment's current
        ReplicaSet, quoted in the Progressing condition."""
        obj = self.get_json(object_path(kind, namespace, name))
        available = ready if available is None else available
        updated = replicas if updated is None else updated
        status = {"observedGeneration": obj["metadata"].get("generation", 1), "replicas": replicas,
                  "readyReplicas": ready, "availableReplicas": available, "updatedReplicas": updated}
        if kind == "StatefulSet":
            rev = f"{name}-{secrets.token_hex(5)[:10]}"
            status.update({"currentReplicas": replicas, "currentRevision": rev, "updateRevision": rev,
                           "collisionCount": 0})
        elif kind == "Deployment":
            unavailable = max(replicas - available, 0)
            status["unavailableReplicas"] = unavailable
            now = _now()
            status["conditions"] = [
                {"type": "Available", "status": "True" if unavailable == 0 else "False",
                 "lastUpdateTime": now, "lastTransitionTime": now,
                 "reason": "MinimumReplicasAvailable" if unavailable == 0 else "MinimumReplicasUnavailable",
                 "message": "Deployment has minimum availability." if unavailable == 0
                 else "Deployment does not have minimum availability."},
                {"type": "Progressing", "status": "True", "lastUpdateTime": now, "lastTransitionTime": now,
                 "reason": "ReplicaSetUpdated",
                 "message": f'ReplicaSet "{replicaset or name + "-" + secrets.token_hex(5)}" is progressing.'}]
        # Zero counts: the server re-encodes status with the API types' omitempty rules.
        return self.patch_status(kind, namespace, name, status)

    # ---------------------------------------------------------------- Flink operator objects
    def install_flink_crds(self, timeout=60):
        """Create the FlinkDeployment and FlinkSessionJob CRDs; wait until established and
        served (their list paths answer 200)."""
        for crd in FLINK_CRDS:
            self.apply(crd)
        for crd in FLINK_CRDS:
            name = crd["metadata"]["name"]
            plural = crd["spec"]["names"]["plural"]

            def served():
                got = self.get_json(object_path("CustomResourceDefinition", None, name))
                est = any(c["type"] == "Established" and c["status"] == "True"
                          for c in got.get("status", {}).get("conditions", []))
                return est and self.get(f"/apis/flink.apache.org/v1beta1/{plural}").status_code == 200
            wait_until(served, timeout, what=f"CRD {name} to be served")

    def create_flink_deployment(self, namespace, name, spec=None, labels=None):
        spec = spec or {"image": "flink:1.17", "flinkVersion": "v1_17", "serviceAccount": "flink",
                        "jobManager": {"resource": {"memory": "2048m", "cpu": 1}},
                        "taskManager": {"resource": {"memory": "2048m", "cpu": 1}}}
        return self.apply({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
                           "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
                           "spec": spec})

    def create_flink_session_job(self, namespace, name, deployment_name, job=None, labels=None):
        spec = {"deploymentName": deployment_name,
                "job": job or {"jarURI": "https://example.invalid/job.jar", "parallelism": 2,
                               "upgradeMode": "stateless"}}
        return self.apply({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
                           "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
                           "spec": spec})

    def set_custom_status(self, kind, namespace, name, status):
        """Status of a FlinkDeployment/FlinkSessionJob, as the operator writes it."""
        return self.patch_status(kind, namespace, name, status)


def _tcp_open(host, port):
    import socket
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


__all__ = ["KubeApiServer", "KubeApiError", "KubeBuildError", "ServerStartError", "build",
           "make_certificates", "waiting_status", "running_status", "pod_status", "object_path",
           "FLINK_CRDS", "PROBE_RULES"]
