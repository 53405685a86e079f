// Pure decoding of the records of Kafka's internal __consumer_offsets topic
// (OffsetCommitKey / OffsetCommitValue, big-endian) and the table of committed
// offsets they build. No I/O; never reads past the bytes it is given.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
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

// Parses the committed offset out of an OffsetCommitValue of version 0-3
// (int16 version, int64 offset first in every version; the rest is checked to
// be present). Versions above 3 and short values are kBadPayload.
Result<std::int64_t> ParseOffsetCommitValue(std::string_view value);

// Committed offsets per group, built by applying __consumer_offsets records in
// log order. Not thread-safe; owned by one reader.
class OffsetsTable {
 public:
  // Applies one record: an offset commit sets (group, topic, partition), a
  // tombstone (`value` absent) deletes it, other key types are skipped.
  // Returns false if the record could not be parsed (the table is unchanged).
  bool Apply(std::string_view key, std::optional<std::string_view> value);
  // The committed offsets of `groups`, in that order; groups without any
  // commit get an ok entry with no partitions.
  std::vector<GroupOffsets> Offsets(const std::vector<std::string>& groups) const;
  std::size_t size() const;  // (group, topic, partition) entries

 private:
  std::map<std::string, std::map<TopicPartition, std::int64_t>> by_group_;
};

}  // namespace streamprobe::kafka
