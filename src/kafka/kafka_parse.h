// Pure conversions: librdkafka metadata -> typed values, and the Kafka
// ApiVersions v0 exchange used to prove a broker endpoint is a live broker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "core/status.h"
#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

// Converts rd_kafka_metadata() output (brokers and topics sorted). The
// cluster id and controller id come from separate calls.
ClusterMeta ConvertMetadata(const rd_kafka_metadata_t& md, std::string cluster_id,
                            int metadata_controller_id);

// An ApiVersions (api_key 18) v0 request with request header v1: int32 size,
// int16 api_key, int16 api_version, int32 correlation_id, int16-length client_id.
std::string BuildApiVersionsRequest(std::int32_t correlation_id, std::string_view client_id);

// One entry of an ApiVersions answer: the versions of one API the server accepts.
struct ApiRange {
  std::int16_t key = 0, min = 0, max = 0;
};

struct ApiVersionsResponse {
  std::int32_t correlation_id = 0;
  std::int16_t error_code = 0;
  std::int32_t api_count = 0;  // entries in the api_versions array
  std::vector<ApiRange> apis;  // those entries, in the server's order
};

// True when the answer lists `api_key` with `version` inside its range.
bool Supports(const ApiVersionsResponse& response, std::int16_t api_key, std::int16_t version);

// Largest ApiVersions response accepted (real ones are ~0.5 KiB).
inline constexpr std::size_t kMaxApiVersionsResponse = 64 * 1024;

// Parses the 4-byte size prefix; kBadPayload if below 6 or above `max_bytes`.
Result<std::int32_t> ParseResponseSize(std::string_view four_bytes,
                                       std::size_t max_bytes = kMaxApiVersionsResponse);

// Parses a v0 response body (everything after the size prefix): int32
// correlation_id, int16 error_code, int32 count, count x (int16 key, int16 min,
// int16 max). A short or inconsistent body is kBadPayload.
Result<ApiVersionsResponse> ParseApiVersionsResponse(std::string_view body);

// Splits "LISTENER://host:port" (or "host:port"); false if malformed.
bool ParseEndpoint(std::string_view endpoint, std::string* host, int* port);

// "stable", "empty", ... for an rd_kafka_consumer_group_state_t value.
std::string GroupStateName(int state);

}  // namespace streamprobe::kafka
