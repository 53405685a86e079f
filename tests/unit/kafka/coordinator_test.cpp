#include <gtest/gtest.h>

#include "kafka/kafka_coordinator.h"

namespace streamprobe::kafka {
namespace {

TEST(JavaStringHash, MatchesJavaForKnownStrings) {
  EXPECT_EQ(JavaStringHash(""), 0);
  EXPECT_EQ(JavaStringHash("hello"), 99162322);
  EXPECT_EQ(JavaStringHash("polygenelubricants"), INT32_MIN);  // the famous MIN_VALUE hash
  EXPECT_EQ(JavaStringHash("\xc3\xa9"), 0xe9);                 // U+00E9 is one UTF-16 unit
  EXPECT_EQ(JavaStringHash("\xf0\x9f\x98\x80"), 31 * 0xd83d + 0xde00);  // U+1F600: surrogates
  EXPECT_EQ(JavaStringHash("\xff"), 0xfffd);                   // invalid byte -> U+FFFD
}

TEST(GroupOffsetsPartition, UsesKafkaUtilsAbs) {
  EXPECT_EQ(GroupOffsetsPartition("polygenelubricants", 50), 0);
  EXPECT_EQ(GroupOffsetsPartition("hello", 50), 99162322 % 50);
  EXPECT_EQ(GroupOffsetsPartition("hello", 0), 0);
}

TEST(GroupCoordinator, IsTheLeaderOfTheGroupsOffsetsPartition) {
  ClusterMeta meta;
  TopicMeta offsets{std::string(kOffsetsTopic), 0, {}};
  for (int p = 0; p < 4; ++p) offsets.partitions.push_back({p, 100 + p, {100 + p}, {100 + p}, 0});
  meta.topics = {offsets};
  const int p = GroupOffsetsPartition("hello", 4);
  EXPECT_EQ(GroupCoordinator("hello", meta), 100 + p);
  meta.topics[0].partitions[p].leader = -1;
  EXPECT_EQ(GroupCoordinator("hello", meta), -1);
  EXPECT_EQ(GroupCoordinator("hello", ClusterMeta{}), -1);
}

}  // namespace
}  // namespace streamprobe::kafka
