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
    if (bytes_.size() - pos_ < static_cast<std::size_t>(len)) return false;
    out->assign(bytes_.substr(pos_, static_cast<std::size_t>(len)));
    pos_ += static_cast<std::size_t>(len);
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

Status Bad(const std::string& what) { return Status::Fail(Reason::kBadPayload, what); }

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
  if (version < 0 || version > 3) {
    return R::Fail(Bad("offset commit value version " + std::to_string(version) + " unknown"));
  }
  bool complete = r.Int(8, &offset) && (version < 3 || r.Int(4, &ignored)) &&  // leader epoch
                  r.String(&metadata) && r.Int(8, &ignored) &&               // commit time
                  (version != 1 || r.Int(8, &ignored));                      // expire time
  if (!complete) return R::Fail(Bad("offset commit value truncated"));
  return R::Of(offset);
}

bool OffsetsTable::Apply(std::string_view key, std::optional<std::string_view> value) {
  auto parsed = ParseOffsetsKey(key);
  if (!parsed.ok()) return false;
  if (parsed.value.type != OffsetsKeyType::kOffsetCommit) return true;
  const std::string& group = parsed.value.group;
  if (!value) {
    auto it = by_group_.find(group);
    if (it == by_group_.end()) return true;
    it->second.erase(parsed.value.tp);
    if (it->second.empty()) by_group_.erase(it);
    return true;
  }
  auto offset = ParseOffsetCommitValue(*value);
  if (!offset.ok()) return false;
  by_group_[group][parsed.value.tp] = offset.value;
  return true;
}

std::vector<GroupOffsets> OffsetsTable::Offsets(const std::vector<std::string>& groups) const {
  std::vector<GroupOffsets> out;
  out.reserve(groups.size());
  for (const auto& group : groups) {
    GroupOffsets g{group, true, {}};
    if (auto it = by_group_.find(group); it != by_group_.end()) {
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
  for (const auto& [group, parts] : by_group_) n += parts.size();
  return n;
}

}  // namespace streamprobe::kafka
