// `streamprobe wait` conditions judged against published results.
#include "app/wait_conditions.h"

#include <gtest/gtest.h>

#include "kafka/kafka_round.h"
#include "support/published_targets.h"

namespace streamprobe {
namespace {

struct Store {
  testing::PublishedTargets targets;

  TargetResult& Add(const std::string& system, const std::string& name, std::string component,
                    Status status = Status::Ok()) {
    return targets.Add(system, name, std::move(component), ComponentRole::kUnit, std::move(status));
  }

  std::pair<bool, std::string> Judge(const std::string& text, const std::string& cluster = "") {
    std::string error;
    auto c = ParseWaitCondition(text, cluster, &error);
    EXPECT_TRUE(c.has_value()) << error;
    if (!c) return {false, error};
    const auto snapshot = targets.Current();
    return c->judge(*snapshot, ComposeStatus(*snapshot));
  }
};

TEST(WaitConditions, UnknownConditionListsTheKnownOnes) {
  std::string error;
  EXPECT_FALSE(ParseWaitCondition("kafka-brokers>=x", "", &error));
  EXPECT_NE(error.find("zookeeper-quorum"), std::string::npos);
  EXPECT_FALSE(ParseWaitCondition("topic=", "", &error));
  EXPECT_FALSE(ParseWaitCondition("flink", "", &error));
}

TEST(WaitConditions, ZookeeperQuorumHoldsWithAMajority) {
  Store s;
  s.Add("zookeeper", "a", "zookeeper");
  s.Add("zookeeper", "b", "zookeeper", Status::Fail(Reason::kRefused, "x"));
  s.Add("zookeeper", "c", "zookeeper", Status::Fail(Reason::kRefused, "x"));
  auto [held, note] = s.Judge("zookeeper-quorum");
  EXPECT_FALSE(held);
  EXPECT_EQ(note, "ZooKeeper ensemble 1/3 (down)");
  s.targets[1].status = Status::Ok();
  EXPECT_TRUE(s.Judge("zookeeper-quorum").first);
}

TEST(WaitConditions, KafkaBrokersAndTopic) {
  Store s;
  TargetResult& kafka = s.Add("kafka", "b:9092", "kafka_brokers");
  kafka.units = {{"kafka_brokers", "id 1", Health::kOk, "", "", ""},
                 {"kafka_brokers", "id 2", Health::kDown, "not registered", "", ""}};
  auto round = std::make_shared<kafka::KafkaRound>();
  round->metadata_ok = true;
  round->meta.topics.push_back({});
  round->meta.topics.back().name = "orders";
  kafka.state = round;
  EXPECT_TRUE(s.Judge("kafka-brokers>=1").first);
  auto [held, note] = s.Judge("kafka-brokers>=2");
  EXPECT_FALSE(held);
  EXPECT_EQ(note, "Kafka brokers 1/2 (degraded)");
  EXPECT_TRUE(s.Judge("topic=orders").first);
  EXPECT_FALSE(s.Judge("topic=payments").first);
  EXPECT_FALSE(s.Judge("topic=orders", "other-cluster").first);
}

TEST(WaitConditions, ServicesAndDoris) {
  Store s;
  s.Add("schema_registry", "http://sr:8081", "schema_registry", Status::Fail(Reason::kRefused, "x"));
  s.Add("kafka_connect", "http://c:8083", "kafka_connect");
  TargetResult& cluster = s.Add("doris", "fe-0", "doris_fe");
  cluster.facts = {{"master", "10.0.0.1"}, {"backends_alive", "2"}};
  EXPECT_FALSE(s.Judge("schema-registry").first);
  EXPECT_TRUE(s.Judge("connect-worker").first);
  EXPECT_TRUE(s.Judge("doris-fe-master").first);
  EXPECT_TRUE(s.Judge("doris-be-alive>=2").first);
  auto [held, note] = s.Judge("doris-be-alive>=3");
  EXPECT_FALSE(held);
  EXPECT_EQ(note, "Doris BEs alive 2/3");
}

}  // namespace
}  // namespace streamprobe
