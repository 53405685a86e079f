// Parsers on bodies recorded from a real kube-apiserver (tests/fixtures/kubernetes).
#include <gtest/gtest.h>

#include "kubernetes/kubernetes_parse.h"
#include "support/fake_http.h"

namespace streamprobe::kubernetes {
namespace {

std::string Fixture(const std::string& name) { return testing::ReadFixture("kubernetes/" + name); }

const Pod& Named(const std::vector<Pod>& pods, const std::string& name) {
  for (const Pod& p : pods) {
    if (p.name == name) return p;
  }
  static const Pod kNone;
  ADD_FAILURE() << "no pod " << name;
  return kNone;
}

TEST(ParsePodList, TheReportsPodStates) {
  std::size_t dropped = 1;
  auto pods = ParsePodList(Fixture("pods__report.json"), 100, &dropped);
  ASSERT_TRUE(pods.ok()) << pods.status.detail();
  EXPECT_EQ(dropped, 0u);
  EXPECT_EQ(pods.value.size(), 12u);
  const Pod& fe = Named(pods.value, "doris-fe-0");
  EXPECT_EQ(fe.phase, "Pending");
  EXPECT_EQ(fe.labels.at("app.kubernetes.io/component"), "fe");
  ASSERT_EQ(fe.containers.size(), 1u);
  EXPECT_EQ(fe.containers[0].image, "apache/doris:2.0.3-fe-x86_64");
  EXPECT_EQ(fe.containers[0].waiting_reason, "ImagePullBackOff");
  EXPECT_NE(fe.containers[0].waiting_message.find("manifest unknown"), std::string::npos);
  const Pod& kafka1 = Named(pods.value, "kafka-1");
  EXPECT_EQ(kafka1.containers[0].waiting_reason, "CrashLoopBackOff");
  EXPECT_EQ(kafka1.containers[0].restart_count, 7);
  EXPECT_EQ(kafka1.containers[0].last_terminated_reason, "Error");
  EXPECT_FALSE(kafka1.containers[0].ready);
  const Pod& kafka0 = Named(pods.value, "kafka-0");
  EXPECT_TRUE(kafka0.containers[0].waiting_reason.empty());
}

TEST(ParsePodList, CapCountsTheRestAndAnEmptyListIsEmpty) {
  std::size_t dropped = 0;
  auto pods = ParsePodList(Fixture("pods__report.json"), 5, &dropped);
  ASSERT_TRUE(pods.ok());
  EXPECT_EQ(pods.value.size(), 5u);
  EXPECT_EQ(dropped, 7u);
  auto empty = ParsePodList(Fixture("pods__empty.json"), 5, &dropped);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());
}

TEST(ParseWorkloadList, ReplicasReadyAndSelector) {
  std::size_t dropped = 0;
  auto sets = ParseWorkloadList(Fixture("statefulsets__report.json"), "StatefulSet", 100, &dropped);
  ASSERT_TRUE(sets.ok()) << sets.status.detail();
  ASSERT_EQ(sets.value.size(), 3u);
  for (const Workload& w : sets.value) {
    EXPECT_EQ(w.kind, "StatefulSet");
    EXPECT_EQ(w.replicas, 3);
    EXPECT_EQ(w.match_labels.count("app.kubernetes.io/name"), 1u);
    EXPECT_EQ(w.ready_replicas, w.name == "kafka" ? 2 : 0) << w.name;  // absent readyReplicas is 0
  }
  auto deployments = ParseWorkloadList(Fixture("deployments__report.json"), "Deployment", 100, &dropped);
  ASSERT_TRUE(deployments.ok());
  ASSERT_EQ(deployments.value.size(), 1u);
  EXPECT_EQ(deployments.value[0].name, "kafka-connect");
  EXPECT_EQ(deployments.value[0].ready_replicas, 0);
}

TEST(ParseFlinkList, LifecycleAndJobState) {
  std::size_t dropped = 0;
  auto deployments = ParseFlinkList(Fixture("flinkdeployments__report.json"), "FlinkDeployment", 10, &dropped);
  ASSERT_TRUE(deployments.ok()) << deployments.status.detail();
  ASSERT_EQ(deployments.value.size(), 1u);
  EXPECT_EQ(deployments.value[0].name, "orders-etl");
  EXPECT_EQ(deployments.value[0].lifecycle_state, "STABLE");
  EXPECT_EQ(deployments.value[0].job_state, "RUNNING");
  auto jobs = ParseFlinkList(Fixture("flinksessionjobs__report.json"), "FlinkSessionJob", 10, &dropped);
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(jobs.value[0].name, "payments-agg");
}

TEST(ParseStatusMessage, ForbiddenNamesVerbResourceAndNamespace) {
  EXPECT_EQ(ParseStatusMessage(Fixture("pods__forbidden_403.json")),
            "pods is forbidden: User \"streamprobe\" cannot list resource \"pods\" in API group \"\" "
            "in the namespace \"data-platform\"");
  EXPECT_EQ(ParseStatusMessage(Fixture("flinkdeployments__crd_missing_404.json")), "");
}

TEST(ParseLists, HostileBodiesFailWithBadPayloadNeverThrow) {
  std::size_t dropped = 0;
  for (const std::string& body : std::vector<std::string>{"", "[]", "{\"items\": 5}", "{\"items\": [1]}",
                                 "{\"items\": [{\"metadata\": {}}]}", std::string(100000, '['),
                                 "<html>502</html>"}) {
    EXPECT_EQ(ParsePodList(body, 10, &dropped).status.reason(), Reason::kBadPayload) << body.substr(0, 40);
    EXPECT_EQ(ParseWorkloadList(body, "StatefulSet", 10, &dropped).status.reason(), Reason::kBadPayload);
  }
  // Wrong types inside an item are ignored field by field, never trusted.
  auto odd = ParsePodList(R"({"items":[{"metadata":{"name":"p","labels":{"a":1}},"status":{"phase":7,
      "containerStatuses":[{"name":"c","restartCount":"many","ready":"yes","state":{"waiting":{}}}]}}]})",
                          10, &dropped);
  ASSERT_TRUE(odd.ok());
  EXPECT_TRUE(odd.value[0].labels.empty());
  EXPECT_EQ(odd.value[0].phase, "");
  EXPECT_EQ(odd.value[0].containers[0].restart_count, 0);
  EXPECT_FALSE(odd.value[0].containers[0].ready);
  EXPECT_EQ(odd.value[0].containers[0].waiting_reason, "ContainerCreating");
}

}  // namespace
}  // namespace streamprobe::kubernetes
