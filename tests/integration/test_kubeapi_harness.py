"""Self-tests of harness.kubeapi: a real kube-apiserver (on kine/SQLite) on 127.0.0.1.

The first run builds kube-apiserver and kine from source (tests/harness/kubeapi/build.sh,
cached under the build dir); later runs start the cached binaries.  Skipped only when no Go
toolchain is installed and the binaries were never built.
"""
import os
import shutil
import sys

import pytest
import requests

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness.kubeapi import KubeApiServer, object_path  # noqa: E402
from harness.rdkafka_check import build_dir  # noqa: E402

NS = "probe-test"


@pytest.fixture(scope="module")
def kubeapi():
    tools = os.path.join(build_dir(), "tools")
    have_go = shutil.which(os.environ.get("GO", "go")) or os.path.exists("/usr/local/go/bin/go")
    if not have_go and not os.path.exists(os.path.join(tools, "kube-apiserver")):
        pytest.skip("no Go toolchain to build kube-apiserver (tests/harness/kubeapi/build.sh)")
    api = KubeApiServer()
    try:
        yield api
    finally:
        api.stop()


def test_server_ready_and_version(kubeapi):
    assert kubeapi.get("/readyz").status_code == 200
    version = kubeapi.get_json("/version")
    assert version["gitVersion"].startswith("v1.")
    assert kubeapi.apiserver.running and kubeapi.kine.running
    # The CA written by the harness verifies the serving certificate (requests verifies).
    assert kubeapi.get("/version", token=kubeapi.probe_token).status_code == 200


def test_probe_token_needs_rolebinding(kubeapi):
    ns = NS + "-rbac"
    kubeapi.create_namespace(ns)
    pods = object_path("Pod", ns)
    denied = kubeapi.get(pods, token=kubeapi.probe_token)
    assert denied.status_code == 403
    body = denied.json()
    assert body["kind"] == "Status" and body["reason"] == "Forbidden"
    assert f'User "{kubeapi.probe_user}" cannot list resource "pods"' in body["message"]
    # An unknown token is not authenticated at all.
    assert kubeapi.get(pods, token="not-a-token").status_code == 401

    kubeapi.grant_probe_read(ns)
    for path in (pods, object_path("StatefulSet", ns), object_path("Deployment", ns)):
        r = kubeapi.get(path, token=kubeapi.probe_token)
        assert r.status_code == 200, (path, r.text)
        assert r.json()["items"] == []
    # The in-cluster credential files work on their own (token + CA, as the probe reads them).
    creds = kubeapi.write_probe_credentials(ns)
    with open(os.path.join(creds, "token")) as f:
        token = f.read()
    with open(os.path.join(creds, "namespace")) as f:
        assert f.read() == ns
    r = requests.get(kubeapi.url + pods, headers={"Authorization": f"Bearer {token}"},
                     verify=os.path.join(creds, "ca.crt"), timeout=10)
    assert r.status_code == 200 and r.json()["kind"] == "PodList"
    # Read-only: the probe may not write.
    r = kubeapi.request("POST", object_path("Pod", ns), token=kubeapi.probe_token,
                        body={"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
                              "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    assert r.status_code == 403
    # Other namespaces stay forbidden.
    assert kubeapi.get(object_path("Pod", "default"), token=kubeapi.probe_token).status_code == 403
    # Removing the binding takes the access away again.
    kubeapi.revoke_probe_read(ns)
    assert kubeapi.get(pods, token=kubeapi.probe_token).status_code == 403


def test_pod_waiting_reason_reads_back(kubeapi):
    kubeapi.create_namespace(NS)
    kubeapi.grant_probe_read(NS)
    image = "apache/doris:2.0.3-fe-x86_64"
    labels = {"app.kubernetes.io/name": "doris", "app.kubernetes.io/component": "fe"}
    sts = kubeapi.create_statefulset(NS, "doris-fe", 3, image, labels=labels, container="doris-fe")
    kubeapi.create_pod(NS, "doris-fe-0", image, labels=labels, owner=sts, container="doris-fe")
    message = f'Back-off pulling image "{image}": manifest unknown'
    kubeapi.set_pod_waiting(NS, "doris-fe-0", "ImagePullBackOff", message)
    kubeapi.set_workload_status("StatefulSet", NS, "doris-fe", replicas=3, ready=0)

    pods = kubeapi.get_json(object_path("Pod", NS), token=kubeapi.probe_token,
                            params={"labelSelector": "app.kubernetes.io/name=doris"})
    assert pods["kind"] == "PodList"
    (pod,) = pods["items"]
    assert pod["status"]["phase"] == "Pending"
    (cs,) = pod["status"]["containerStatuses"]
    assert cs["state"]["waiting"] == {"reason": "ImagePullBackOff", "message": message}
    assert cs["image"] == image and cs["ready"] is False and cs["restartCount"] == 0
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"

    sts = kubeapi.get_json(object_path("StatefulSet", NS, "doris-fe"), token=kubeapi.probe_token)
    assert sts["spec"]["replicas"] == 3
    assert sts["status"]["replicas"] == 3
    assert sts["status"].get("readyReplicas", 0) == 0

    # CrashLoopBackOff with a restart count and the last termination.
    kubeapi.set_pod_waiting(NS, "doris-fe-0", "CrashLoopBackOff", "back-off 5m0s restarting failed container",
                            restart_count=7, last_terminated={"exitCode": 1, "reason": "Error",
                                                              "startedAt": "2026-01-01T00:00:00Z",
                                                              "finishedAt": "2026-01-01T00:00:09Z"},
                            phase="Running")
    cs = kubeapi.get_json(object_path("Pod", NS, "doris-fe-0"),
                          token=kubeapi.probe_token)["status"]["containerStatuses"][0]
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["restartCount"] == 7
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    assert cs["lastState"]["terminated"]["exitCode"] == 1


def test_flink_crds_missing_then_served(kubeapi):
    kubeapi.create_namespace(NS)
    kubeapi.grant_probe_read(NS)
    path = f"/apis/flink.apache.org/v1beta1/namespaces/{NS}/flinkdeployments"
    if kubeapi.get(path).status_code == 404:  # not yet installed in this server
        assert kubeapi.get(path, token=kubeapi.probe_token).status_code == 404
    kubeapi.install_flink_crds()
    kubeapi.create_flink_deployment(NS, "orders-etl")
    kubeapi.set_custom_status("FlinkDeployment", NS, "orders-etl",
                              {"lifecycleState": "STABLE", "jobStatus": {"state": "RUNNING", "jobName": "orders-etl"}})
    items = kubeapi.get_json(path, token=kubeapi.probe_token)["items"]
    assert [(i["metadata"]["name"], i["status"]["lifecycleState"], i["status"]["jobStatus"]["state"])
            for i in items] == [("orders-etl", "STABLE", "RUNNING")]
    jobs = kubeapi.get(f"/apis/flink.apache.org/v1beta1/namespaces/{NS}/flinksessionjobs", token=kubeapi.probe_token)
    assert jobs.status_code == 200 and jobs.json()["items"] == []
