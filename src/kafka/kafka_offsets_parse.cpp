#include "kafka/kafka_offsets_parse.h"

namespace streamprobe::kafka {
namespace {

// A bounds-checked big-endian reader over a byte view. Every read fails
// (and leaves the output untouched) rather than reading past the end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  bool Int(int size, std::int64_t* out) {
    if (bytes_.size() - pos_ < static_cast<std::size_t>(size)) return false;
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<unsigned char>(bytes_[pos_ + i]);
    pos_ += static_cast<std::size_t>(size);
    // Sign-extend from `size` bytes.
    const int shift = 64 - 8 * size;
    *out = static_cast<std::int64_t>(v << shift) >> shift;
    return true;
  }

  // An int16-length string; a negative length (null) is rejected.
  bool String(std::string* out) {
    std::int64_t len = 0;
    if (!Int(2, &len) || len < 0) return false;
    return Take(static_cast<std::uint64_t>(len), out);
  }

  // An unsigned LEB128 varint of at most 5 bytes (the protocol's 32-bit
  // UNSIGNED_VARINT); longer encodings are rejected.
  bool UnsignedVarint(std::uint64_t* out) {
    std::uint64_t v = 0;
    for (int i = 0; i < 5; ++i) {
      if (pos_ >= bytes_.size()) return false;
      const auto b = static_cast<unsigned char>(bytes_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  }

  // A COMPACT_STRING (unsigned varint length + 1); null (0) is rejected.
  bool CompactString(std::string* out) {
    std::uint64_t len_plus_one = 0;
    if (!UnsignedVarint(&len_plus_one) || len_plus_one == 0) return false;
    return Take(len_plus_one - 1, out);
  }

  // The tagged fields that end every structure of a flexible version:
  // a count, then per field its tag, size and bytes. All are skipped.
  bool SkipTaggedFields() {
    std::uint64_t count = 0, tag = 0, size = 0;
    if (!UnsignedVarint(&count)) return false;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (!UnsignedVarint(&tag) || !UnsignedVarint(&size) || !Take(size, nullptr)) return false;
    }
    return true;
  }

 private:
  // The next `n` bytes, into `out` unless it is null.
  bool Take(std::uint64_t n, std::string* out) {
    if (bytes_.size() - pos_ < n) return false;
    if (out != nullptr) out->assign(bytes_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
    return true;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
};

Status Bad(const std::string& what) { return Status::Fail(Reason::kBadPayload, what); }

// Removes (group, tp) from a per-group table of maps or sets, and the group
// once it has no partition left.
template <typename ByGroup>
void Erase(ByGroup& table, const std::string& group, const TopicPartition& tp) {
  auto it = table.find(group);
  if (it == table.end()) return;
  it->second.erase(tp);
  if (it->second.empty()) table.erase(it);
}

}  // namespace

Result<OffsetsKey> ParseOffsetsKey(std::string_view key) {
  using R = Result<OffsetsKey>;
  Reader r(key);
  std::int64_t version = 0;
  if (!r.Int(2, &version)) return R::Fail(Bad("offsets key shorter than its version"));
  OffsetsKey out;
  if (version == 2) {
    out.type = OffsetsKeyType::kGroupMetadata;
    return R::Of(std::move(out));
  }
  if (version != 0 && version != 1) return R::Of(std::move(out));  // kUnknown
  std::int64_t partition = 0;
  if (!r.String(&out.group) || !r.String(&out.tp.topic) || !r.Int(4, &partition) || partition < 0) {
    return R::Fail(Bad("offset commit key truncated or malformed"));
  }
  out.type = OffsetsKeyType::kOffsetCommit;
  out.tp.partition = static_cast<int>(partition);
  return R::Of(std::move(out));
}

Result<std::int64_t> ParseOffsetCommitValue(std::string_view value) {
  using R = Result<std::int64_t>;
  Reader r(value);
  std::int64_t version = 0, offset = 0, ignored = 0;
  std::string metadata;
  if (!r.Int(2, &version)) return R::Fail(Bad("offset commit value shorter than its version"));
  if (version < 0 || version > kNewestOffsetCommitValueVersion) {
    return R::Fail(Bad("offset commit value version " + std::to_string(version) + " unknown"));
  }
  const bool flexible = version >= 4;
  bool complete = r.Int(8, &offset) && (version < 3 || r.Int(4, &ignored)) &&  // leader epoch
                  (flexible ? r.CompactString(&metadata) : r.String(&metadata)) &&
                  r.Int(8, &ignored) &&                                       // commit time
                  (version != 1 || r.Int(8, &ignored)) &&                     // expire time
                  (!flexible || r.SkipTaggedFields());
  if (!complete) return R::Fail(Bad("offset commit value truncated"));
  return R::Of(offset);
}

Status OffsetsTable::Apply(std::string_view key, std::optional<std::string_view> value) {
  auto parsed = ParseOffsetsKey(key);
  if (!parsed.ok()) return parsed.status;
  if (parsed.value.type != OffsetsKeyType::kOffsetCommit) return Status::Ok();
  const std::string& group = parsed.value.group;
  const TopicPartition& tp = parsed.value.tp;
  Erase(committed_, group, tp);
  Erase(unreadable_, group, tp);
  if (!value) return Status::Ok();  // a tombstone: the commit was deleted
  auto offset = ParseOffsetCommitValue(*value);
  if (!offset.ok()) {
    unreadable_[group].insert(tp);
    return offset.status;
  }
  committed_[group][tp] = offset.value;
  return Status::Ok();
}

std::vector<GroupOffsets> OffsetsTable::Offsets(const std::vector<std::string>& groups) const {
  std::vector<GroupOffsets> out;
  out.reserve(groups.size());
  for (const auto& group : groups) {
    GroupOffsets g{group, unreadable_.count(group) == 0, {}};
    if (auto it = committed_.find(group); g.ok && it != committed_.end()) {
      for (const auto& [tp, offset] : it->second) {
        if (offset >= 0) g.committed[tp] = offset;
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::size_t OffsetsTable::size() const {
  std::size_t n = 0;
  for (const auto& [group, parts] : committed_) n += parts.size();
  return n;
}

}  // namespace streamprobe::kafka
