// Workload notes: the report's pod states named the way an engineer acts on
// them, and the pods a workload selects.
#include <gtest/gtest.h>

#include "kubernetes/kubernetes_round.h"

namespace streamprobe::kubernetes {
namespace {

Pod PodOf(std::string name, std::string app, std::string phase, ContainerStatus c) {
  Pod p;
  p.name = std::move(name);
  p.labels = {{"app", std::move(app)}, {"pod-template-hash", "x"}};
  p.phase = std::move(phase);
  p.containers.push_back(std::move(c));
  return p;
}

ContainerStatus Waiting(std::string image, std::string reason, std::string message, int restarts = 0,
                        std::string last = "") {
  ContainerStatus c;
  c.name = "main";
  c.image = std::move(image);
  c.waiting_reason = std::move(reason);
  c.waiting_message = std::move(message);
  c.restart_count = restarts;
  c.last_terminated_reason = std::move(last);
  return c;
}

ContainerStatus Ready() {
  ContainerStatus c;
  c.name = "main";
  c.image = "apache/kafka:3.9.1";
  c.ready = true;
  return c;
}

Workload Set(std::string kind, std::string name, int replicas, int ready, std::string app) {
  Workload w;
  w.kind = std::move(kind);
  w.name = std::move(name);
  w.replicas = replicas;
  w.ready_replicas = ready;
  w.match_labels = {{"app", std::move(app)}};
  return w;
}

KubernetesRound ReportRound() {
  NamespaceRead ns;
  ns.pods = Listed<Pod>{};
  ns.statefulsets = Listed<Workload>{};
  ns.deployments = Listed<Workload>{};
  const std::string fe = "apache/doris:2.0.3-fe-x86_64";
  for (int i = 0; i < 3; ++i) {
    ns.pods->items.push_back(PodOf("doris-fe-" + std::to_string(i), "doris-fe", "Pending",
                                   Waiting(fe, i == 2 ? "ErrImagePull" : "ImagePullBackOff",
                                           i == 2 ? "rpc error: code = NotFound desc = failed to pull "
                                                    "and unpack image \"docker.io/" + fe + "\": manifest unknown"
                                                  : "Back-off pulling image \"" + fe + "\"")));
  }
  ns.pods->items.push_back(PodOf("kafka-0", "kafka", "Running", Ready()));
  ns.pods->items.push_back(PodOf("kafka-1", "kafka", "Running",
                                 Waiting("apache/kafka:3.9.1", "CrashLoopBackOff",
                                         "back-off 5m0s restarting failed container", 7, "Error")));
  ns.pods->items.push_back(PodOf("kafka-2", "kafka", "Running", Ready()));
  ns.statefulsets->items = {Set("StatefulSet", "doris-fe", 3, 0, "doris-fe"),
                            Set("StatefulSet", "kafka", 3, 2, "kafka")};
  ns.deployments->items = {Set("Deployment", "kafka-connect", 3, 0, "kafka-connect")};
  KubernetesRound round;
  round.namespaces["data-platform"] = std::move(ns);
  return round;
}

WorkloadRef Ref(std::string component, std::string kind, std::string name) {
  return {std::move(component), "data-platform", std::move(kind), std::move(name)};
}

TEST(WorkloadNote, ImagePullNamesTheImageAndTheRegistrysWord) {
  const auto note = NoteFor(Ref("doris_fe", "StatefulSet", "doris-fe"), ReportRound());
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->workload, "StatefulSet data-platform/doris-fe");
  EXPECT_EQ(note->replicas, 3);
  EXPECT_EQ(note->ready, 0);
  EXPECT_EQ(note->health, Health::kDown);
  EXPECT_EQ(note->cause,
            "doris-fe-0, doris-fe-1: ImagePullBackOff: apache/doris:2.0.3-fe-x86_64; "
            "doris-fe-2: ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 (manifest unknown)");
  EXPECT_EQ(note->runbook, "KubernetesPodImagePullBackOff");
  EXPECT_NE(note->hint.find("kubectl describe pod doris-fe-0"), std::string::npos);
}

TEST(WorkloadNote, CrashLoopNamesRestartsAndLastExit) {
  const auto note = NoteFor(Ref("kafka_brokers", "StatefulSet", "kafka"), ReportRound());
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->health, Health::kDegraded);
  EXPECT_EQ(note->cause, "kafka-1: CrashLoopBackOff, 7 restarts, last exit Error");
  EXPECT_EQ(note->runbook, "KubernetesPodCrashLooping");
  EXPECT_EQ(note->hint, "read the previous run's log: kubectl logs kafka-1 -c main --previous");
}

TEST(WorkloadNote, PodsNeverCreatedAndWorkloadsNotFound) {
  const auto connect = NoteFor(Ref("kafka_connect", "Deployment", "kafka-connect"), ReportRound());
  ASSERT_TRUE(connect.has_value());
  EXPECT_EQ(connect->cause, "3 of 3 pods not created");
  EXPECT_EQ(connect->runbook, "KubernetesDeploymentReplicasUnavailable");
  const auto absent = NoteFor(Ref("schema_registry", "Deployment", "schema-registry"), ReportRound());
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(absent->health, Health::kDown);
  EXPECT_EQ(absent->cause, "Deployment schema-registry not found in namespace data-platform");
}

TEST(WorkloadNote, AFailedListGivesNoNoteAndAnUnknownNamespaceNeither) {
  KubernetesRound round = ReportRound();
  round.namespaces["data-platform"].pods->status = Status::Fail(Reason::kAuth, "403");
  EXPECT_FALSE(NoteFor(Ref("doris_fe", "StatefulSet", "doris-fe"), round).has_value());
  WorkloadRef elsewhere = Ref("doris_fe", "StatefulSet", "doris-fe");
  elsewhere.namespace_ = "other";
  EXPECT_FALSE(NoteFor(elsewhere, ReportRound()).has_value());
}

TEST(WorkloadNote, FlinkResourceStatesAndMissingCrds) {
  NamespaceRead ns;
  ns.flink_deployments = Listed<FlinkResource>{};
  ns.flink_deployments->items = {{"FlinkDeployment", "orders", "STABLE", "RUNNING", ""},
                                 {"FlinkDeployment", "events", "FAILED", "FAILED", "boom"}};
  ns.flink_session_jobs = Listed<FlinkResource>{};
  ns.flink_session_jobs->absent = true;
  KubernetesRound round;
  round.namespaces["flink"] = ns;
  auto ref = [](std::string kind, std::string name) {
    return WorkloadRef{"flink", "flink", std::move(kind), std::move(name)};
  };
  auto ok = NoteFor(ref("FlinkDeployment", "orders"), round);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->health, Health::kOk);
  EXPECT_EQ(ok->ready, 1);
  auto failed = NoteFor(ref("FlinkDeployment", "events"), round);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->health, Health::kDown);
  EXPECT_EQ(failed->cause, "FlinkDeployment events: lifecycle FAILED, job FAILED (boom)");
  auto no_crd = NoteFor(ref("FlinkSessionJob", "s"), round);
  ASSERT_TRUE(no_crd);
  EXPECT_EQ(no_crd->health, Health::kUnknown);
  EXPECT_NE(no_crd->cause.find("not installed"), std::string::npos);
}

TEST(SelectPods, AllMatchLabelsMustMatchAndAnEmptySelectorSelectsNothing) {
  const KubernetesRound round = ReportRound();
  const auto& pods = round.namespaces.at("data-platform").pods->items;
  EXPECT_EQ(SelectPods(Set("StatefulSet", "kafka", 3, 2, "kafka"), pods).size(), 3u);
  Workload none = Set("StatefulSet", "x", 1, 0, "kafka");
  none.match_labels["tier"] = "broker";
  EXPECT_TRUE(SelectPods(none, pods).empty());
  none.match_labels.clear();
  EXPECT_TRUE(SelectPods(none, pods).empty());
}

}  // namespace
}  // namespace streamprobe::kubernetes
