#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_plan.h"

namespace streamprobe::kafka {
namespace {

const Backend kKafka[] = {{"kafka", &PlanKafka}};

LoadedConfig Load(const std::string& section) {
  return LoadConfigText("clusters:\n  - name: dp\n    kafka:\n" + section, kKafka);
}

std::string Errors(const LoadedConfig& loaded) { return FormatErrors(loaded.errors); }

TEST(KafkaConfig, FullExampleDecodes) {
  const char* path = "/tmp/streamprobe-kafka-config-test-password";
  std::ofstream(path) << "s3cret\n";
  auto loaded = Load(R"(      interval: 15s
      timeout: 10s
      bootstrap: ["kafka-0.kafka-headless:9092"]
      zookeeper: {connect: "zk-0:2181,zk-1:2181", chroot: /kafka, session_timeout: 10s}
      expected_brokers: {ids: [2, 0, 1], host_pattern: "kafka-{id}.kafka-headless"}
      consumer_groups: {enabled: true, allow: ".*", deny: "^_", per_partition: true, series_budget: 50}
      canary: {topic: streamprobe-canary, partition: 0}
      client: {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512, sasl.username: streamprobe}
      client_secrets:
        sasl.password: {file: /tmp/streamprobe-kafka-config-test-password}
)");
  ASSERT_TRUE(loaded.ok()) << Errors(loaded);
  ASSERT_EQ(loaded.plan.targets.size(), 1u);
  const auto& t = loaded.plan.targets[0];
  EXPECT_EQ(t.system, "kafka");
  EXPECT_EQ(t.name, "kafka-0.kafka-headless:9092");
  EXPECT_EQ(t.cluster, "dp");
  EXPECT_EQ(t.interval, Millis(15000));
  EXPECT_EQ(t.timeout, Millis(10000));
  std::remove(path);
}

TEST(KafkaConfig, KraftControllersAreTargetsWithAQuorumView) {
  auto loaded = Load(R"(      interval: 15s
      timeout: 10s
      bootstrap: ["kafka-0:9092"]
      kraft: {controllers: ["ctl-0:9093", "ctl-1:9093", "ctl-2:9093"]}
)");
  ASSERT_TRUE(loaded.ok()) << Errors(loaded);
  ASSERT_EQ(loaded.plan.targets.size(), 4u);
  for (std::size_t i = 1; i < 4; ++i) {
    const auto& t = loaded.plan.targets[i];
    EXPECT_EQ(t.system, "kafka_kraft");
    EXPECT_EQ(t.name, "ctl-" + std::to_string(i - 1) + ":9093");
    EXPECT_EQ(t.timeout, Millis(10000));
    EXPECT_FALSE(t.fingerprint.empty());
  }
  ASSERT_EQ(loaded.plan.views.size(), 1u);
  EXPECT_EQ(loaded.plan.views[0].target_ids,
            (std::vector<std::string>{"dp/kafka_kraft/ctl-0:9093", "dp/kafka_kraft/ctl-1:9093",
                                      "dp/kafka_kraft/ctl-2:9093"}));
}

TEST(KafkaConfig, DecodesFieldsAndDefaults) {
  YAML::Node node = YAML::Load(R"(
bootstrap: ["a:1", "b:2"]
expected_brokers: {ids: [2, 1], host_pattern: "kafka-{id}.svc"}
client: {security.protocol: SSL}
)");
  ErrorList errors;
  Decoder d(node, "kafka", &errors);
  KafkaConfig cfg = DecodeKafkaConfig(d, ClusterContext{"dp", Millis(15000), Millis(5000)});
  ASSERT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_EQ(cfg.BootstrapServers(), "a:1,b:2");
  EXPECT_EQ(cfg.expected.ids, (std::vector<int>{1, 2}));
  EXPECT_EQ(cfg.ExpectedHost(2), "kafka-2.svc");
  EXPECT_TRUE(cfg.UsesTls());
  EXPECT_FALSE(cfg.zookeeper.has_value());
  EXPECT_TRUE(cfg.groups.enabled);
  EXPECT_EQ(cfg.groups.series_budget, 2000);
  EXPECT_FALSE(cfg.groups.per_partition);
  EXPECT_EQ(cfg.groups.offsets_source, OffsetsSource::kAdminApi);
  EXPECT_TRUE(cfg.canary.topic.empty());
}

TEST(KafkaConfig, OffsetsSourceOffsetsTopicDecodes) {
  YAML::Node node = YAML::Load("bootstrap: [\"a:1\"]\nconsumer_groups: {offsets_source: offsets_topic}\n");
  ErrorList errors;
  Decoder d(node, "kafka", &errors);
  KafkaConfig cfg = DecodeKafkaConfig(d, ClusterContext{"dp", Millis(15000), Millis(5000)});
  ASSERT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_EQ(cfg.groups.offsets_source, OffsetsSource::kOffsetsTopic);
}

struct ErrorCase {
  const char* name;
  std::string section;
  std::string expected;  // substring of the formatted errors
};

TEST(KafkaConfig, EveryErrorNamesItsField) {
  const ErrorCase cases[] = {
      {"missing_bootstrap", "      interval: 15s\n", "clusters[0].kafka.bootstrap: is required"},
      {"bad_bootstrap", "      bootstrap: [nohost]\n", "kafka.bootstrap[0]: must be host:port"},
      {"unknown_key", "      bootstrap: [a:1]\n      bootstrapp: x\n", "kafka.bootstrapp"},
      {"zk_without_connect", "      bootstrap: [a:1]\n      zookeeper: {chroot: /k}\n",
       "kafka.zookeeper.connect"},
      {"zk_chroot_in_connect", "      bootstrap: [a:1]\n      zookeeper: {connect: \"z:2181/kafka\"}\n",
       "kafka.zookeeper.connect: must not contain a chroot"},
      {"zk_relative_chroot", "      bootstrap: [a:1]\n      zookeeper: {connect: z:2181, chroot: kafka}\n",
       "kafka.zookeeper.chroot: must start with /"},
      {"duplicate_ids", "      bootstrap: [a:1]\n      expected_brokers: {ids: [1, 1]}\n",
       "kafka.expected_brokers.ids: must not repeat"},
      {"negative_id", "      bootstrap: [a:1]\n      expected_brokers: {ids: [-1]}\n",
       "kafka.expected_brokers.ids[0]"},
      {"pattern_without_id", "      bootstrap: [a:1]\n      expected_brokers: {host_pattern: kafka}\n",
       "kafka.expected_brokers.host_pattern: must contain {id}"},
      {"bad_regex", "      bootstrap: [a:1]\n      consumer_groups: {deny: \"([\"}\n",
       "kafka.consumer_groups.deny: invalid regular expression"},
      {"zero_budget", "      bootstrap: [a:1]\n      consumer_groups: {series_budget: 0}\n",
       "kafka.consumer_groups.series_budget"},
      {"unknown_offsets_source", "      bootstrap: [a:1]\n      consumer_groups: {offsets_source: zookeeper}\n",
       "kafka.consumer_groups.offsets_source: must be admin_api or offsets_topic"},
      {"canary_without_topic", "      bootstrap: [a:1]\n      canary: {partition: 1}\n",
       "kafka.canary.topic"},
      {"unknown_librdkafka_property", "      bootstrap: [a:1]\n      client: {no.such.property: x}\n",
       "kafka.client.no.such.property: unknown librdkafka property"},
      {"invalid_librdkafka_value", "      bootstrap: [a:1]\n      client: {security.protocol: carrier-pigeon}\n",
       "kafka.client.security.protocol: rejected by librdkafka"},
      {"inline_secret", "      bootstrap: [a:1]\n      client: {sasl.password: hunter2}\n",
       "kafka.client.sasl.password: is a secret"},
      {"reserved_property", "      bootstrap: [a:1]\n      client: {bootstrap.servers: x:1}\n",
       "kafka.client.bootstrap.servers: is set by streamprobe"},
      {"unknown_secret", "      bootstrap: [a:1]\n      client_secrets: {sasl.username: {env: X}}\n",
       "kafka.client_secrets.sasl.username"},
      {"secret_inline_string", "      bootstrap: [a:1]\n      client_secrets: {sasl.password: hunter2}\n",
       "kafka.client_secrets.sasl.password: must be {file"},
      {"kraft_without_controllers", "      bootstrap: [a:1]\n      kraft: {}\n",
       "kafka.kraft.controllers: is required"},
      {"kraft_empty_controllers", "      bootstrap: [a:1]\n      kraft: {controllers: []}\n",
       "kafka.kraft.controllers: must list at least one"},
      {"kraft_bad_controller", "      bootstrap: [a:1]\n      kraft: {controllers: [c:1, nohost]}\n",
       "kafka.kraft.controllers[1]: must be host:port"},
      {"kraft_repeated_controller", "      bootstrap: [a:1]\n      kraft: {controllers: [c:1, c:1]}\n",
       "kafka.kraft.controllers[1]: repeats c:1"},
      {"kraft_unknown_key", "      bootstrap: [a:1]\n      kraft: {controllers: [c:1], voters: 3}\n",
       "kafka.kraft.voters"},
      {"timeout_above_interval", "      bootstrap: [a:1]\n      interval: 5s\n      timeout: 10s\n",
       "kafka.timeout"},
  };
  for (const auto& c : cases) {
    auto loaded = Load(c.section);
    EXPECT_FALSE(loaded.ok()) << c.name;
    EXPECT_NE(Errors(loaded).find(c.expected), std::string::npos)
        << c.name << ": got\n" << Errors(loaded);
    EXPECT_EQ(Errors(loaded).find("hunter2"), std::string::npos) << c.name << " leaked a secret";
  }
}

TEST(KafkaConfig, RejectedSecretValueIsNotShown) {
  setenv("STREAMPROBE_KAFKA_TEST_OAUTH", "not=a=valid=config", 1);
  auto loaded = Load("      bootstrap: [a:1]\n      client_secrets: {sasl.password: {env: STREAMPROBE_KAFKA_TEST_OAUTH}}\n");
  EXPECT_TRUE(loaded.ok()) << Errors(loaded);  // any string is a valid password
  unsetenv("STREAMPROBE_KAFKA_TEST_OAUTH");
}

}  // namespace
}  // namespace streamprobe::kafka
