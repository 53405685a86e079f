// Pure codec of the Kafka DescribeQuorum exchange (api key 55) a KRaft
// controller answers on its controller listener. Source of every field: Kafka's
// clients/src/main/resources/common/message/DescribeQuorum{Request,Response}.json
// and, for the framing of flexible versions, KIP-482 (request header v2:
// nullable int16 client id then tagged fields; response header v1: correlation
// id then tagged fields; compact arrays and strings carry length+1 as an
// unsigned varint). Recorded answers: tests/fixtures/kafka_kraft/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace streamprobe::kafka {

inline constexpr std::int16_t kDescribeQuorumApiKey = 55;
// v1 (KIP-836, Kafka 3.3) adds the fetch timestamps the caught-up check needs;
// every Kafka release since 3.3, 4.x included, accepts it.
inline constexpr std::int16_t kDescribeQuorumVersion = 1;
// Kafka's error NOT_LEADER_OR_FOLLOWER: a controller that is not the leader.
inline constexpr std::int16_t kNotLeaderOrFollower = 6;
// The metadata log every controller replicates.
inline constexpr std::string_view kClusterMetadataTopic = "__cluster_metadata";

// A DescribeQuorum v1 request for partition 0 of __cluster_metadata, size prefix included.
std::string BuildDescribeQuorumRequest(std::int32_t correlation_id, std::string_view client_id);

// One voter or observer as the leader sees it. Timestamps are the leader's wall
// clock in ms since the epoch, -1 when unknown.
struct ReplicaState {
  std::int32_t replica_id = -1;
  std::int64_t log_end_offset = -1;
  std::int64_t last_fetch_ms = -1;
  std::int64_t last_caught_up_ms = -1;  // the leader's own entry: its current time
};

struct QuorumDescription {
  std::int32_t correlation_id = 0;
  std::int16_t error_code = 0;            // the first non-zero of top level and partition
  std::int32_t leader_id = -1;
  std::int32_t leader_epoch = -1;
  std::int64_t high_watermark = -1;
  std::vector<ReplicaState> voters;
  std::vector<ReplicaState> observers;
};

// Largest DescribeQuorum answer accepted (a quorum with 1,000 observers is ~40 KiB).
inline constexpr std::size_t kMaxDescribeQuorumResponse = 1 << 20;
// More replicas than this in one list is treated as a malformed answer.
inline constexpr std::size_t kMaxQuorumReplicas = 100000;

// Parses a v1 response body (after the size prefix). A truncated, oversized or
// inconsistent body, or one not about partition 0 of __cluster_metadata, is
// kBadPayload; Kafka error codes are returned in error_code, not as failures.
Result<QuorumDescription> ParseDescribeQuorumResponse(std::string_view body);

}  // namespace streamprobe::kafka
