// The Kafka probe: one target per cluster. I/O only through the seams in
// kafka_client.h and zookeeper/znode_reader.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include "core/probe.h"
#include "kafka/kafka_client.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_lag.h"
#include "kafka/kafka_round.h"
#include "zookeeper/znode_reader.h"

namespace streamprobe::kafka {

struct KafkaSeams {
  std::shared_ptr<KafkaClient> client;
  std::shared_ptr<zookeeper::ZnodeReader> zookeeper;  // null for KRaft
  std::shared_ptr<EndpointChecker> checker;
  std::function<double()> now_unix;                   // wall clock, seconds
};

// Publishes fact "cluster_id". Status: the metadata failure reason; else
// kNotServing when partitions are offline; else ok. Keeps across rounds: the
// client handles, the min.insync.replicas cache, lag history, canary stats.
class KafkaProbe : public Probe {
 public:
  // Topics' min.insync.replicas are re-read every this many rounds.
  static constexpr int kMinIsrRefreshRounds = 10;
  static constexpr std::size_t kMaxSelectableGroupIdLength = 1024;

  KafkaProbe(KafkaConfig config, KafkaSeams seams);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  void ReadRegistration(const ProbeContext& ctx, KafkaRound& round);
  void CheckEndpoints(const ProbeContext& ctx, KafkaRound& round);
  void RefreshMinIsr(const ProbeContext& ctx, const ClusterMeta& meta);
  void ReadGroups(const ProbeContext& ctx, KafkaRound& round);
  void RunCanary(const ProbeContext& ctx, KafkaRound& round);
  // Whether allow/deny select group `id`; ids longer than
  // kMaxSelectableGroupIdLength characters never are.
  bool GroupSelected(const std::string& id) const;
  // Applies the client's own faults of this round to `out` and adds its metrics.
  ProbeOutcome WithClientHealth(ProbeOutcome out);

  KafkaConfig config_;
  KafkaSeams seams_;
  std::regex allow_, deny_;
  std::map<std::string, int> min_isr_;
  long long rounds_ = 0;
  LagHistory history_;
  CanaryStats canary_;
};

// Production seams for `config` (librdkafka client, ZooKeeper session when
// configured, ApiVersions checker).
KafkaSeams ProductionSeams(const KafkaConfig& config);

}  // namespace streamprobe::kafka
