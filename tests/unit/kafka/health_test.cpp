#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

#include "kafka/kafka_health.h"

namespace streamprobe::kafka {
namespace {

ClusterMeta ThreeBrokers() {
  ClusterMeta m;
  m.brokers = {{1, "h1", 9092}, {2, "h2", 9092}, {3, "h3", 9092}};
  m.topics = {
      {"orders", 0,
       {{0, 1, {1, 2, 3}, {1, 2, 3}, 0},       // healthy
        {1, 3, {2, 3, 1}, {3, 1}, 0},          // under-replicated, at min ISR 2, not preferred
        {2, -1, {3, 1, 2}, {}, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE}}},  // offline
      {"logs", 0, {{0, 2, {2}, {2}, 0}}},      // rf 1
  };
  return m;
}

TEST(SummarizePartitions, CountsEveryCondition) {
  PartitionHealth h = SummarizePartitions(ThreeBrokers(), {{"orders", 2}}, 1);
  EXPECT_EQ(h.topics, 2);
  EXPECT_EQ(h.partitions, 4);
  EXPECT_EQ(h.offline, 1);
  EXPECT_EQ(h.under_replicated, 2);  // orders-1 and the offline orders-2
  EXPECT_EQ(h.under_min_isr, 1);     // orders-2 (ISR 0 < 2)
  EXPECT_EQ(h.at_min_isr, 1);        // orders-1 (ISR 2 == 2 < 3 replicas)
  EXPECT_EQ(h.preferred_leader_imbalance, 1);
  EXPECT_EQ(h.leaders_by_broker.at(1), 1);
  EXPECT_EQ(h.leaders_by_broker.at(2), 1);
  EXPECT_EQ(h.leaders_by_broker.at(3), 1);
  EXPECT_EQ(h.replicas_by_broker.at(1), 3);
  EXPECT_EQ(h.replicas_by_broker.at(2), 4);
}

TEST(SummarizePartitions, ReplicaNotAvailableIsNotOffline) {
  ClusterMeta m;
  m.brokers = {{1, "h1", 9092}};
  m.topics = {{"t", 0, {{0, 1, {1, 2}, {1}, RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE}}}};
  PartitionHealth h = SummarizePartitions(m, {}, 1);
  EXPECT_EQ(h.offline, 0);
  EXPECT_EQ(h.under_replicated, 1);
  EXPECT_EQ(h.under_min_isr, 0);
}

TEST(SummarizePartitions, DefaultMinIsrAppliesToUnknownTopics) {
  PartitionHealth h = SummarizePartitions(ThreeBrokers(), {}, 3);
  EXPECT_EQ(h.under_min_isr, 3);  // orders-1, orders-2, logs-0 (1 < 3)
}

TEST(SummarizePartitions, EmptyClusterIsAllZero) {
  PartitionHealth h = SummarizePartitions({}, {}, 1);
  EXPECT_EQ(h.partitions, 0);
  EXPECT_TRUE(h.leaders_by_broker.empty());
}

}  // namespace
}  // namespace streamprobe::kafka
