// Which broker coordinates a consumer group, computed from metadata the way
// Kafka assigns it: partition Utils.abs(groupId.hashCode()) % partitions of
// __consumer_offsets, coordinator = that partition's leader. Pure functions.
//
// Used to avoid coordinator-routed admin requests (DescribeConsumerGroups,
// ListConsumerGroupOffsets) to a dead coordinator: librdkafka 2.0.2 can abort
// in rd_kafka_admin_coord_request when such a request timed out before its
// coordinator became known again (docs/backends/kafka.md).
#pragma once

#include <cstdint>
#include <string_view>

#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";

// java.lang.String.hashCode() of the UTF-16 form of `utf8` (invalid bytes are
// taken as U+FFFD, as Java's decoder does).
std::int32_t JavaStringHash(std::string_view utf8);

// Partition of __consumer_offsets holding `group` (0 if partitions <= 0).
int GroupOffsetsPartition(std::string_view group, int partitions);

// Leader of the group's __consumer_offsets partition; -1 if the topic or the
// partition is unknown or leaderless.
int GroupCoordinator(std::string_view group, const ClusterMeta& meta);

}  // namespace streamprobe::kafka
