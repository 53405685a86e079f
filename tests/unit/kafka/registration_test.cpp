#include <gtest/gtest.h>

#include "kafka/kafka_registration.h"

namespace streamprobe::kafka {
namespace {

using S = RegistrationState;
using R = Reachability;

struct Case {
  const char* name;
  bool zk;             // ZooKeeper mode
  bool expectations;   // expected ids given
  bool expected;
  std::string expected_host;
  bool registered;
  std::string registered_host;
  std::optional<BrokerMeta> metadata;
  R reach;
  S want;
  bool metadata_known = true;
  bool parsed = true;
};

const BrokerMeta kMeta11{1, "127.0.0.11", 9092};
const BrokerMeta kMeta31{1, "127.0.0.31", 9092};

const Case kCases[] = {
    {"zk_ok", true, true, true, "127.0.0.11", true, "127.0.0.11", kMeta11, R::kReachable, S::kOk},
    {"zk_ok_no_pattern", true, true, true, "", true, "127.0.0.31", kMeta31, R::kReachable, S::kOk},
    {"zk_missing", true, true, true, "127.0.0.11", false, "", std::nullopt, R::kUnchecked, S::kMissing},
    {"zk_stale_dead_endpoint", true, true, true, "127.0.0.11", true, "127.0.0.11", kMeta11,
     R::kUnreachable, S::kStale},
    {"zk_incident_foreign_live_broker", true, true, true, "127.0.0.11", true, "127.0.0.31", kMeta31,
     R::kReachable, S::kHostMismatch},
    {"zk_foreign_dead_registration_is_stale", true, true, true, "127.0.0.11", true, "127.0.0.31",
     kMeta31, R::kUnreachable, S::kStale},
    {"zk_unexpected_registered", true, true, false, "", true, "127.0.0.14", BrokerMeta{4, "127.0.0.14", 9092},
     R::kReachable, S::kUnexpected},
    {"zk_no_expectations_everything_goes", true, false, false, "", true, "127.0.0.14",
     BrokerMeta{4, "127.0.0.14", 9092}, R::kReachable, S::kOk},
    {"zk_in_metadata_not_registered", true, true, true, "", false, "", kMeta11, R::kReachable,
     S::kMetadataDisagreement},
    {"zk_registered_not_in_metadata", true, true, true, "", true, "127.0.0.11", std::nullopt,
     R::kReachable, S::kMetadataDisagreement},
    {"zk_endpoints_differ", true, true, true, "", true, "127.0.0.11", kMeta31, R::kReachable,
     S::kMetadataDisagreement},
    {"zk_metadata_unknown_is_not_disagreement", true, true, true, "", true, "127.0.0.11", std::nullopt,
     R::kReachable, S::kOk, false},
    {"zk_unreadable_registration", true, true, true, "", true, "127.0.0.11", kMeta11, R::kReachable,
     S::kMetadataDisagreement, true, false},
    {"kraft_ok", false, true, true, "127.0.0.11", false, "", kMeta11, R::kReachable, S::kOk},
    {"kraft_missing", false, true, true, "", false, "", std::nullopt, R::kUnchecked, S::kMissing},
    {"kraft_unreachable", false, true, true, "", false, "", kMeta11, R::kUnreachable, S::kUnreachable},
    {"kraft_host_mismatch", false, true, true, "127.0.0.11", false, "", kMeta31, R::kReachable,
     S::kHostMismatch},
    {"kraft_unexpected", false, true, false, "", false, "", kMeta11, R::kReachable, S::kUnexpected},
};

TEST(ClassifyBroker, EveryStateFromTheTable) {
  for (const Case& c : kCases) {
    BrokerFacts f;
    f.id = 1;
    f.expected = c.expected;
    f.expected_host = c.expected_host;
    f.registered = c.registered;
    f.registration_parsed = c.parsed;
    f.registered_host = c.registered_host;
    f.registered_port = c.registered ? 9092 : -1;
    f.metadata = c.metadata;
    f.reachability = c.reach;
    S got = ClassifyBroker(f, {c.zk, c.expectations, c.metadata_known});
    EXPECT_EQ(RegistrationStateName(got), RegistrationStateName(c.want)) << "case " << c.name;
  }
}

zookeeper::BrokerRegistration Reg(int id, const std::string& host, long long ts) {
  zookeeper::BrokerRegistration r;
  r.id = id;
  r.host = host;
  r.port = 9092;
  r.timestamp_ms = ts;
  return r;
}

TEST(JoinBrokerFacts, UnionOfAllSourcesWithAges) {
  zookeeper::KafkaRegistry registry;
  registry.brokers = {Reg(1, "127.0.0.31", 1'000'000), Reg(4, "127.0.0.14", 0)};
  registry.brokers[1].stat.ctime_ms = 1'010'000;
  registry.brokers[1].host = "";
  registry.brokers[1].port = -1;
  registry.brokers[1].endpoints = {"SASL_PLAINTEXT://127.0.0.14:9094"};
  ClusterMeta meta;
  meta.brokers = {{1, "127.0.0.31", 9092}, {3, "127.0.0.13", 9092}};
  const int expected[] = {1, 2, 3};
  auto facts = JoinBrokerFacts(expected, {{1, "127.0.0.11"}, {2, "127.0.0.12"}, {3, "127.0.0.13"}},
                               &registry, meta, 1'030'000);
  ASSERT_EQ(facts.size(), 4u);
  EXPECT_EQ(facts[0].id, 1);
  EXPECT_TRUE(facts[0].registered);
  EXPECT_EQ(facts[0].registered_host, "127.0.0.31");
  EXPECT_DOUBLE_EQ(facts[0].registration_age_seconds, 30);
  EXPECT_EQ(facts[0].expected_host, "127.0.0.11");
  EXPECT_FALSE(facts[1].registered);
  EXPECT_FALSE(facts[1].metadata.has_value());
  EXPECT_TRUE(facts[2].metadata.has_value());
  EXPECT_FALSE(facts[3].expected);
  EXPECT_EQ(facts[3].registered_host, "127.0.0.14");  // from the first endpoint
  EXPECT_EQ(facts[3].registered_port, 9094);
  EXPECT_DOUBLE_EQ(facts[3].registration_age_seconds, 20);  // from ctime
}

// INTERNAL listed first, streamprobe bootstrapped on EXTERNAL: the registration
// is compared (and checked) on the listener the metadata came from.
zookeeper::BrokerRegistration TwoListeners(int id, int internal_port, int external_port) {
  zookeeper::BrokerRegistration r = Reg(id, "", 1'000'000);
  r.port = -1;
  r.endpoints = {"INTERNAL://10.0.0." + std::to_string(id) + ":" + std::to_string(internal_port),
                 "EXTERNAL://127.0.0.1" + std::to_string(id) + ":" + std::to_string(external_port)};
  return r;
}

TEST(JoinBrokerFacts, ComparesOnTheListenerTheMetadataCameFrom) {
  zookeeper::KafkaRegistry registry;
  registry.brokers = {TwoListeners(1, 9092, 9094), TwoListeners(2, 9092, 9094)};
  ClusterMeta meta;
  meta.brokers = {{1, "127.0.0.11", 9094}};  // broker 2 not in metadata this round
  const int expected[] = {1, 2};
  auto facts = JoinBrokerFacts(expected, {}, &registry, meta, 1'030'000);
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts[0].registered_listener, "EXTERNAL");
  EXPECT_EQ(facts[0].registered_host, "127.0.0.11");
  EXPECT_EQ(facts[0].registered_port, 9094);
  facts[0].reachability = Reachability::kReachable;
  EXPECT_EQ(ClassifyBroker(facts[0], {true, true, true}), S::kOk);
  // Without metadata of its own, broker 2 is checked on the listener learned from broker 1.
  EXPECT_EQ(facts[1].registered_listener, "EXTERNAL");
  EXPECT_EQ(facts[1].registered_port, 9094);
  EXPECT_EQ(EndpointToCheck(facts[1])->host, "127.0.0.12");
}

TEST(JoinBrokerFacts, EndpointThatMatchesNoListenerIsStillADisagreement) {
  zookeeper::KafkaRegistry registry;
  registry.brokers = {TwoListeners(1, 9092, 9094)};
  ClusterMeta meta;
  meta.brokers = {{1, "127.0.0.11", 9999}};
  const int expected[] = {1};
  auto facts = JoinBrokerFacts(expected, {}, &registry, meta, 1'030'000);
  ASSERT_EQ(facts.size(), 1u);
  facts[0].reachability = Reachability::kReachable;
  EXPECT_EQ(ClassifyBroker(facts[0], {true, true, true}), S::kMetadataDisagreement);
}

TEST(JoinBrokerFacts, RegistrationFromTheFutureIsFlaggedNotFresh) {
  zookeeper::KafkaRegistry registry;
  registry.brokers = {Reg(1, "127.0.0.11", 1'000'000 + 3'600'000),  // an hour ahead
                      Reg(2, "127.0.0.12", 1'000'000 + 2'000)};     // 2 s: ordinary skew
  ClusterMeta meta;
  const int expected[] = {1, 2};
  auto facts = JoinBrokerFacts(expected, {}, &registry, meta, 1'000'000);
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_DOUBLE_EQ(facts[0].registration_ahead_seconds, 3600);
  EXPECT_DOUBLE_EQ(facts[0].registration_age_seconds, -1);  // unknown, not 0
  EXPECT_DOUBLE_EQ(facts[1].registration_ahead_seconds, 0);
  EXPECT_DOUBLE_EQ(facts[1].registration_age_seconds, 0);
}

TEST(EndpointToCheck, PrefersTheRegisteredEndpoint) {
  BrokerFacts f;
  f.id = 1;
  EXPECT_FALSE(EndpointToCheck(f).has_value());
  f.metadata = kMeta11;
  EXPECT_EQ(EndpointToCheck(f)->host, "127.0.0.11");
  f.registered = true;
  f.registered_host = "127.0.0.31";
  f.registered_port = 9999;
  EXPECT_EQ(EndpointToCheck(f)->host, "127.0.0.31");
  EXPECT_EQ(EndpointToCheck(f)->port, 9999);
}

}  // namespace
}  // namespace streamprobe::kafka
