#include "kafka/kafka_parse.h"

#include <algorithm>

#include "kafka/kafka_bytes.h"
#include "net/tcp.h"

namespace streamprobe::kafka {
namespace {

// Big-endian reader over a byte string; every Read fails once data runs out.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Int16(std::int16_t* v) {
    if (data_.size() - pos_ < 2) return false;
    *v = static_cast<std::int16_t>((Byte(0) << 8) | Byte(1));
    pos_ += 2;
    return true;
  }
  bool Int32(std::int32_t* v) {
    if (data_.size() - pos_ < 4) return false;
    *v = static_cast<std::int32_t>((Byte(0) << 24) | (Byte(1) << 16) | (Byte(2) << 8) | Byte(3));
    pos_ += 4;
    return true;
  }
  std::size_t left() const { return data_.size() - pos_; }

 private:
  std::uint32_t Byte(std::size_t i) const {
    return static_cast<unsigned char>(data_[pos_ + i]);
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

std::vector<int> Ints(const int32_t* values, int count) {
  if (values == nullptr || count <= 0) return {};
  return std::vector<int>(values, values + count);
}

}  // namespace

ClusterMeta ConvertMetadata(const rd_kafka_metadata_t& md, std::string cluster_id,
                            int metadata_controller_id) {
  ClusterMeta out;
  out.cluster_id = std::move(cluster_id);
  out.metadata_controller_id = metadata_controller_id;
  for (int i = 0; i < md.broker_cnt; ++i) {
    const auto& b = md.brokers[i];
    out.brokers.push_back({b.id, b.host ? b.host : "", b.port});
  }
  for (int t = 0; t < md.topic_cnt; ++t) {
    const auto& topic = md.topics[t];
    TopicMeta tm{topic.topic ? topic.topic : "", static_cast<int>(topic.err), {}};
    for (int p = 0; p < topic.partition_cnt; ++p) {
      const auto& part = topic.partitions[p];
      tm.partitions.push_back({part.id, part.leader, Ints(part.replicas, part.replica_cnt),
                               Ints(part.isrs, part.isr_cnt), static_cast<int>(part.err)});
    }
    std::sort(tm.partitions.begin(), tm.partitions.end(),
              [](const PartitionMeta& a, const PartitionMeta& b) { return a.id < b.id; });
    out.topics.push_back(std::move(tm));
  }
  std::sort(out.brokers.begin(), out.brokers.end(),
            [](const BrokerMeta& a, const BrokerMeta& b) { return a.id < b.id; });
  std::sort(out.topics.begin(), out.topics.end(),
            [](const TopicMeta& a, const TopicMeta& b) { return a.name < b.name; });
  return out;
}

std::string BuildApiVersionsRequest(std::int32_t correlation_id, std::string_view client_id) {
  std::string body;
  PutInt16(body, 18);  // api_key ApiVersions
  PutInt16(body, 0);   // api_version
  PutInt32(body, correlation_id);
  PutInt16(body, static_cast<std::int16_t>(client_id.size()));
  body.append(client_id);
  std::string out;
  PutInt32(out, static_cast<std::int32_t>(body.size()));
  return out + body;
}

Result<std::int32_t> ParseResponseSize(std::string_view four_bytes, std::size_t max_bytes) {
  Reader r(four_bytes);
  std::int32_t size = 0;
  if (four_bytes.size() != 4 || !r.Int32(&size)) {
    return Result<std::int32_t>::Fail(Reason::kBadPayload, "short size prefix");
  }
  if (size < 6 || static_cast<std::size_t>(size) > max_bytes) {
    return Result<std::int32_t>::Fail(Reason::kBadPayload,
                                      "response size " + std::to_string(size) + " out of range");
  }
  return Result<std::int32_t>::Of(size);
}

Result<ApiVersionsResponse> ParseApiVersionsResponse(std::string_view body) {
  using R = Result<ApiVersionsResponse>;
  Reader r(body);
  ApiVersionsResponse out;
  if (!r.Int32(&out.correlation_id) || !r.Int16(&out.error_code)) {
    return R::Fail(Reason::kBadPayload, "ApiVersions response header truncated");
  }
  if (!r.Int32(&out.api_count)) {
    // Old brokers may answer an unsupported version with only an error code.
    if (out.error_code != 0 && r.left() == 0) return R::Of(out);
    return R::Fail(Reason::kBadPayload, "ApiVersions array length missing");
  }
  if (out.api_count < 0 || static_cast<std::size_t>(out.api_count) * 6 != r.left()) {
    return R::Fail(Reason::kBadPayload, "ApiVersions array length inconsistent with size");
  }
  out.apis.resize(static_cast<std::size_t>(out.api_count));
  for (ApiRange& api : out.apis) {
    (void)(r.Int16(&api.key) && r.Int16(&api.min) && r.Int16(&api.max));  // sizes checked above
  }
  return R::Of(out);
}

bool Supports(const ApiVersionsResponse& response, std::int16_t api_key, std::int16_t version) {
  return std::any_of(response.apis.begin(), response.apis.end(), [&](const ApiRange& api) {
    return api.key == api_key && api.min <= version && version <= api.max;
  });
}

bool ParseEndpoint(std::string_view endpoint, std::string* host, int* port) {
  auto scheme = endpoint.find("://");
  if (scheme != std::string_view::npos) endpoint.remove_prefix(scheme + 3);
  return SplitHostPort(std::string(endpoint), host, port) && !host->empty();
}

std::string GroupStateName(int state) {
  switch (state) {
    case RD_KAFKA_CONSUMER_GROUP_STATE_PREPARING_REBALANCE: return "preparing_rebalance";
    case RD_KAFKA_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE: return "completing_rebalance";
    case RD_KAFKA_CONSUMER_GROUP_STATE_STABLE: return "stable";
    case RD_KAFKA_CONSUMER_GROUP_STATE_DEAD: return "dead";
    case RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY: return "empty";
    default: return "unknown";
  }
}

}  // namespace streamprobe::kafka
