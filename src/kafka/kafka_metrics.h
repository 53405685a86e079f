// KafkaRound -> metric families: pure functions (docs/backends/kafka.md lists
// every metric).
#pragma once

#include "core/metric_set.h"
#include "kafka/kafka_client.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_round.h"

namespace streamprobe::kafka {

MetricSet RenderKafka(const KafkaRound& round, const ConsumerGroupConfig& groups);

// Consumer-group series, within `groups.series_budget`: per-partition series
// (if enabled) go first, then per-topic series, then group state sets, then
// whole groups (those with the least lag first). The number of series left
// out is exported as streamprobe_kafka_consumer_group_series_dropped.
void RenderGroups(const KafkaRound& round, const ConsumerGroupConfig& groups, MetricSet& out);

// The worker-process client's restarts and liveness, labelled with `target`.
void RenderClientHealth(const ClientHealth& health, const std::string& target, MetricSet& out);

}  // namespace streamprobe::kafka
