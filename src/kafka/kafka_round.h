// The typed result of one Kafka probe round, rendered by kafka_metrics.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

// Canary round trips, cumulative over the probe object's lifetime.
struct CanaryStats {
  static constexpr std::array<double, 11> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1,    2.5,   5,    10};
  std::array<std::uint64_t, kBounds.size()> buckets{};  // cumulative counts
  std::uint64_t count = 0;
  double sum = 0;
  std::uint64_t produce_failures = 0;
  std::uint64_t consume_failures = 0;
  bool last_ok = false;

  void Observe(double seconds);
};

struct KafkaRound {
  bool metadata_ok = false;
  ClusterMeta meta;
  PartitionHealth health;

  bool zookeeper_configured = false;
  bool registry_ok = false;        // ZooKeeper registry read this round
  bool have_expectations = false;  // expected_brokers.ids given
  std::vector<BrokerFacts> brokers;             // per broker id, sorted
  std::vector<RegistrationState> states;        // parallel to brokers

  bool groups_enabled = false;
  bool groups_ok = false;          // groups listed this round
  std::vector<GroupInfo> groups;   // filtered, sorted by id
  int coordinator_unavailable = 0; // groups skipped: coordinator leaderless or unreachable
  int offsets_unreadable = 0;      // groups asked whose committed offsets were not read
  std::vector<GroupLag> lag;       // sorted by group

  bool canary_configured = false;
  CanaryStats canary;
};

}  // namespace streamprobe::kafka
