// The kafka_connect section: targets planned, and every error names its field.
#include <gtest/gtest.h>

#include "config/config.h"
#include "kafka_connect/kafka_connect_plan.h"

namespace streamprobe {
namespace {

LoadedConfig Load(const std::string& section) {
  static const Backend kBackends[] = {{"kafka_connect", &PlanKafkaConnect}};
  return LoadConfigText("clusters:\n  - name: dp\n    kafka_connect:\n" + section, kBackends);
}

std::string Errors(const LoadedConfig& c) { return FormatErrors(c.errors); }

TEST(KafkaConnectConfigTest, PlansOneTargetPerWorkerAndOneConnectorsTarget) {
  auto c = Load(
      "      interval: 20s\n      timeout: 12s\n"
      "      workers: [\"http://w0:8083/\", \"http://w1:8083\"]\n"
      "      expected_connectors: [http-source, jdbc-sink]\n"
      "      expected_plugins: [io.confluent.connect.jdbc.JdbcSinkConnector]\n"
      "      max_body_bytes: 65536\n"
      "      tls: {insecure_skip_verify: true}\n");
  ASSERT_TRUE(c.ok()) << Errors(c);
  ASSERT_EQ(c.plan.targets.size(), 3u);
  EXPECT_EQ(c.plan.targets[0].Id(), "dp/kafka_connect/http://w0:8083");  // trailing slash trimmed
  EXPECT_EQ(c.plan.targets[1].Id(), "dp/kafka_connect/http://w1:8083");
  EXPECT_EQ(c.plan.targets[2].Id(), "dp/kafka_connect/connectors");
  EXPECT_EQ(c.plan.targets[2].interval, Millis(20000));
  EXPECT_EQ(c.plan.targets[2].timeout, Millis(12000));
}

TEST(KafkaConnectConfigTest, ErrorsNameTheirFields) {
  struct Case { std::string yaml, want; };
  for (const Case& k : {
           Case{"      expected_connectors: [a]\n", "clusters[0].kafka_connect.workers: is required"},
           Case{"      workers: [\"w0:8083\"]\n", "clusters[0].kafka_connect.workers: \"w0:8083\" is not"},
           Case{"      workers: [\"http://a\", \"http://a/\"]\n", "is listed twice"},
           Case{"      workers: [\"http://a\"]\n      expected_connectors: [x, x]\n",
                "clusters[0].kafka_connect.expected_connectors: \"x\" is listed twice"},
           Case{"      workers: [\"http://a\"]\n      wokers: [1]\n", "clusters[0].kafka_connect.wokers"},
           Case{"      workers: [\"http://a\"]\n      basic_auth: {user: u, password: secret}\n",
                "clusters[0].kafka_connect.basic_auth.password"},
           Case{"      workers: [\"http://a\"]\n      basic_auth: {user: u}\n",
                "clusters[0].kafka_connect.basic_auth.password: is required"},
           Case{"      workers: [\"http://a\"]\n      tls: {ca: x}\n", "clusters[0].kafka_connect.tls.ca"},
           Case{"      workers: [\"http://a\"]\n      max_body_bytes: 10\n",
                "clusters[0].kafka_connect.max_body_bytes"}}) {
    auto c = Load(k.yaml);
    EXPECT_FALSE(c.ok()) << k.yaml;
    EXPECT_NE(Errors(c).find(k.want), std::string::npos) << k.yaml << " gave:\n" << Errors(c);
  }
}

}  // namespace
}  // namespace streamprobe
