// Probes against fake and faulty HttpClients.
#include <gtest/gtest.h>

#include "core/snapshot.h"
#include "support/fake_http.h"
#include "kafka_connect/kafka_connect_probe.h"

namespace streamprobe {
namespace {

using testing::FakeHttp;
using testing::ReadFixture;

constexpr char kW1[] = "http://127.0.0.1:58137";
constexpr char kW2[] = "http://127.0.0.1:58035";
const std::string kList = "/connectors?expand=status&expand=info";

std::string Fixture(const std::string& name) { return ReadFixture("kafka_connect/" + name); }

ProbeContext Ctx(std::shared_ptr<const Snapshot> latest = nullptr) {
  return ProbeContext{Clock::now() + std::chrono::seconds(5), std::move(latest)};
}

ConnectHttp Http(std::shared_ptr<FakeHttp> fake) {
  return ConnectHttp{std::move(fake), "", "", {}, 4u << 20};
}

// A snapshot holding one result of `system` with `facts`.
std::shared_ptr<const Snapshot> SnapshotWith(const std::string& system,
                                             std::map<std::string, std::string> facts) {
  auto r = std::make_shared<TargetResult>();
  r->cluster = "c";
  r->system = system;
  r->name = "x";
  r->facts = std::move(facts);
  SnapshotStore store;
  store.Reset({}, {"c/" + system + "/x"});
  store.Publish("c/" + system + "/x", std::move(r));
  return store.Current();
}

std::string Text(const ProbeOutcome& out) { return RenderText(out.metrics.Families()); }
bool Has(const ProbeOutcome& out, const std::string& series) {
  return Text(out).find(series) != std::string::npos;
}

TEST(WorkerProbeTest, HealthyWorkerMatchingTheKafkaCluster) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kW1) + "/", 200, Fixture("root__3.9.1.json"));
  fake->Answer(std::string(kW1) + "/health", 200, Fixture("health__healthy.json"));
  KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
  auto out = probe.Run(Ctx(SnapshotWith("kafka", {{"cluster_id", "ueboMpVIRTWIztftw1VG5A"}})));
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_TRUE(Has(out, "worker_kafka_cluster_match{worker=\"http://127.0.0.1:58137\"} 1"));
  EXPECT_TRUE(Has(out, "state=\"healthy\"} 1"));
  EXPECT_EQ(out.facts.at("worker_reachable/127.0.0.1:58137"), "1");
  EXPECT_EQ(out.facts.at("version"), "3.9.1");
}

TEST(WorkerProbeTest, OtherKafkaClusterIsAMismatchAndUnknownKafkaLeavesItOut) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kW1) + "/", 200, Fixture("root__3.9.1.json"));
  fake->Answer(std::string(kW1) + "/health", 200, Fixture("health__healthy.json"));
  KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
  auto other = probe.Run(Ctx(SnapshotWith("kafka", {{"cluster_id", "another"}})));
  EXPECT_TRUE(Has(other, "worker_kafka_cluster_match{worker=\"http://127.0.0.1:58137\"} 0"));
  auto unknown = probe.Run(Ctx());
  EXPECT_FALSE(Has(unknown, "worker_kafka_cluster_match"));
}

TEST(WorkerProbeTest, UnhealthyAndStartingAreNotServing) {
  for (auto [status, fixture, state] :
       {std::tuple{500L, "health__unhealthy_kafka_down.json", "unhealthy"},
        std::tuple{503L, "health__starting_handwritten.json", "starting"}}) {
    auto fake = std::make_shared<FakeHttp>();
    fake->Answer(std::string(kW1) + "/", 200, Fixture("root__3.9.1.json"));
    fake->Answer(std::string(kW1) + "/health", status, Fixture(fixture));
    KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
    auto out = probe.Run(Ctx());
    EXPECT_EQ(out.status.reason(), Reason::kNotServing) << fixture;
    EXPECT_TRUE(Has(out, std::string("state=\"") + state + "\"} 1")) << Text(out);
    EXPECT_TRUE(Has(out, "worker_up{worker=\"http://127.0.0.1:58137\"} 1"));
  }
}

TEST(WorkerProbeTest, OldWorkerWithoutHealthIsUpWithUnknownHealth) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kW1) + "/", 200, Fixture("root__3.9.1.json"));
  fake->Answer(std::string(kW1) + "/health", 404, Fixture("unknown_path__not_found_404.json"));
  KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_TRUE(Has(out, "state=\"unknown\"} 1"));
}

TEST(WorkerProbeTest, TransportFailuresKeepTheirReason) {
  for (Reason reason : {Reason::kRefused, Reason::kTimeout, Reason::kDns, Reason::kTls}) {
    auto fake = std::make_shared<FakeHttp>();
    fake->Fail(std::string(kW1) + "/", reason, "boom");
    KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
    auto out = probe.Run(Ctx());
    EXPECT_EQ(out.status.reason(), reason);
    EXPECT_EQ(Text(out).find("worker_health"), std::string::npos);
    EXPECT_TRUE(Has(out, "worker_up{worker=\"http://127.0.0.1:58137\"} 0"));
    EXPECT_EQ(out.facts.at("worker_reachable/127.0.0.1:58137"), "0");
    EXPECT_EQ(fake->requests.size(), 1u);  // no /health after a transport failure
  }
}

TEST(WorkerProbeTest, HealthTimeoutAfterRootAnsweredIsTimeout) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kW1) + "/", 200, Fixture("root__3.9.1.json"));
  fake->Fail(std::string(kW1) + "/health", Reason::kTimeout, "Operation timed out");
  KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kTimeout);
  EXPECT_NE(out.status.detail().find("/health"), std::string::npos);
}

TEST(WorkerProbeTest, GarbageAndErrorBodies) {
  struct Case { long status; std::string body; Reason want; };
  for (const Case& c : {Case{200, "<html><body>proxy</body></html>", Reason::kBadPayload},
                        Case{200, "{\"version\":\"3.9", Reason::kBadPayload},
                        Case{500, "{\"error_code\":500,\"message\":\"Request timed out\"}",
                             Reason::kHttpStatus},
                        Case{401, "", Reason::kAuth},
                        Case{502, Fixture("health__jetty_404_during_startup.html"),
                             Reason::kHttpStatus}}) {
    auto fake = std::make_shared<FakeHttp>();
    fake->Answer(std::string(kW1) + "/", c.status, c.body);
    fake->Answer(std::string(kW1) + "/health", 200, Fixture("health__healthy.json"));
    KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
    auto out = probe.Run(Ctx());
    EXPECT_EQ(out.status.reason(), c.want) << c.body;
  }
}

TEST(WorkerProbeTest, ErrorBodyMessageGoesToDetail) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kW1) + "/", 500, "{\"error_code\":500,\"message\":\"Request timed out\"}");
  KafkaConnectWorkerProbe probe("c", kW1, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_NE(out.status.detail().find("error_code 500: Request timed out"), std::string::npos);
}

TEST(WorkerProbeTest, OversizeBodyIsBadPayloadAndEveryRequestHasTheDeadline) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kW1) + "/", 200, std::string(2048, ' ') + Fixture("root__3.9.1.json"));
  KafkaConnectWorkerProbe probe("c", kW1, ConnectHttp{fake, "u", "p", {}, 1024});
  const ProbeContext ctx = Ctx();
  auto out = probe.Run(ctx);
  EXPECT_EQ(out.status.reason(), Reason::kBadPayload);
  ASSERT_FALSE(fake->requests.empty());
  EXPECT_EQ(fake->requests[0].deadline, ctx.deadline);
  EXPECT_EQ(fake->requests[0].method, "GET");
  EXPECT_EQ(fake->requests[0].basic_user, "u");
}

std::shared_ptr<FakeHttp> Cluster(const std::string& listing) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(kW1 + kList, 200, listing);
  fake->Answer(std::string(kW1) + "/connector-plugins", 200, Fixture("connector_plugins__3.9.1.json"));
  return fake;
}

KafkaConnectConfig Config() {
  KafkaConnectConfig c;
  c.workers = {kW1, kW2};
  return c;
}

TEST(ConnectorsProbeTest, RunningClusterIsOk) {
  auto fake = Cluster(Fixture("connectors_expand__running.json"));
  KafkaConnectConfig config = Config();
  config.expected_connectors = {"file-sink", "file-source"};
  config.expected_plugins = {"org.apache.kafka.connect.file.FileStreamSinkConnector"};
  KafkaConnectConnectorsProbe probe("c", config, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_TRUE(Has(out, "streamprobe_kafka_connect_failed_tasks 0"));
  EXPECT_TRUE(Has(out, "connector_missing{connector=\"file-source\"} 0"));
  EXPECT_TRUE(Has(out, "plugin_missing{class=\"org.apache.kafka.connect.file.FileStreamSinkConnector\"} 0"));
  EXPECT_TRUE(Has(out, "streamprobe_kafka_connect_plugins_listed 1"));
  EXPECT_EQ(out.facts.at("listed_by"), kW1);
  EXPECT_FALSE(out.facts.count("problems"));
}

// The target observes the cluster: it succeeds whenever a worker lists the
// connectors. A FAILED task or a missing connector is reported by its own
// series and alert, never as "the cluster is unavailable".
TEST(ConnectorsProbeTest, FailedTaskIsListedNotATargetFailureWithTraceInFactsNotLabels) {
  auto fake = Cluster(Fixture("connectors_expand__failed.json"));
  KafkaConnectConnectorsProbe probe("c", Config(), Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  ASSERT_TRUE(out.facts.count("problems"));
  EXPECT_NE(out.facts.at("problems").find("broken-sink/0: org.apache.kafka.connect.errors.ConnectException"),
            std::string::npos) << out.facts.at("problems");
  ASSERT_TRUE(out.facts.count("trace/broken-sink/0"));
  EXPECT_NE(out.facts.at("trace/broken-sink/0").find("FileStreamSinkTask.start"), std::string::npos);
  EXPECT_TRUE(Has(out, "streamprobe_kafka_connect_failed_tasks 1"));
  EXPECT_TRUE(Has(out, "connector_failed_tasks{connector=\"broken-sink\"} 1"));
  EXPECT_EQ(Text(out).find("FileStreamSinkTask.start"), std::string::npos);
  EXPECT_EQ(Text(out).find("nonexistent-dir"), std::string::npos);
}

TEST(ConnectorsProbeTest, MissingConnectorAndPlugin) {
  auto fake = Cluster(Fixture("connectors_expand__running.json"));
  KafkaConnectConfig config = Config();
  config.expected_connectors = {"jdbc-sink"};
  config.expected_plugins = {"io.confluent.connect.jdbc.JdbcSinkConnector"};
  KafkaConnectConnectorsProbe probe("c", config, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  const std::string problems = out.facts["problems"];
  EXPECT_NE(problems.find("missing connectors: jdbc-sink"), std::string::npos) << problems;
  EXPECT_NE(problems.find("missing plugins: io.confluent.connect.jdbc.JdbcSinkConnector"),
            std::string::npos);
  EXPECT_TRUE(Has(out, "connector_missing{connector=\"jdbc-sink\"} 1"));
}

TEST(ConnectorsProbeTest, FallsBackToTheNextWorker) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Fail(kW1 + kList, Reason::kTimeout, "timed out");
  fake->Answer(kW2 + kList, 200, Fixture("connectors_expand__paused.json"));
  fake->Answer(std::string(kW2) + "/connector-plugins", 200, Fixture("connector_plugins__3.9.1.json"));
  KafkaConnectConnectorsProbe probe("c", Config(), Http(fake));
  const ProbeContext ctx = Ctx();
  auto out = probe.Run(ctx);
  EXPECT_TRUE(out.status.ok()) << out.status.detail();  // the second worker listed them
  EXPECT_NE(out.facts["problems"].find("broken-sink"), std::string::npos);  // still FAILED
  EXPECT_TRUE(Has(out, "connectors_listed_by_info{worker=\"http://127.0.0.1:58035\"} 1"));
  EXPECT_TRUE(Has(out, "connector_state{connector=\"file-source\",state=\"PAUSED\"} 1"));
  // The first worker only got its share of the time; nobody got more than the deadline.
  ASSERT_GE(fake->requests.size(), 2u);
  EXPECT_LT(fake->requests[0].deadline, ctx.deadline);
  for (const HttpRequest& r : fake->requests) EXPECT_LE(r.deadline, ctx.deadline);
}

TEST(ConnectorsProbeTest, NoWorkerAnswersGivesTheReasonAndNoMissing) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(kW1 + kList, 409, Fixture("connectors_create__conflict_409.json"));
  fake->Answer(kW2 + kList, 200, "<html>oops</html>");
  KafkaConnectConfig config = Config();
  config.expected_connectors = {"s3-sink"};
  KafkaConnectConnectorsProbe probe("c", config, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kBadPayload);  // the last worker's reason
  EXPECT_NE(out.status.detail().find("HTTP 409 error_code 409"), std::string::npos) << out.status.detail();
  EXPECT_TRUE(Has(out, "connector_expected{connector=\"s3-sink\"} 1"));
  EXPECT_FALSE(Has(out, "connector_missing"));
}

TEST(ConnectorsProbeTest, PluginsFailureKeepsConnectorMetrics) {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(kW1 + kList, 200, Fixture("connectors_expand__running.json"));
  fake->Answer(std::string(kW1) + "/connector-plugins", 200, "{\"trunc");
  KafkaConnectConfig config = Config();
  config.expected_plugins = {"X"};
  KafkaConnectConnectorsProbe probe("c", config, Http(fake));
  auto out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_TRUE(Has(out, "connector_state{connector=\"file-source\",state=\"RUNNING\"} 1"));
  EXPECT_TRUE(Has(out, "streamprobe_kafka_connect_plugins_listed 0"));
  EXPECT_FALSE(Has(out, "plugin_missing"));
  EXPECT_NE(out.facts["problems"].find("connector plugins unknown"), std::string::npos);
}

TEST(ConnectorsProbeTest, TasksOnAWorkerFoundDownAreUnassigned) {
  auto fake = Cluster(Fixture("connectors_expand__worker_killed_12s.json"));
  KafkaConnectConnectorsProbe probe("c", Config(), Http(fake));
  auto latest = SnapshotWith("kafka_connect", {{"worker_reachable/127.0.0.1:58035", "0"}});
  auto out = probe.Run(Ctx(latest));
  EXPECT_TRUE(Has(out, "connector_state{connector=\"file-source\",state=\"UNASSIGNED\"} 1")) << Text(out);
  EXPECT_TRUE(Has(out, "task_state{connector=\"file-sink\",task=\"0\",state=\"UNASSIGNED\"} 1"));
  EXPECT_TRUE(Has(out, "task_state{connector=\"file-source\",task=\"0\",state=\"RUNNING\"} 1"));
  EXPECT_TRUE(out.facts.count("unassigned_on_down_worker"));
}

TEST(WorkerIdOfUrlTest, Forms) {
  EXPECT_EQ(WorkerIdOfUrl("http://a.b:8083"), "a.b:8083");
  EXPECT_EQ(WorkerIdOfUrl("http://a.b"), "a.b:80");
  EXPECT_EQ(WorkerIdOfUrl("https://a.b/x"), "a.b:443");
  EXPECT_EQ(WorkerIdOfUrl("http://[::1]:8083"), "[::1]:8083");
  EXPECT_EQ(WorkerIdOfUrl("http://[::1]"), "[::1]:80");
}

}  // namespace
}  // namespace streamprobe
