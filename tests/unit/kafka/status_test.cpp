// The Kafka brokers' units: one per classified broker id, with the cause a
// platform engineer acts on.
#include "kafka/kafka_status.h"

#include <gtest/gtest.h>

namespace streamprobe::kafka {
namespace {

BrokerFacts Facts(int id, std::string host, int port) {
  BrokerFacts b;
  b.id = id;
  b.expected = true;
  b.registered = !host.empty();
  b.registered_host = std::move(host);
  b.registered_port = port;
  return b;
}

TEST(BrokerUnits, EachStateNamesItsCauseAndRunbook) {
  KafkaRound round;
  round.brokers = {Facts(0, "127.0.0.1", 9092), Facts(1, "127.0.0.31", 9092),
                   Facts(2, "127.0.0.1", 9094), Facts(3, "", -1), Facts(9, "127.0.0.9", 9092)};
  round.states = {RegistrationState::kOk, RegistrationState::kHostMismatch,
                  RegistrationState::kStale, RegistrationState::kMissing,
                  RegistrationState::kUnexpected};
  const int expected[] = {0, 1, 2, 3};
  const auto units = BrokerUnits(round, expected, Status::Ok());
  ASSERT_EQ(units.size(), 4u);  // the unexpected id 9 does not make the cluster short
  EXPECT_EQ(units[0].name, "id 0");
  EXPECT_EQ(units[0].health, Health::kOk);
  EXPECT_EQ(units[1].name, "id 1 (127.0.0.31)");
  EXPECT_EQ(units[1].health, Health::kDown);
  EXPECT_NE(units[1].cause.find("live foreign broker"), std::string::npos);
  EXPECT_NE(units[1].cause.find("do not delete the znodes"), std::string::npos);
  EXPECT_EQ(units[1].runbook, "KafkaBrokerIdRegisteredByForeignHost");
  EXPECT_EQ(units[2].name, "id 2 (127.0.0.1:9094)");
  EXPECT_NE(units[2].cause.find("stale registration"), std::string::npos);
  EXPECT_EQ(units[2].runbook, "KafkaBrokerRegistrationStale");
  EXPECT_EQ(units[3].name, "id 3");
  EXPECT_NE(units[3].hint.find("NodeExistsException"), std::string::npos);
  EXPECT_EQ(units[3].runbook, "KafkaExpectedBrokerMissing");
  for (const auto& u : units) EXPECT_EQ(u.component, "kafka_brokers");
}

TEST(BrokerUnits, NothingClassifiedGivesTheExpectedIdsTheRoundsReason) {
  const KafkaRound round;
  const int expected[] = {0, 1};
  const auto units = BrokerUnits(round, expected, Status::Fail(Reason::kRefused, "bootstrap"));
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[1].name, "id 1");
  EXPECT_EQ(units[1].health, Health::kDown);
  EXPECT_NE(units[1].cause.find("refused"), std::string::npos);
  EXPECT_TRUE(BrokerUnits(round, {}, Status::Fail(Reason::kRefused, "x")).empty());
}

}  // namespace
}  // namespace streamprobe::kafka
