#include "kafka/kafka_kraft_wire.h"

#include "kafka/kafka_bytes.h"

namespace streamprobe::kafka {
namespace {

void PutUvarint(std::string& out, std::uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutCompactString(std::string& out, std::string_view s) {
  PutUvarint(out, static_cast<std::uint32_t>(s.size() + 1));
  out.append(s);
}

// Reader over a flexible-version body; every read fails once data runs out
// or a length is implausible, and the first failure sticks.
class FlexReader {
 public:
  explicit FlexReader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == data_.size(); }

  std::int64_t Int(int bytes) {
    if (!Need(static_cast<std::size_t>(bytes))) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data_[pos_++]);
    if (bytes == 2) return static_cast<std::int16_t>(v);
    if (bytes == 4) return static_cast<std::int32_t>(v);
    return static_cast<std::int64_t>(v);
  }
  std::uint32_t Uvarint() {
    std::uint32_t v = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      if (!Need(1)) return 0;
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      v |= static_cast<std::uint32_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    ok_ = false;  // longer than 5 bytes
    return 0;
  }
  // Compact array length: -1 for null; fails above `max`.
  long long CompactLength(std::size_t max) {
    const std::uint32_t n = Uvarint();
    if (n > max + 1) ok_ = false;
    return ok_ ? static_cast<long long>(n) - 1 : 0;
  }
  std::string CompactString() {
    const long long n = CompactLength(data_.size());
    if (n <= 0 || !Need(static_cast<std::size_t>(n))) return {};
    std::string s(data_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  // Skips a tagged-field section (KIP-482): count, then (tag, size, bytes) each.
  void TaggedFields() {
    const std::uint32_t count = Uvarint();
    for (std::uint32_t i = 0; ok_ && i < count; ++i) {
      (void)Uvarint();
      const std::uint32_t size = Uvarint();
      if (Need(size)) pos_ += size;
    }
  }

 private:
  bool Need(std::size_t n) {
    if (!ok_ || data_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::vector<ReplicaState> ReadReplicas(FlexReader& r) {
  std::vector<ReplicaState> out;
  const long long n = r.CompactLength(kMaxQuorumReplicas);
  for (long long i = 0; r.ok() && i < n; ++i) {
    ReplicaState s;
    s.replica_id = static_cast<std::int32_t>(r.Int(4));
    s.log_end_offset = r.Int(8);
    s.last_fetch_ms = r.Int(8);
    s.last_caught_up_ms = r.Int(8);
    r.TaggedFields();
    out.push_back(s);
  }
  return out;
}

}  // namespace

std::string BuildDescribeQuorumRequest(std::int32_t correlation_id, std::string_view client_id) {
  std::string body;
  PutInt16(body, kDescribeQuorumApiKey);
  PutInt16(body, kDescribeQuorumVersion);
  PutInt32(body, correlation_id);
  PutInt16(body, static_cast<std::int16_t>(client_id.size()));  // header v2 keeps int16 client id
  body.append(client_id);
  PutUvarint(body, 0);                   // header tagged fields
  PutUvarint(body, 2);                   // Topics: 1 entry
  PutCompactString(body, kClusterMetadataTopic);
  PutUvarint(body, 2);                   // Partitions: 1 entry
  PutInt32(body, 0);                     // PartitionIndex
  PutUvarint(body, 0);                   // partition tagged fields
  PutUvarint(body, 0);                   // topic tagged fields
  PutUvarint(body, 0);                   // request tagged fields
  std::string out;
  PutInt32(out, static_cast<std::int32_t>(body.size()));
  return out + body;
}

Result<QuorumDescription> ParseDescribeQuorumResponse(std::string_view body) {
  using R = Result<QuorumDescription>;
  FlexReader r(body);
  QuorumDescription out;
  out.correlation_id = static_cast<std::int32_t>(r.Int(4));
  r.TaggedFields();  // response header v1
  out.error_code = static_cast<std::int16_t>(r.Int(2));
  const long long topics = r.CompactLength(1);
  if (!r.ok()) return R::Fail(Reason::kBadPayload, "DescribeQuorum response truncated or malformed");
  if (topics != 1) {
    if (out.error_code != 0 && topics <= 0) return R::Of(out);  // a top-level error alone
    return R::Fail(Reason::kBadPayload, "DescribeQuorum response names " + std::to_string(topics) + " topics, not 1");
  }
  const std::string topic = r.CompactString();
  const long long partitions = r.CompactLength(1);
  const auto index = static_cast<std::int32_t>(r.Int(4));
  const auto partition_error = static_cast<std::int16_t>(r.Int(2));
  out.leader_id = static_cast<std::int32_t>(r.Int(4));
  out.leader_epoch = static_cast<std::int32_t>(r.Int(4));
  out.high_watermark = r.Int(8);
  out.voters = ReadReplicas(r);
  out.observers = ReadReplicas(r);
  r.TaggedFields();  // partition
  r.TaggedFields();  // topic
  r.TaggedFields();  // response
  if (!r.done()) return R::Fail(Reason::kBadPayload, "DescribeQuorum response truncated or malformed");
  if (topic != kClusterMetadataTopic || partitions != 1 || index != 0) {
    return R::Fail(Reason::kBadPayload, "DescribeQuorum response is not about " +
                                            std::string(kClusterMetadataTopic) + "-0");
  }
  if (out.error_code == 0) out.error_code = partition_error;
  return R::Of(std::move(out));
}

}  // namespace streamprobe::kafka
