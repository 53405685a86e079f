// __consumer_offsets records: recorded Kafka 3.9 fixtures, the other value
// versions, malformed input and the committed-offsets table.
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

TEST(OffsetCommitValue, UnknownVersionsAreRejected) {
  for (int version : {-1, 4, 5, 0x7fff}) {
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
  ASSERT_TRUE(table.Apply(ReadFixture("offset_commit__key.bin"), value));
  auto offsets = table.Offsets({"billing"});
  ASSERT_EQ(offsets.size(), 1u);
  EXPECT_TRUE(offsets[0].ok);
  EXPECT_EQ(offsets[0].committed, (std::map<TopicPartition, std::int64_t>{{{"orders", 0}, 5}}));

  ASSERT_TRUE(table.Apply(ReadFixture("offset_commit__tombstone_key.bin"), std::nullopt));
  EXPECT_TRUE(table.Offsets({"billing"})[0].committed.empty());
  EXPECT_EQ(table.size(), 0u);
}

TEST(OffsetsTable, GroupMetadataRecordsAreSkipped) {
  OffsetsTable table;
  EXPECT_TRUE(table.Apply(ReadFixture("group_metadata__key.bin"),
                          std::string_view(ReadFixture("group_metadata__value.bin"))));
  EXPECT_TRUE(table.Apply(ReadFixture("group_metadata__key.bin"), std::nullopt));
  EXPECT_EQ(table.size(), 0u);
}

TEST(OffsetsTable, LaterCommitsWinAndGroupsStaySeparate) {
  OffsetsTable table;
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(1)));
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 1), CommitValueV3(2)));
  ASSERT_TRUE(table.Apply(CommitKey("b", "t", 0), CommitValueV3(9)));
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(3)));
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

TEST(OffsetsTable, MalformedRecordsLeaveTheTableUnchanged) {
  OffsetsTable table;
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(1)));
  EXPECT_FALSE(table.Apply(CommitKey("a", "t", 0), std::string_view("\x00\x03\x00", 3)));
  EXPECT_FALSE(table.Apply(std::string_view("\x00", 1), CommitValueV3(7)));
  EXPECT_FALSE(table.Apply(CommitKey("a", "t", 0), I16(4) + I64(7)));
  EXPECT_EQ(table.Offsets({"a"})[0].committed.at({"t", 0}), 1);
}

TEST(OffsetsTable, NegativeCommittedOffsetsAreNotReported) {
  OffsetsTable table;
  ASSERT_TRUE(table.Apply(CommitKey("a", "t", 0), CommitValueV3(-1)));
  EXPECT_TRUE(table.Offsets({"a"})[0].committed.empty());
}

}  // namespace
}  // namespace streamprobe::kafka
