// Pure decoding of the records of Kafka's internal __consumer_offsets topic
// (OffsetCommitKey / OffsetCommitValue, big-endian) and the table of committed
// offsets they build. No I/O; never reads past the bytes it is given.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

// What a __consumer_offsets key names. Key versions 0 and 1 are offset
// commits (group, topic, partition); version 2 is group metadata; any other
// version is a record type this parser does not know.
enum class OffsetsKeyType { kOffsetCommit, kGroupMetadata, kUnknown };

struct OffsetsKey {
  OffsetsKeyType type = OffsetsKeyType::kUnknown;
  std::string group;  // set for offset commits
  TopicPartition tp;  // set for offset commits
};

// Parses a record key: int16 version, then for versions 0/1 int16-length
// group, int16-length topic, int32 partition. Only the version is read for
// other versions. A short key or a negative length is kBadPayload.
Result<OffsetsKey> ParseOffsetsKey(std::string_view key);

// The newest OffsetCommitValue version this parser reads (Kafka 4 writes 4).
inline constexpr int kNewestOffsetCommitValueVersion = 4;

// Parses the committed offset out of an OffsetCommitValue of version 0-4
// (int16 version, int64 offset first in every version; the rest is checked to
// be present). Version 4 is the first flexible one: its metadata is a
// COMPACT_STRING and tagged fields follow, which are skipped (upstream
// group-coordinator/src/main/resources/common/message/OffsetCommitValue.json).
// Newer versions and short values are kBadPayload.
Result<std::int64_t> ParseOffsetCommitValue(std::string_view value);

// Committed offsets per group, built by applying __consumer_offsets records in
// log order. Not thread-safe; owned by one reader.
class OffsetsTable {
 public:
  // Applies one record: an offset commit sets (group, topic, partition), a
  // tombstone (`value` absent) deletes it, other key types are skipped.
  // A commit whose value cannot be parsed (a newer version, truncated) makes
  // that partition's offset unknown until a later commit or tombstone for it:
  // the error is returned. A key that cannot be parsed changes nothing.
  Status Apply(std::string_view key, std::optional<std::string_view> value);
  // The committed offsets of `groups`, in that order; groups without any
  // commit get an ok entry with no partitions. A group with a partition of
  // unknown offset gets ok=false and no partitions: its lag is unknown, never
  // the lag of the partitions that happened to parse.
  std::vector<GroupOffsets> Offsets(const std::vector<std::string>& groups) const;
  std::size_t size() const;  // (group, topic, partition) entries with a known offset

 private:
  std::map<std::string, std::map<TopicPartition, std::int64_t>> committed_;
  std::map<std::string, std::set<TopicPartition>> unreadable_;  // latest commit not parsed
};

}  // namespace streamprobe::kafka
