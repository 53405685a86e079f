// Parsers on fixtures recorded from real Kafka Connect 3.9.1 workers (see
// tests/fixtures/kafka_connect/README.md); hand-written edge cases are marked.
#include <gtest/gtest.h>

#include "kafka_connect/kafka_connect_parse.h"
#include "support/fake_http.h"

namespace streamprobe {
namespace {

using testing::ReadFixture;

std::string Fixture(const std::string& name) { return ReadFixture("kafka_connect/" + name); }

const ConnectConnector* Find(const ConnectConnectors& all, const std::string& name) {
  for (const ConnectConnector& c : all.connectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(ParseConnectServerInfoTest, RecordedRoot) {
  auto info = ParseConnectServerInfo(Fixture("root__3.9.1.json"));
  ASSERT_TRUE(info.ok()) << info.status.detail();
  EXPECT_EQ(info.value.version, "3.9.1");
  EXPECT_EQ(info.value.commit, "f745dfdcee2b9851");
  EXPECT_EQ(info.value.kafka_cluster_id, "ueboMpVIRTWIztftw1VG5A");
}

TEST(ParseConnectServerInfoTest, HtmlAndErrorBodiesAreBadPayload) {
  EXPECT_EQ(ParseConnectServerInfo(Fixture("health__jetty_404_during_startup.html")).status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseConnectServerInfo(Fixture("unknown_path__not_found_404.json")).status.reason(),
            Reason::kBadPayload);
  // Hand-written: truncated JSON, empty body, wrong type.
  EXPECT_FALSE(ParseConnectServerInfo("{\"version\":\"3.9").ok());
  EXPECT_FALSE(ParseConnectServerInfo("").ok());
  EXPECT_FALSE(ParseConnectServerInfo("[]").ok());
}

TEST(ParseConnectHealthTest, RecordedHealthy) {
  auto h = ParseConnectHealth(200, Fixture("health__healthy.json"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value.state, kHealthHealthy);
  EXPECT_EQ(h.value.message, "Worker has completed startup and is ready to handle requests.");
}

TEST(ParseConnectHealthTest, RecordedUnhealthyWhenKafkaIsDown) {
  auto h = ParseConnectHealth(500, Fixture("health__unhealthy_kafka_down.json"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value.state, kHealthUnhealthy);
  EXPECT_NE(h.value.message.find("flushing updates to the status topic"), std::string::npos);
}

TEST(ParseConnectHealthTest, HandWrittenStarting) {
  auto h = ParseConnectHealth(503, Fixture("health__starting_handwritten.json"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value.state, kHealthStarting);
}

TEST(ParseConnectHealthTest, NotFoundMeansUnknownEvenAsJettyHtml) {
  auto h = ParseConnectHealth(404, Fixture("health__jetty_404_during_startup.html"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value.state, kHealthUnknown);
}

TEST(ParseConnectHealthTest, OtherStatusesAndBodiesFail) {
  EXPECT_EQ(ParseConnectHealth(502, "<html>bad gateway</html>").status.reason(), Reason::kHttpStatus);
  EXPECT_EQ(ParseConnectHealth(200, "<html></html>").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseConnectHealth(500, Fixture("unknown_path__not_found_404.json")).status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseConnectHealth(200, "{\"status\":\"weird\"}").status.reason(), Reason::kBadPayload);
}

TEST(ParseRestErrorBodyTest, RecordedErrorBodies) {
  auto e404 = ParseRestErrorBody(Fixture("connector_status__not_found_404.json"));
  ASSERT_TRUE(e404);
  EXPECT_EQ(e404->error_code, 404);
  EXPECT_EQ(e404->message, "No status found for connector nope");
  auto e409 = ParseRestErrorBody(Fixture("connectors_create__conflict_409.json"));
  ASSERT_TRUE(e409);
  EXPECT_EQ(e409->error_code, 409);
  EXPECT_FALSE(ParseRestErrorBody(Fixture("health__jetty_404_during_startup.html")));
  EXPECT_FALSE(ParseRestErrorBody("{\"error_code\":\"x\"}"));  // hand-written
}

TEST(ParseConnectConnectorsTest, RecordedRunning) {
  auto all = ParseConnectConnectors(Fixture("connectors_expand__running.json"), 100);
  ASSERT_TRUE(all.ok()) << all.status.detail();
  ASSERT_EQ(all.value.connectors.size(), 2u);
  EXPECT_EQ(all.value.connectors[0].name, "file-sink");  // sorted by name
  const ConnectConnector* src = Find(all.value, "file-source");
  ASSERT_NE(src, nullptr);
  EXPECT_EQ(src->state, "RUNNING");
  EXPECT_EQ(src->type, "source");
  EXPECT_EQ(src->connector_class, "org.apache.kafka.connect.file.FileStreamSourceConnector");
  EXPECT_EQ(src->worker_id, "127.0.0.1:58035");
  ASSERT_EQ(src->tasks.size(), 1u);
  EXPECT_EQ(src->tasks[0].id, 0);
  EXPECT_EQ(src->tasks[0].state, "RUNNING");
  EXPECT_EQ(src->tasks[0].worker_id, "127.0.0.1:58137");
  EXPECT_TRUE(src->tasks[0].trace.empty());
}

TEST(ParseConnectConnectorsTest, RecordedFailedTaskKeepsTrace) {
  auto all = ParseConnectConnectors(Fixture("connectors_expand__failed.json"), 100);
  ASSERT_TRUE(all.ok());
  const ConnectConnector* broken = Find(all.value, "broken-sink");
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->state, "RUNNING");
  ASSERT_EQ(broken->tasks.size(), 1u);
  EXPECT_EQ(broken->tasks[0].state, "FAILED");
  EXPECT_EQ(FirstLine(broken->tasks[0].trace),
            "org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file "
            "'/nonexistent-dir/out.txt' for FileStreamSinkTask");
  EXPECT_EQ(ConnectErrorClass(broken->tasks[0].trace), "ConnectException");
}

TEST(ParseConnectConnectorsTest, RecordedPausedAndStopped) {
  auto paused = ParseConnectConnectors(Fixture("connectors_expand__paused.json"), 100);
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(Find(paused.value, "file-source")->state, "PAUSED");
  EXPECT_EQ(Find(paused.value, "file-source")->tasks[0].state, "PAUSED");
  auto stopped = ParseConnectConnectors(Fixture("connectors_expand__stopped.json"), 100);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(Find(stopped.value, "file-sink")->state, "STOPPED");
  EXPECT_TRUE(Find(stopped.value, "file-sink")->tasks.empty());
}

TEST(ParseConnectConnectorsTest, RecordedEmpty) {
  auto all = ParseConnectConnectors(Fixture("connectors_expand__empty.json"), 100);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all.value.connectors.empty());
}

TEST(ParseConnectConnectorsTest, CapKeepsNamesOfOmittedConnectors) {
  auto all = ParseConnectConnectors(Fixture("connectors_expand__failed.json"), 1);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value.connectors.size(), 1u);
  EXPECT_EQ(all.value.omitted, 2u);
  EXPECT_EQ(all.value.all_names.size(), 3u);
}

TEST(ParseConnectConnectorsTest, HandWrittenOddShapes) {
  // Unknown states and types map to bounded values; a missing status is UNKNOWN.
  auto odd = ParseConnectConnectors(
      R"({"a":{"status":{"connector":{"state":"DESTROYED","worker_id":"w:1"},"tasks":[{"id":1,"state":"NEW"},{"id":0,"state":"RESTARTING"}],"type":"weird"}},
          "b":{"info":{"config":{"connector.class":"X"},"type":"sink"}}})",
      100);
  ASSERT_TRUE(odd.ok()) << odd.status.detail();
  EXPECT_EQ(odd.value.connectors[0].state, kStateUnknown);
  EXPECT_EQ(odd.value.connectors[0].type, "unknown");
  EXPECT_EQ(odd.value.connectors[0].tasks[0].state, "RESTARTING");  // sorted by id
  EXPECT_EQ(odd.value.connectors[0].tasks[1].state, kStateUnknown);
  EXPECT_EQ(odd.value.connectors[1].state, kStateUnknown);
  EXPECT_EQ(odd.value.connectors[1].type, "sink");
  EXPECT_EQ(odd.value.connectors[1].connector_class, "X");
  // Broken shapes are bad payloads.
  for (const char* bad : {"[]", "{\"a\":1}", "{\"a\":{\"status\":{\"tasks\":{}}}}",
                          "{\"a\":{\"status\":{\"tasks\":[{\"id\":\"0\"}]}}}", "{\"a\":{",
                          "<html><body>502</body></html>"}) {
    EXPECT_EQ(ParseConnectConnectors(bad, 100).status.reason(), Reason::kBadPayload) << bad;
  }
}

TEST(ParseConnectConnectorsTest, HandWrittenDeepNestingIsBadPayloadNotACrash) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(ParseConnectConnectors(deep, 100).status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseConnectServerInfo("{\"a\":" + deep + "}").status.reason(), Reason::kBadPayload);
}

TEST(ParseConnectPluginsTest, RecordedPlugins) {
  auto plugins = ParseConnectPlugins(Fixture("connector_plugins__3.9.1.json"));
  ASSERT_TRUE(plugins.ok());
  ASSERT_GE(plugins.value.size(), 2u);
  EXPECT_EQ(plugins.value[0].class_name, "org.apache.kafka.connect.file.FileStreamSinkConnector");
  EXPECT_EQ(plugins.value[0].type, "sink");
  EXPECT_EQ(plugins.value[0].version, "3.9.1");
  EXPECT_FALSE(ParseConnectPlugins("{}").ok());
  EXPECT_FALSE(ParseConnectPlugins("[{\"type\":\"sink\"}]").ok());  // hand-written: no class
}

TEST(ConnectErrorClassTest, BoundedSet) {
  EXPECT_EQ(ConnectErrorClass(""), "");
  EXPECT_EQ(ConnectErrorClass("org.apache.kafka.connect.errors.DataException: bad\n\tat x"),
            "DataException");
  EXPECT_EQ(ConnectErrorClass("java.lang.NullPointerException\n\tat x"), "NullPointerException");
  EXPECT_EQ(ConnectErrorClass("com.example.SecretLeakingException: password=hunter2"), "other");
  EXPECT_EQ(ConnectErrorClass("garbage with spaces"), "other");
}

}  // namespace
}  // namespace streamprobe
