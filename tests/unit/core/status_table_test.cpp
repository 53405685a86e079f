// The status table composed from published results: expected vs ready, the
// cause in words, root causes before what follows from them.
#include "core/status_table.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/status_render.h"
#include "support/published_targets.h"

namespace streamprobe {
namespace {

struct Fixture {
  testing::PublishedTargets targets;

  TargetResult& Add(const std::string& system, const std::string& name, std::string component,
                    ComponentRole role, Status status = Status::Ok()) {
    return targets.Add(system, name, std::move(component), role, std::move(status));
  }

  StatusTable Compose() { return ComposeStatus(*targets.Current()); }
};

ComponentUnit Broker(int id, Health health, std::string cause = "") {
  ComponentUnit u;
  u.component = "kafka_brokers";
  u.name = "id " + std::to_string(id) + (health == Health::kOk ? "" : " (127.0.0.3" + std::to_string(id) + ")");
  u.health = health;
  u.cause = std::move(cause);
  u.runbook = health == Health::kOk ? "" : "KafkaBrokerIdRegisteredByForeignHost";
  return u;
}

const ComponentRow& RowOf(const StatusTable& t, const std::string& key) {
  for (const ComponentRow& r : t.rows) {
    if (r.key == key) return r;
  }
  static const ComponentRow kNone;
  ADD_FAILURE() << "no row " << key;
  return kNone;
}

void AddZookeeper(Fixture& f, int down) {
  for (int i = 0; i < 3; ++i) {
    f.Add("zookeeper", "zk-" + std::to_string(i), "zookeeper", ComponentRole::kUnit,
          i < down ? Status::Fail(Reason::kRefused, "connect: refused") : Status::Ok());
  }
}

// The deployment report's incident: ids 1 and 2 held by a live foreign
// deployment, Doris pods never started, Connect waiting for Kafka.
StatusTable Incident() {
  Fixture f;
  AddZookeeper(f, 0);
  TargetResult& kafka = f.Add("kafka", "127.0.0.1:9092", "kafka_brokers", ComponentRole::kUnit);
  const std::string foreign = "registered by a live foreign broker; do not delete the znodes";
  kafka.units = {Broker(0, Health::kOk), Broker(1, Health::kDown, foreign),
                 Broker(2, Health::kDown, foreign)};
  for (int i = 0; i < 3; ++i) {
    f.Add("doris", "doris-fe-" + std::to_string(i), "doris_fe", ComponentRole::kUnit,
          Status::Fail(Reason::kDns, "Could not resolve host"));
    f.Add("doris", "doris-be-" + std::to_string(i), "doris_be", ComponentRole::kUnit,
          Status::Fail(Reason::kDns, "Could not resolve host"));
  }
  f.Add("doris", "cluster", "doris_fe", ComponentRole::kCheck,
        Status::Fail(Reason::kDns, "no FE answers"));
  f.Add("kafka_connect", "http://connect:8083", "kafka_connect", ComponentRole::kUnit,
        Status::Fail(Reason::kRefused, "connect: refused"));
  return f.Compose();
}

TEST(StatusTable, IncidentNamesTheCauseWithExpectedVsReady) {
  const StatusTable t = Incident();
  const ComponentRow& kafka = RowOf(t, "kafka_brokers");
  EXPECT_EQ(kafka.expected, 3);
  EXPECT_EQ(kafka.ready, 1);
  EXPECT_EQ(kafka.health, Health::kDegraded);
  EXPECT_EQ(kafka.cause,
            "id 1 (127.0.0.31), id 2 (127.0.0.32): registered by a live foreign broker; do not "
            "delete the znodes");
  EXPECT_EQ(kafka.runbook, "KafkaBrokerIdRegisteredByForeignHost");
  EXPECT_TRUE(kafka.follows_from.empty());

  const ComponentRow& fe = RowOf(t, "doris_fe");
  EXPECT_EQ(fe.expected, 3);  // the cluster view is a check, not a unit
  EXPECT_EQ(fe.ready, 0);
  EXPECT_EQ(fe.health, Health::kDown);
  EXPECT_EQ(fe.cause.rfind("doris-fe-0, doris-fe-1, doris-fe-2: name does not resolve", 0), 0u)
      << fe.cause;
  EXPECT_NE(fe.cause.find("cluster: no FE answers"), std::string::npos) << fe.cause;
  EXPECT_NE(fe.hint.find("ImagePullBackOff"), std::string::npos);
  EXPECT_EQ(fe.runbook, "DorisFrontendDown");
  EXPECT_EQ(fe.targets.size(), 4u);
}

TEST(StatusTable, RootCausesFirstThenWhatFollowsThenHealthy) {
  const StatusTable t = Incident();
  std::vector<std::string> order;
  for (const ComponentRow& r : t.rows) order.push_back(r.key);
  EXPECT_EQ(order, (std::vector<std::string>{"kafka_brokers", "doris_fe", "kafka_connect",
                                              "doris_be", "zookeeper"}));
  EXPECT_EQ(RowOf(t, "kafka_connect").follows_from, "kafka_brokers");
  EXPECT_EQ(RowOf(t, "doris_be").follows_from, "doris_fe");
  EXPECT_EQ(RowOf(t, "zookeeper").health, Health::kOk);
  EXPECT_EQ(t.overall, Health::kDown);
  EXPECT_EQ(CheckExitCode(t.overall), 2);
}

TEST(StatusTable, QuorumComponentIsDownWithoutAMajority) {
  Fixture one_down;
  AddZookeeper(one_down, 1);
  EXPECT_EQ(RowOf(one_down.Compose(), "zookeeper").health, Health::kDegraded);
  Fixture two_down;
  AddZookeeper(two_down, 2);
  const StatusTable t = two_down.Compose();
  const ComponentRow& zk = RowOf(t, "zookeeper");
  EXPECT_EQ(zk.health, Health::kDown);
  EXPECT_EQ(zk.ready, 1);
  EXPECT_EQ(zk.runbook, "ZookeeperQuorumLost");
  EXPECT_EQ(zk.cause, "zk-0, zk-1: connection refused (process down or restarting)");
}

TEST(StatusTable, AFailedCheckDegradesAnOtherwiseReadyComponent) {
  Fixture f;
  f.Add("kafka_connect", "http://connect:8083", "kafka_connect", ComponentRole::kUnit);
  f.Add("kafka_connect", "connectors", "kafka_connect", ComponentRole::kCheck,
        Status::Fail(Reason::kNotServing, "declared connector s3-sink missing"));
  const StatusTable t = f.Compose();
  const ComponentRow& connect = RowOf(t, "kafka_connect");
  EXPECT_EQ(connect.expected, 1);
  EXPECT_EQ(connect.ready, 1);
  EXPECT_EQ(connect.health, Health::kDegraded);
  EXPECT_EQ(connect.cause, "connectors: declared connector s3-sink missing");
  EXPECT_EQ(CheckExitCode(t.overall), 1);
}

TEST(StatusTable, CouldNotAskIsUnknownNotDown) {
  Fixture f;
  f.Add("flink", "jobmanager", "flink", ComponentRole::kUnit,
        Status::Fail(Reason::kOther, "client broke"));
  const StatusTable t = f.Compose();
  EXPECT_EQ(RowOf(t, "flink").health, Health::kUnknown);
  EXPECT_EQ(t.overall, Health::kUnknown);
  EXPECT_EQ(CheckExitCode(t.overall), 1);
}

TEST(StatusTable, HealthyPlatformExitsZeroAndTargetsWithoutComponentAreLeftOut) {
  Fixture f;
  AddZookeeper(f, 0);
  f.Add("zookeeper", "znodes", "zookeeper", ComponentRole::kCheck);
  f.Add("test", "other", "", ComponentRole::kNone, Status::Fail(Reason::kRefused, "x"));
  const StatusTable t = f.Compose();
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].expected, 3);
  EXPECT_EQ(t.rows[0].ready, 3);
  EXPECT_TRUE(t.rows[0].cause.empty());
  EXPECT_TRUE(t.rows[0].runbook.empty());
  EXPECT_EQ(CheckExitCode(t.overall), 0);
}

WorkloadNote ImagePull(std::string component, long long replicas) {
  WorkloadNote n;
  n.component = std::move(component);
  n.workload = "StatefulSet data-platform/doris-fe";
  n.replicas = replicas;
  n.ready = 0;
  n.health = Health::kDown;
  n.cause = "doris-fe-0, doris-fe-1, doris-fe-2: ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 "
            "(manifest unknown)";
  n.hint = "check the image";
  n.runbook = "KubernetesPodImagePullBackOff";
  return n;
}

TEST(StatusTable, KubernetesNamesTheRootBeforeWhatTheServiceProbesSee) {
  Fixture f;
  for (int i = 0; i < 3; ++i) {
    f.Add("doris", "doris-fe-" + std::to_string(i), "doris_fe", ComponentRole::kUnit,
          Status::Fail(Reason::kDns, "Could not resolve host"));
  }
  f.Add("kubernetes", "10.96.0.1:443", "kubernetes", ComponentRole::kUnit).notes = {
      ImagePull("doris_fe", 3)};
  const StatusTable t = f.Compose();
  const ComponentRow& fe = RowOf(t, "doris_fe");
  EXPECT_EQ(fe.expected, 3);  // the FE targets count it
  EXPECT_EQ(fe.ready, 0);
  EXPECT_EQ(fe.health, Health::kDown);
  EXPECT_EQ(fe.cause.rfind("doris-fe-0, doris-fe-1, doris-fe-2: ImagePullBackOff: "
                           "apache/doris:2.0.3-fe-x86_64 (manifest unknown); doris-fe-0, ",
                           0),
            0u)
      << fe.cause;
  EXPECT_EQ(fe.hint, "check the image");
  EXPECT_EQ(fe.runbook, "KubernetesPodImagePullBackOff");
  ASSERT_EQ(fe.workloads.size(), 1u);
  EXPECT_EQ(RowOf(t, "kubernetes").health, Health::kOk);
}

TEST(StatusTable, AWorkloadAloneCountsItsReplicas) {
  Fixture f;
  WorkloadNote kafka;
  kafka.component = "kafka_brokers";
  kafka.replicas = 3;
  kafka.ready = 2;
  kafka.health = Health::kDegraded;
  kafka.cause = "kafka-1: CrashLoopBackOff, 7 restarts, last exit Error";
  kafka.runbook = "KubernetesPodCrashLooping";
  f.Add("kubernetes", "api", "kubernetes", ComponentRole::kUnit).notes = {kafka};
  const StatusTable t = f.Compose();
  const ComponentRow& row = RowOf(t, "kafka_brokers");
  EXPECT_EQ(row.expected, 3);
  EXPECT_EQ(row.ready, 2);
  EXPECT_EQ(row.health, Health::kDegraded);
  EXPECT_EQ(row.cause, "kafka-1: CrashLoopBackOff, 7 restarts, last exit Error");
  EXPECT_EQ(row.runbook, "KubernetesPodCrashLooping");
}

TEST(StatusTable, AUnitNamingItsOwnCauseLeadsBeforeTheCrashLoopItCauses) {
  Fixture f;
  const std::string foreign = "registered by a live foreign broker; do not delete the znodes";
  f.Add("kafka", "b:9092", "kafka_brokers", ComponentRole::kUnit).units = {
      Broker(0, Health::kOk), Broker(1, Health::kDown, foreign), Broker(2, Health::kOk)};
  WorkloadNote crash;
  crash.component = "kafka_brokers";
  crash.replicas = 3;
  crash.ready = 2;
  crash.health = Health::kDegraded;
  crash.cause = "kafka-1: CrashLoopBackOff, 7 restarts, last exit Error";
  crash.hint = "read the previous run's log";
  crash.runbook = "KubernetesPodCrashLooping";
  f.Add("kubernetes", "api", "kubernetes", ComponentRole::kUnit).notes = {crash};
  const StatusTable t = f.Compose();
  const ComponentRow& row = RowOf(t, "kafka_brokers");
  EXPECT_EQ(row.cause, "id 1 (127.0.0.31): " + foreign + "; " + crash.cause);
  EXPECT_EQ(row.runbook, "KafkaBrokerIdRegisteredByForeignHost");
}

TEST(StatusJson, StableFieldNames) {
  const nlohmann::json body = nlohmann::json::parse(RenderStatusJson(Incident()));
  EXPECT_EQ(body["status"], "down");
  ASSERT_TRUE(body["components"].is_array());
  const nlohmann::json& connect = body["components"][2];
  EXPECT_EQ(connect["component"], "kafka_connect");
  EXPECT_EQ(connect["title"], "Kafka Connect");
  EXPECT_EQ(connect["cluster"], "platform");
  EXPECT_EQ(connect["expected"], 1);
  EXPECT_EQ(connect["ready"], 0);
  EXPECT_EQ(connect["status"], "down");
  EXPECT_EQ(connect["follows_from"], "kafka_brokers");
  EXPECT_EQ(connect["runbook_url"],
            "https://github.com/streamprobe/streamprobe/blob/main/docs/runbooks/"
            "KafkaConnectClusterUnavailable.md");
  EXPECT_EQ(connect["units"][0]["status"], "down");
  EXPECT_EQ(connect["targets"][0]["reason"], "refused");
  EXPECT_TRUE(connect["workloads"].is_array());
  EXPECT_TRUE(body["components"][4]["follows_from"].is_null());
  EXPECT_TRUE(body["components"][4]["runbook_url"].is_null());
}

TEST(StatusText, OneLinePerComponentColourOnlyWhenAsked) {
  const StatusTable t = Incident();
  const std::string plain = RenderStatusText(t, false);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(plain.find("Kafka brokers 1/3"), std::string::npos) << plain;
  EXPECT_NE(plain.find("follows from Kafka brokers"), std::string::npos) << plain;
  EXPECT_NE(plain.find("overall: down"), std::string::npos);
  EXPECT_NE(RenderStatusText(t, true).find("\033[31m"), std::string::npos);
}

}  // namespace
}  // namespace streamprobe
