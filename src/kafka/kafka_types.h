// Typed results of one Kafka probe round. Plain values, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace streamprobe::kafka {

struct BrokerMeta {
  int id = -1;
  std::string host;
  int port = -1;
};

struct PartitionMeta {
  int id = -1;
  int leader = -1;             // -1: no leader
  std::vector<int> replicas;   // replicas[0] is the preferred leader
  std::vector<int> isr;
  int error = 0;               // Kafka error code; 0 = none
};

struct TopicMeta {
  std::string name;
  int error = 0;
  std::vector<PartitionMeta> partitions;
};

// What rd_kafka_metadata() said, converted to values.
struct ClusterMeta {
  std::string cluster_id;            // "" if the broker did not say
  int metadata_controller_id = -1;   // KRaft: a random broker (KAFKA-17404)
  std::vector<BrokerMeta> brokers;   // sorted by id
  std::vector<TopicMeta> topics;     // sorted by name
};

// Partition health derived from metadata (and min.insync.replicas per topic).
struct PartitionHealth {
  int topics = 0;
  int partitions = 0;
  int offline = 0;             // leader -1 or partition error
  int under_replicated = 0;    // |ISR| < |replicas|
  int under_min_isr = 0;       // |ISR| < min.insync.replicas
  int at_min_isr = 0;          // |ISR| == min.insync.replicas (one more loss blocks acks=all)
  int preferred_leader_imbalance = 0;  // leader != replicas[0]
  std::map<int, int> leaders_by_broker;    // broker id -> partitions it leads
  std::map<int, int> replicas_by_broker;   // broker id -> replicas it hosts
};

// A broker endpoint probe (TCP connect + ApiVersions v0).
enum class Reachability { kUnchecked, kReachable, kUnreachable };

// Per broker id: the three sources and what they say.
struct BrokerFacts {
  int id = -1;
  bool expected = false;
  std::string expected_host;                  // "" if no host pattern
  bool registered = false;                    // /brokers/ids/<id> exists
  bool registration_parsed = true;            // its JSON is what Kafka writes
  // The registered endpoint on the listener streamprobe's metadata came from
  // (matched by host:port, else the listener learned from other brokers), else
  // the legacy host/port, else the first endpoint.
  std::string registered_listener;            // "" if unknown (legacy host/port)
  std::string registered_host;
  int registered_port = -1;
  long long registration_session = 0;         // owning ZooKeeper session (ephemeralOwner)
  double registration_age_seconds = -1;       // -1 unknown (or in the future)
  double registration_ahead_seconds = 0;      // > 0: registered "in the future" beyond skew
  std::optional<BrokerMeta> metadata;         // present in metadata
  Reachability reachability = Reachability::kUnchecked;  // of the registered (or metadata) endpoint
};

// Named states of a broker id (see docs/backends/kafka.md for each rule).
enum class RegistrationState {
  kOk,
  kMissing,               // expected, neither registered nor in metadata
  kStale,                 // registered, endpoint dead (old session not yet expired)
  kHostMismatch,          // registered (live) from a host other than the expected one
  kUnexpected,            // registered / in metadata but not expected
  kMetadataDisagreement,  // ZooKeeper and metadata disagree (presence or endpoint)
  kUnreachable,           // no ZooKeeper: in metadata, endpoint dead
};

struct GroupInfo {
  std::string id;
  std::string state;   // stable, empty, dead, preparing_rebalance, completing_rebalance, unknown
  int members = -1;    // -1: not described
  bool simple = false;
};

struct TopicPartition {
  std::string topic;
  int partition = -1;
  bool operator<(const TopicPartition& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
  bool operator==(const TopicPartition& o) const = default;
};

// Committed offsets of one group (ListConsumerGroupOffsets).
struct GroupOffsets {
  std::string group;
  bool ok = true;
  std::map<TopicPartition, std::int64_t> committed;  // only partitions with a commit (>= 0)
};

struct PartitionLag {
  TopicPartition tp;
  std::int64_t committed = -1;
  std::int64_t log_end = -1;
  std::int64_t lag = 0;        // log_end - committed, never negative
  double time_lag_seconds = 0; // estimate, see LagHistory
};

// A group's lag. A partition whose log-end offset is unknown has no lag: it is
// counted in partitions_without_log_end, and every sum that would include it
// (its topic's entry, the group totals) is unknown too, never a smaller number.
struct GroupLag {
  std::string group;
  // Only topics whose every committed partition has a known log end.
  std::map<std::string, std::int64_t> lag_by_topic;
  std::map<std::string, double> time_lag_by_topic;   // max over the topic's partitions
  std::vector<PartitionLag> partitions;              // partitions with a known log end
  // Over `partitions`; the group's lag only when complete().
  std::int64_t total_lag = 0;
  double max_time_lag_seconds = 0;
  int partitions_without_log_end = 0;

  bool complete() const { return partitions_without_log_end == 0; }
};

}  // namespace streamprobe::kafka
