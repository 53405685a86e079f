"""The kubernetes backend against a real kube-apiserver (harness.kubeapi: kube-apiserver
1.34 on kine/SQLite, built on first use and cached under the build dir).

The deployment report's pod states are staged as the kubelet and controllers write them
(tests/harness/record_kubernetes_fixtures.py's `stage`): Doris FE/BE 0/3 in
ImagePullBackOff on tags that do not exist, kafka-1 crash-looping, Kafka Connect 0/3
crash-looping, a Flink job running. streamprobe reads them with the probe user's token
through a kubeconfig, and the status table names them; a pod that recovers turns its row
green; a missing RoleBinding says which verb on which resource; an unreachable API server
gives a reason, never a crash; the token is never logged."""
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "harness")))

from harness.kubeapi import KubeApiServer  # noqa: E402
from harness.ports import free_port  # noqa: E402
from harness.rdkafka_check import build_dir  # noqa: E402
from record_kubernetes_fixtures import NS, stage  # noqa: E402

SHOW = ("streamprobe_kubernetes_", "streamprobe_probe_")
DORIS_FE = [f"doris-fe-{i}.doris-fe.data-platform.svc.invalid:8030" for i in range(3)]


@pytest.fixture(scope="module")
def kubeapi():
    tools = os.path.join(build_dir(), "tools")
    if not shutil.which(os.environ.get("GO", "go")) and not os.path.exists(os.path.join(tools, "kube-apiserver")):
        pytest.skip("no Go toolchain to build kube-apiserver (tests/harness/kubeapi/build.sh)")
    api = KubeApiServer()
    try:
        api.create_namespace(NS)
        api.grant_probe_read(NS)
        api.install_flink_crds()
        stage(api)
        yield api
    finally:
        api.stop()


def kubeconfig(api, directory, server=None):
    """A kubeconfig naming the CA and the probe token by file, as the backend takes it."""
    token = os.path.join(directory, "token")
    with open(token, "w") as f:
        f.write(api.probe_token + "\n")
    path = os.path.join(directory, "kubeconfig")
    with open(path, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
current-context: test
contexts: [{{name: test, context: {{cluster: test, user: streamprobe}}}}]
clusters: [{{name: test, cluster: {{server: "{server or api.url}", certificate-authority: "{api.ca_path}"}}}}]
users: [{{name: streamprobe, user: {{tokenFile: token}}}}]
""")
    return path


def config(path, with_doris=True):
    text = f"""
clusters:
  - name: platform
    kubernetes:
      interval: 1s
      timeout: 1s
      kubeconfig: {path}
      namespace: {NS}
      workloads:
        - {{component: doris_fe, statefulset: doris-fe}}
        - {{component: doris_be, statefulset: doris-be}}
        - {{component: kafka_brokers, statefulset: kafka}}
        - {{component: kafka_connect, deployment: kafka-connect}}
        - {{component: flink, flinkdeployment: orders-etl}}
"""
    if with_doris:
        text += f"""    doris:
      interval: 1s
      timeout: 1s
      fe: [{', '.join(DORIS_FE)}]
      be: ["doris-be-0.doris-be.data-platform.svc.invalid:8040"]
"""
    return text


def rows(sp):
    return {r["component"]: r for r in sp.get("/api/v1/status").json()["components"]}


@pytest.fixture
def sp(kubeapi, streamprobe_factory, tmp_path):
    instance = streamprobe_factory(config(kubeconfig(kubeapi, str(tmp_path))),
                                   args=["--log.level=debug"])
    instance.wait_for(lambda s: s.reason("kubernetes", f"127.0.0.1:{kubeapi.port}") == "none"
                      and s.reason("doris", DORIS_FE[0]) == "dns",
                      timeout=30, what="API server read, Doris FEs unresolvable", show=SHOW)
    return instance


def test_the_reports_pod_states_named_in_the_status_table(sp, kubeapi):
    r = rows(sp)
    fe = r["doris_fe"]
    assert (fe["ready"], fe["expected"], fe["status"]) == (0, 3, "down"), fe
    assert fe["cause"].startswith("doris-fe-0, doris-fe-1, doris-fe-2: ImagePullBackOff: "
                                  "apache/doris:2.0.3-fe-x86_64 (manifest unknown)"), fe["cause"]
    assert fe["runbook_url"].endswith("/KubernetesPodImagePullBackOff.md")
    assert fe["workloads"][0]["workload"] == f"StatefulSet {NS}/doris-fe"
    kafka = r["kafka_brokers"]
    assert (kafka["ready"], kafka["expected"], kafka["status"]) == (2, 3, "degraded"), kafka
    assert kafka["cause"] == "kafka-1: CrashLoopBackOff, 7 restarts, last exit Error"
    connect = r["kafka_connect"]
    assert (connect["ready"], connect["expected"], connect["status"]) == (0, 3, "down"), connect
    assert "CrashLoopBackOff" in connect["cause"]
    assert r["flink"]["status"] == "ok" and r["kubernetes"]["status"] == "ok"
    page = sp.get("/").text
    assert "ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 (manifest unknown)" in page
    s = sp.scrape()
    assert s.value("streamprobe_kubernetes_container_waiting", cluster="platform", pod="doris-fe-0",
                   reason="ImagePullBackOff") == 1
    assert s.value("streamprobe_kubernetes_container_restarts", cluster="platform", pod="kafka-1") == 7
    info = s.samples("streamprobe_kubernetes_container_info", cluster="platform", pod="doris-be-2")
    assert info and info[0].labels["image"] == "apache/doris:2.0.3-be-x86_64"


def test_a_recovered_pod_turns_its_row_green(sp, kubeapi):
    kubeapi.set_pod_running(NS, "kafka-1", restart_count=7)
    kubeapi.set_workload_status("StatefulSet", NS, "kafka", replicas=3, ready=3)
    try:
        sp.wait_for(lambda s: s.value("streamprobe_kubernetes_workload_ready_replicas", cluster="platform",
                                      workload="kafka") == 3, timeout=20, what="kafka 3/3", show=SHOW)
        kafka = rows(sp)["kafka_brokers"]
        assert (kafka["ready"], kafka["status"], kafka["cause"]) == (3, "ok", ""), kafka
    finally:
        kubeapi.set_pod_waiting(NS, "kafka-1", "CrashLoopBackOff", "back-off 5m0s restarting failed container",
                                restart_count=7, phase="Running")
        kubeapi.set_workload_status("StatefulSet", NS, "kafka", replicas=3, ready=2)


def test_missing_rolebinding_says_which_verb_on_which_resource(sp, kubeapi):
    kubeapi.revoke_probe_read(NS)
    try:
        s = sp.wait_for(lambda s: s.reason("kubernetes", f"127.0.0.1:{kubeapi.port}") == "auth",
                        timeout=20, what="403 seen", show=SHOW)
        row = rows(sp)["kubernetes"]
        assert row["status"] == "down"
        assert (f"list pods in namespace {NS}: 403 forbidden (the Role needs get/list on pods): pods is "
                f'forbidden: User "{kubeapi.probe_user}" cannot list resource "pods"') in row["targets"][0]["detail"]
        assert s.value("streamprobe_probe_success", cluster="platform", system="doris", target=DORIS_FE[0]) == 0
    finally:
        kubeapi.grant_probe_read(NS)
    sp.wait_for(lambda s: s.reason("kubernetes", f"127.0.0.1:{kubeapi.port}") == "none",
                timeout=20, what="read again", show=SHOW)
    log = open(os.path.join(sp.dir, "streamprobe.log")).read()
    assert kubeapi.probe_token not in log and kubeapi.probe_token not in sp.get("/api/v1/targets").text
    assert "403 forbidden" in log  # the failure itself is logged


def test_unreachable_api_server_gives_a_reason(kubeapi, streamprobe_factory, tmp_path):
    dead = f"https://127.0.0.1:{free_port('127.0.0.1')}"
    sp = streamprobe_factory(config(kubeconfig(kubeapi, str(tmp_path), server=dead), with_doris=False))
    target = dead.removeprefix("https://")
    sp.wait_for(lambda s: s.reason("kubernetes", target) == "refused", timeout=20,
                what="API server refused", show=SHOW)
    row = rows(sp)["kubernetes"]
    assert row["status"] == "down" and "connection refused" in row["cause"], row
    assert all(k in ("kubernetes",) for k in rows(sp)), "no workload row without the API's word"
    assert sp.get("/metrics").status_code == 200
