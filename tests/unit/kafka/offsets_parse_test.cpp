// __consumer_offsets records: recorded Kafka 3.9 and Kafka 4 fixtures, the
// other value versions, malformed input and the committed-offsets table.
#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "kafka/kafka_offsets_parse.h"

namespace streamprobe::kafka {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/kafka/offsets/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Big-endian field builders for synthetic records.
std::string I16(int v) { return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }
std::string I32(std::int32_t v) { return I16(v >> 16) + I16(v & 0xffff); }
std::string I64(std::int64_t v) {
  return I32(static_cast<std::int32_t>(v >> 32)) + I32(static_cast<std::int32_t>(v & 0xffffffff));
}
std::string Str(const std::string& s) { return I16(static_cast<int>(s.size())) + s; }

std::string CommitKey(const std::string& group, const std::string& topic, int partition) {
  return I16(1) + Str(group) + Str(topic) + I32(partition);
}
std::string CommitValueV3(std::int64_t offset) {
  return I16(3) + I64(offset) + I32(-1) + Str("") + I64(1700000000000);
}
// Version 4 (flexible): compact metadata string, then tagged fields.
std::string CompactStr(const std::string& s) {
  return std::string(1, static_cast<char>(s.size() + 1)) + s;  // lengths below 127 only
}
std::string CommitValueV4(std::int64_t offset, const std::string& tagged = std::string(1, '\0')) {
  return I16(4) + I64(offset) + I32(-1) + CompactStr("") + I64(1700000000000) + tagged;
}

// Parses `bytes` from a heap buffer of exactly their size, so a read past
// the end touches memory that is not the input's (and sanitizers see it).
template <typename Parse>
auto ParseExact(const std::string& bytes, Parse parse) {
  auto buffer = std::make_unique<char[]>(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), buffer.get());
  return parse(std::string_view(buffer.get(), bytes.size()));
}

TEST(OffsetsKey, RecordedCommitKeyNamesGroupTopicPartition) {
  auto key = ParseOffsetsKey(ReadFixture("offset_commit__key.bin"));
  ASSERT_TRUE(key.ok()) << key.status.detail();
  EXPECT_EQ(key.value.type, OffsetsKeyType::kOffsetCommit);
  EXPECT_EQ(key.value.group, "billing");
  EXPECT_EQ(key.value.tp, (TopicPartition{"orders", 0}));
}

TEST(OffsetsKey, RecordedGroupMetadataKeyIsSkipped) {
  auto key = ParseOffsetsKey(ReadFixture("group_metadata__key.bin"));
  ASSERT_TRUE(key.ok()) << key.status.detail();
  EXPECT_EQ(key.value.type, OffsetsKeyType::kGroupMetadata);
  EXPECT_TRUE(key.value.group.empty());
}

TEST(OffsetsKey, RecordedKafka4KeysAreTheSameFormats) {
  auto commit = ParseOffsetsKey(ReadFixture("offset_commit__key_kafka4.bin"));
  ASSERT_TRUE(commit.ok()) << commit.status.detail();
  EXPECT_EQ(commit.value.type, OffsetsKeyType::kOffsetCommit);
  EXPECT_EQ(commit.value.group, "billing");
  EXPECT_EQ(commit.value.tp, (TopicPartition{"orders", 0}));
  auto group = ParseOffsetsKey(ReadFixture("group_metadata__key_kafka4.bin"));
  ASSERT_TRUE(group.ok()) << group.status.detail();
  EXPECT_EQ(group.value.type, OffsetsKeyType::kGroupMetadata);
}

TEST(OffsetsKey, VersionZeroIsAnOffsetCommit) {
  auto key = ParseOffsetsKey(I16(0) + Str("g") + Str("t") + I32(7));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value.type, OffsetsKeyType::kOffsetCommit);
  EXPECT_EQ(key.value.tp, (TopicPartition{"t", 7}));
}

TEST(OffsetsKey, UnknownVersionIsUnknownNotAnError) {
  auto key = ParseOffsetsKey(I16(3) + "whatever");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value.type, OffsetsKeyType::kUnknown);
}

TEST(OffsetsKey, EveryTruncationFailsCleanly) {
  const std::string key = ReadFixture("offset_commit__key.bin");
  ASSERT_EQ(key.size(), 23u);
  for (std::size_t n = 0; n < key.size(); ++n) {
    auto parsed = ParseExact(key.substr(0, n), ParseOffsetsKey);
    EXPECT_EQ(parsed.status.reason(), Reason::kBadPayload) << "prefix of " << n << " bytes";
  }
}

TEST(OffsetsKey, HugeAndNegativeLengthsAreRejected) {
  EXPECT_FALSE(ParseExact(I16(1) + I16(0x7fff) + "billing", ParseOffsetsKey).ok());
  EXPECT_FALSE(ParseExact(I16(1) + Str("g") + I16(0xffff) + "orders" + I32(0), ParseOffsetsKey).ok());
  EXPECT_FALSE(ParseExact(I16(1) + I16(-1) + I32(0), ParseOffsetsKey).ok());
  EXPECT_FALSE(ParseExact(I16(1) + Str("g") + Str("t") + I32(-1), ParseOffsetsKey).ok());
}

TEST(OffsetCommitValue, RecordedVersion3GivesTheCommittedOffset) {
  const std::string value = ReadFixture("offset_commit__value.bin");
  ASSERT_EQ(value.size(), 24u);
  auto offset = ParseOffsetCommitValue(value);
  ASSERT_TRUE(offset.ok()) << offset.status.detail();
  EXPECT_EQ(offset.value, 5);
}

TEST(OffsetCommitValue, VersionsZeroToTwoGiveTheOffset) {
  const std::string v0 = I16(0) + I64(42) + Str("meta") + I64(1700000000000);
  const std::string v1 = I16(1) + I64(43) + Str("") + I64(1700000000000) + I64(1700086400000);
  const std::string v2 = I16(2) + I64(1LL << 40) + Str("m") + I64(1700000000000);
  EXPECT_EQ(ParseOffsetCommitValue(v0).value, 42);
  EXPECT_EQ(ParseOffsetCommitValue(v1).value, 43);
  EXPECT_EQ(ParseOffsetCommitValue(v2).value, 1LL << 40);
}

// Kafka 4.1 writes version 4: offset 5, leader epoch -1, metadata "" as a
// compact string, the commit time and an empty tagged-field section.
TEST(OffsetCommitValue, RecordedKafka4Version4GivesTheCommittedOffset) {
  const std::string value = ReadFixture("offset_commit__value_kafka4.bin");
  ASSERT_EQ(value.size(), 24u);
  ASSERT_EQ(value.substr(0, 2), I16(4));
  auto offset = ParseOffsetCommitValue(value);
  ASSERT_TRUE(offset.ok()) << offset.status.detail();
  EXPECT_EQ(offset.value, 5);
}

TEST(OffsetCommitValue, Version4SkipsTaggedFieldsAndReadsCompactMetadata) {
  // Two tagged fields (tag 0: 16 bytes, as a topic id would be; tag 7: 1 byte).
  const std::string tagged = std::string("\x02\x00\x10", 3) + std::string(16, 'u') +
                             std::string("\x07\x01x", 3);
  EXPECT_EQ(ParseExact(CommitValueV4(77, tagged), ParseOffsetCommitValue).value, 77);
  const std::string meta = I16(4) + I64(8) + I32(3) + CompactStr("consumer-meta") + I64(1) +
                           std::string(1, '\0');
  EXPECT_EQ(ParseExact(meta, ParseOffsetCommitValue).value, 8);
}

TEST(OffsetCommitValue, Version4MalformedVarintsAndLengthsAreRejected) {
  const std::string head = I16(4) + I64(5) + I32(-1);
  const std::string tail = I64(0) + std::string(1, '\0');
  // Null compact string (length 0), a length past the end, a varint longer than 5 bytes.
  EXPECT_FALSE(ParseExact(head + std::string(1, '\0') + tail, ParseOffsetCommitValue).ok());
  EXPECT_FALSE(ParseExact(head + std::string("\x7f", 1) + tail, ParseOffsetCommitValue).ok());
  EXPECT_FALSE(ParseExact(head + std::string("\xff\xff\xff\xff\xff\x01", 6) + tail,
                          ParseOffsetCommitValue).ok());
  // A tagged field whose size runs past the end; a count with no fields.
  EXPECT_FALSE(ParseExact(CommitValueV4(5, std::string("\x01\x00\x20", 3) + "short"),
                          ParseOffsetCommitValue).ok());
  EXPECT_FALSE(ParseExact(CommitValueV4(5, std::string("\x03", 1)), ParseOffsetCommitValue).ok());
}

TEST(OffsetCommitValue, EveryTruncationOfTheKafka4RecordFailsCleanly) {
  const std::string value = ReadFixture("offset_commit__value_kafka4.bin");
  for (std::size_t n = 0; n < value.size(); ++n) {
    auto parsed = ParseExact(value.substr(0, n), ParseOffsetCommitValue);
    EXPECT_EQ(parsed.status.reason(), Reason::kBadPayload) << "prefix of " << n << " bytes";
  }
}

TEST(OffsetCommitValue, UnknownVersionsAreRejected) {
  for (int version : {-1, 5, 0x7fff}) {
    auto offset = ParseOffsetCommitValue(I16(version) + I64(1) + I32(-1) + Str("") + I64(0) + I64(0));
    EXPECT_EQ(offset.status.reason(), Reason::kBadPayload) << "version " << version;
  }
}

TEST(OffsetCommitValue, EveryTruncationFailsCleanly) {
  const std::string value = ReadFixture("offset_commit__value.bin");
  for (std::size_t n = 0; n < value.size(); ++n) {
    auto parsed = ParseExact(value.substr(0, n), ParseOffsetCommitValue);
    EXPECT_EQ(parsed.status.reason(), Reason::kBadPayload) << "prefix of " << n << " bytes";
  }
  const std::string v1 = I16(1) + I64(43) + Str("") + I64(1) + I64(2);
  EXPECT_FALSE(ParseExact(v1.substr(0, v1.size() - 1), ParseOffsetCommitValue).ok());
}

TEST(OffsetCommitValue, HugeMetadataLengthIsRejected) {
  const std::string value = I16(3) + I64(5) + I32(0) + I16(0x7fff) + "short" + I64(0);
  EXPECT_EQ(ParseExact(value, ParseOffsetCommitValue).status.reason(), Reason::kBadPayload);
}

TEST(OffsetsTable, RecordedCommitThenTombstone) {
  OffsetsTable table;
  const std::string value = ReadFixture("offset_commit__value.bin");
  ASSERT_TRUE(table.Apply(ReadFixture("offset_commit__key.bin"), value).ok());
  auto offsets = table.Offsets({"billing"});
  ASSERT_EQ(offsets.size(), 1u);
  EXPECT_TRUE(offsets[0].ok);
  EXPECT_EQ(offsets[0].committed, (std::map<TopicPartition, std::int64_t>{{{"orders", 0}, 5}}));

  ASSERT_TRUE(table.Apply(ReadFixture("offset_commit__tombstone_key.bin"), std::nullopt).ok());
  EXPECT_TRUE(table.Offsets({"billing"})[0].committed.empty());
  EXPECT_EQ(table.size(), 0u);
}

TEST(OffsetsTable, GroupMetadataRecordsAreSkipped) {
  OffsetsTable table;
  EXPECT_TRUE(table.Apply(ReadFixture("group_metadata__key.bin"),
                          std::string_view(ReadFixture("group_metadata__value.bin"))).ok());
  EXPECT_TRUE(table.Apply(ReadFixture("group_metadata__key.bin"), std::nullopt).ok());
  EXPECT_EQ(table.size(), 0u);
}

TEST(OffsetsTable, LaterCommitsWinAndGroupsStaySeparate) {
  OffsetsTable table;
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(1)).ok());
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 1), CommitValueV3(2)).ok());
  ASSERT_TRUE(table.Apply(CommitKey("b", "t", 0), CommitValueV3(9)).ok());
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(3)).ok());
  auto offsets = table.Offsets({"b", "a", "never"});
  ASSERT_EQ(offsets.size(), 3u);
  EXPECT_EQ(offsets[0].group, "b");
  EXPECT_EQ(offsets[0].committed, (std::map<TopicPartition, std::int64_t>{{{"t", 0}, 9}}));
  EXPECT_EQ(offsets[1].committed,
            (std::map<TopicPartition, std::int64_t>{{{"t", 0}, 3}, {{"t", 1}, 2}}));
  EXPECT_TRUE(offsets[2].ok);
  EXPECT_TRUE(offsets[2].committed.empty());
  EXPECT_EQ(table.size(), 3u);
}

TEST(OffsetsTable, RecordedKafka4CommitThenTombstone) {
  OffsetsTable table;
  const std::string value = ReadFixture("offset_commit__value_kafka4.bin");
  ASSERT_TRUE(table.Apply(ReadFixture("offset_commit__key_kafka4.bin"), value).ok());
  auto offsets = table.Offsets({"billing"});
  EXPECT_TRUE(offsets[0].ok);
  EXPECT_EQ(offsets[0].committed, (std::map<TopicPartition, std::int64_t>{{{"orders", 0}, 5}}));
  ASSERT_TRUE(table.Apply(ReadFixture("offset_commit__tombstone_key_kafka4.bin"), std::nullopt).ok());
  EXPECT_EQ(table.size(), 0u);
}

// A malformed key changes nothing; a commit whose value is not understood (a
// version newer than the parser, truncated bytes) makes the group's offsets
// unknown rather than leaving the older offset in place, which would report a
// lag that only grows while the consumer in fact moves on.
TEST(OffsetsTable, UnreadableCommitMakesTheGroupUnknownNotStale) {
  OffsetsTable table;
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(1)).ok());
  ASSERT_TRUE(table.Apply(CommitKey("b", "t", 0), CommitValueV3(9)).ok());
  EXPECT_EQ(table.Apply(std::string_view("\x00", 1), CommitValueV3(7)).reason(), Reason::kBadPayload);
  EXPECT_TRUE(table.Offsets({"a"})[0].ok);

  EXPECT_EQ(table.Apply(CommitKey("a", "t", 0), I16(5) + I64(7)).reason(), Reason::kBadPayload);
  auto offsets = table.Offsets({"a", "b"});
  EXPECT_FALSE(offsets[0].ok);
  EXPECT_TRUE(offsets[0].committed.empty());
  EXPECT_TRUE(offsets[1].ok);  // other groups are unaffected
  EXPECT_EQ(offsets[1].committed.at({"t", 0}), 9);

  // A later readable commit of that partition makes the group known again.
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV4(8)).ok());
  EXPECT_TRUE(table.Offsets({"a"})[0].ok);
  EXPECT_EQ(table.Offsets({"a"})[0].committed.at({"t", 0}), 8);

  // So does a tombstone of it.
  EXPECT_FALSE(table.Apply(CommitKey("a", "t", 1), std::string_view("\x00\x03\x00", 3)).ok());
  EXPECT_FALSE(table.Offsets({"a"})[0].ok);
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 1), std::nullopt).ok());
  EXPECT_TRUE(table.Offsets({"a"})[0].ok);
  EXPECT_EQ(table.size(), 2u);
}

TEST(OffsetsTable, NegativeCommittedOffsetsAreNotReported) {
  OffsetsTable table;
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(-1)).ok());
  EXPECT_TRUE(table.Offsets({"a"})[0].committed.empty());
}

}  // namespace
}  // namespace streamprobe::kafka
