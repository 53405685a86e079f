// Exact exposition for typed Kafka Connect observations.
#include <gtest/gtest.h>

#include "kafka_connect/kafka_connect_metrics.h"

namespace streamprobe {
namespace {

std::string Render(const MetricSet& set) { return RenderText(set.Families()); }

// Drops HELP/TYPE lines so the series can be compared on their own.
std::string Series(const MetricSet& set) {
  std::string text = Render(set), out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    if (line.rfind("#", 0) != 0) out += line + "\n";
    pos = end + 1;
  }
  return out;
}

TEST(RenderWorkerTest, HealthyWorkerOnTheRightCluster) {
  MetricSet set;
  WorkerObservation w{"http://w1:8083", true, ConnectServerInfo{"3.9.1", "abc", "K1"}, kHealthHealthy,
                      true};
  RenderWorker(w, set);
  EXPECT_EQ(Series(set),
            "streamprobe_kafka_connect_worker_health{worker=\"http://w1:8083\",state=\"healthy\"} 1\n"
            "streamprobe_kafka_connect_worker_health{worker=\"http://w1:8083\",state=\"starting\"} 0\n"
            "streamprobe_kafka_connect_worker_health{worker=\"http://w1:8083\",state=\"unhealthy\"} 0\n"
            "streamprobe_kafka_connect_worker_health{worker=\"http://w1:8083\",state=\"unknown\"} 0\n"
            "streamprobe_kafka_connect_worker_info{worker=\"http://w1:8083\",version=\"3.9.1\","
            "commit=\"abc\",kafka_cluster_id=\"K1\"} 1\n"
            "streamprobe_kafka_connect_worker_kafka_cluster_match{worker=\"http://w1:8083\"} 1\n"
            "streamprobe_kafka_connect_worker_up{worker=\"http://w1:8083\"} 1\n");
}

TEST(RenderWorkerTest, UnreachableWorkerHasOnlyUp) {
  MetricSet set;
  RenderWorker(WorkerObservation{"http://w2:8083", false, std::nullopt, kHealthUnknown, std::nullopt},
               set);
  EXPECT_EQ(Series(set), "streamprobe_kafka_connect_worker_up{worker=\"http://w2:8083\"} 0\n");
}

ConnectConnectors Listing() {
  ConnectConnectors l;
  ConnectConnector a;
  a.name = "cdc-source";
  a.state = "RUNNING";
  a.worker_id = "w1:8083";
  a.type = "source";
  a.connector_class = "io.debezium.connector.mysql.MySqlConnector";
  a.tasks.push_back({0, "RUNNING", "w1:8083", ""});
  a.tasks.push_back({1, "FAILED", "w2:8083", "org.apache.kafka.connect.errors.ConnectException: x\n\tat y"});
  l.connectors.push_back(a);
  l.all_names = {"cdc-source"};
  return l;
}

TEST(RenderConnectorsTest, ExactSeriesForOneConnectorWithAFailedTask) {
  MetricSet set;
  ConnectorsObservation obs;
  obs.listed_by = "http://w1:8083";
  obs.listing = Listing();
  obs.plugins = std::vector<ConnectPlugin>{{"io.debezium.connector.mysql.MySqlConnector", "source", "2.7"}};
  obs.expected_connectors = {"cdc-source", "jdbc-sink"};
  obs.expected_plugins = {"io.confluent.connect.jdbc.JdbcSinkConnector"};
  RenderConnectors(obs, set);
  EXPECT_EQ(Series(set),
            "streamprobe_kafka_connect_connector_expected{connector=\"cdc-source\"} 1\n"
            "streamprobe_kafka_connect_connector_expected{connector=\"jdbc-sink\"} 1\n"
            "streamprobe_kafka_connect_connector_failed_tasks{connector=\"cdc-source\"} 1\n"
            "streamprobe_kafka_connect_connector_info{connector=\"cdc-source\",type=\"source\","
            "class=\"io.debezium.connector.mysql.MySqlConnector\",worker_id=\"w1:8083\"} 1\n"
            "streamprobe_kafka_connect_connector_missing{connector=\"cdc-source\"} 0\n"
            "streamprobe_kafka_connect_connector_missing{connector=\"jdbc-sink\"} 1\n"
            "streamprobe_kafka_connect_connector_state{connector=\"cdc-source\",state=\"UNASSIGNED\"} 0\n"
            "streamprobe_kafka_connect_connector_state{connector=\"cdc-source\",state=\"RUNNING\"} 1\n"
            "streamprobe_kafka_connect_connector_state{connector=\"cdc-source\",state=\"PAUSED\"} 0\n"
            "streamprobe_kafka_connect_connector_state{connector=\"cdc-source\",state=\"FAILED\"} 0\n"
            "streamprobe_kafka_connect_connector_state{connector=\"cdc-source\",state=\"RESTARTING\"} 0\n"
            "streamprobe_kafka_connect_connector_state{connector=\"cdc-source\",state=\"STOPPED\"} 0\n"
            "streamprobe_kafka_connect_connector_tasks{connector=\"cdc-source\"} 2\n"
            "streamprobe_kafka_connect_connectors 1\n"
            "streamprobe_kafka_connect_connectors_listed_by_info{worker=\"http://w1:8083\"} 1\n"
            "streamprobe_kafka_connect_connectors_omitted 0\n"
            "streamprobe_kafka_connect_failed_tasks 1\n"
            "streamprobe_kafka_connect_plugin_expected{class=\"io.confluent.connect.jdbc.JdbcSinkConnector\"} 1\n"
            "streamprobe_kafka_connect_plugin_info{class=\"io.debezium.connector.mysql.MySqlConnector\","
            "type=\"source\",version=\"2.7\"} 1\n"
            "streamprobe_kafka_connect_plugin_missing{class=\"io.confluent.connect.jdbc.JdbcSinkConnector\"} 1\n"
            "streamprobe_kafka_connect_plugins_listed 1\n"
            "streamprobe_kafka_connect_task_error_info{connector=\"cdc-source\",task=\"1\","
            "error_class=\"ConnectException\"} 1\n"
            "streamprobe_kafka_connect_task_info{connector=\"cdc-source\",task=\"0\",worker_id=\"w1:8083\"} 1\n"
            "streamprobe_kafka_connect_task_info{connector=\"cdc-source\",task=\"1\",worker_id=\"w2:8083\"} 1\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"0\",state=\"UNASSIGNED\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"0\",state=\"RUNNING\"} 1\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"0\",state=\"PAUSED\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"0\",state=\"FAILED\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"0\",state=\"RESTARTING\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"0\",state=\"STOPPED\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"1\",state=\"UNASSIGNED\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"1\",state=\"RUNNING\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"1\",state=\"PAUSED\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"1\",state=\"FAILED\"} 1\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"1\",state=\"RESTARTING\"} 0\n"
            "streamprobe_kafka_connect_task_state{connector=\"cdc-source\",task=\"1\",state=\"STOPPED\"} 0\n");
  // The trace never reaches a label.
  EXPECT_EQ(Render(set).find("at y"), std::string::npos);
}

TEST(RenderConnectorsTest, UnknownListingExportsExpectationsButNoMissing) {
  MetricSet set;
  ConnectorsObservation obs;
  obs.expected_connectors = {"s3-sink"};
  obs.expected_plugins = {"P"};
  RenderConnectors(obs, set);
  EXPECT_EQ(Series(set),
            "streamprobe_kafka_connect_connector_expected{connector=\"s3-sink\"} 1\n"
            "streamprobe_kafka_connect_plugin_expected{class=\"P\"} 1\n");
}

TEST(MarkDownWorkersUnassignedTest, OnlyWhatRunsOnADownWorker) {
  ConnectConnectors l = Listing();
  auto changed = MarkDownWorkersUnassigned(l, {"w2:8083"});
  ASSERT_EQ(changed, (std::vector<std::string>{"cdc-source/1"}));
  EXPECT_EQ(l.connectors[0].state, "RUNNING");
  EXPECT_EQ(l.connectors[0].tasks[0].state, "RUNNING");
  EXPECT_EQ(l.connectors[0].tasks[1].state, "UNASSIGNED");
  EXPECT_TRUE(MarkDownWorkersUnassigned(l, {}).empty());
}

TEST(MissingTest, OmittedConnectorsAreNotMissing) {
  ConnectConnectors l;
  l.all_names = {"a", "b"};
  l.omitted = 2;
  EXPECT_EQ(MissingConnectors(l, {"b", "c"}), (std::vector<std::string>{"c"}));
  EXPECT_EQ(MissingPlugins({{"X", "sink", ""}}, {"X", "Y"}), (std::vector<std::string>{"Y"}));
}

}  // namespace
}  // namespace streamprobe
