#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "kafka/kafka_lag.h"

namespace streamprobe::kafka {
namespace {

struct DescribeRow {
  std::string group, topic;
  int partition;
  std::int64_t current, log_end, lag;
};

// Rows of `kafka-consumer-groups --describe` output (the reference truth).
std::vector<DescribeRow> ReadDescribe(const std::string& name) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/kafka/" + name);
  std::vector<DescribeRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    DescribeRow r;
    std::string current, log_end, lag;
    if (!(fields >> r.group >> r.topic >> r.partition >> current >> log_end >> lag)) continue;
    r.current = current == "-" ? -1 : std::stoll(current);
    r.log_end = std::stoll(log_end);
    r.lag = lag == "-" ? -1 : std::stoll(lag);
    rows.push_back(r);
  }
  return rows;
}

TEST(ComputeLag, EqualsKafkaConsumerGroupsDescribe) {
  auto rows = ReadDescribe("consumer_groups_describe__lagging.txt");
  ASSERT_EQ(rows.size(), 3u);
  GroupOffsets offsets{"billing", true, {}};
  std::map<TopicPartition, std::int64_t> log_end;
  for (const auto& r : rows) {
    offsets.committed[{r.topic, r.partition}] = r.current;
    log_end[{r.topic, r.partition}] = r.log_end;
  }
  LagHistory history;
  auto lag = ComputeLag({offsets}, log_end, history, 100);
  ASSERT_EQ(lag.size(), 1u);
  ASSERT_EQ(lag[0].partitions.size(), rows.size());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(lag[0].partitions[i].lag, rows[i].lag) << "partition " << rows[i].partition;
    total += rows[i].lag;
  }
  EXPECT_EQ(lag[0].total_lag, total);
  EXPECT_EQ(lag[0].lag_by_topic.at("orders"), total);
}

TEST(ComputeLag, UnknownLogEndIsCountedNotGuessed) {
  GroupOffsets g{"g", true, {{{"t", 0}, 5}, {{"t", 1}, 5}}};
  auto lag = ComputeLag({g}, {{{"t", 0}, 9}}, LagHistory(), 0);
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_EQ(lag[0].partitions_without_log_end, 1);
  EXPECT_FALSE(lag[0].complete());
  EXPECT_EQ(lag[0].lag_by_topic.count("t"), 0u);  // a partial sum would undercount
  ASSERT_EQ(lag[0].partitions.size(), 1u);
  EXPECT_EQ(lag[0].partitions[0].lag, 4);
}

TEST(ComputeLag, OnlyTopicsWithEveryEndOffsetKnownAreSummed) {
  GroupOffsets g{"g", true, {{{"a", 0}, 1}, {{"b", 0}, 5}, {{"b", 1}, 5}}};
  auto lag = ComputeLag({g}, {{{"a", 0}, 4}, {{"b", 0}, 9}, {{"b", 1}, -1}}, LagHistory(), 0);
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_EQ(lag[0].lag_by_topic.at("a"), 3);
  EXPECT_EQ(lag[0].lag_by_topic.count("b"), 0u);
  EXPECT_EQ(lag[0].time_lag_by_topic.count("b"), 0u);
  EXPECT_EQ(lag[0].partitions_without_log_end, 1);
}

TEST(ComputeLag, CommitAheadOfLogEndIsZeroAndFailedGroupsAreSkipped) {
  GroupOffsets ahead{"a", true, {{{"t", 0}, 12}}};
  GroupOffsets failed{"f", false, {}};
  auto lag = ComputeLag({ahead, failed}, {{{"t", 0}, 10}}, LagHistory(), 0);
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_EQ(lag[0].total_lag, 0);
}

TEST(LagHistory, InterpolatesBetweenBracketingSamples) {
  LagHistory h;
  const TopicPartition tp{"t", 0};
  h.Record({{tp, 100}}, 1000);
  h.Record({{tp, 200}}, 1010);
  h.Record({{tp, 300}}, 1020);
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 300, 1020), 0);          // caught up
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 150, 1020), 15);         // appended ~1005
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 200, 1020), 10);         // appended 1010
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 50, 1020), 20);          // behind history: lower bound
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds({"other", 0}, 1, 1020), 0);  // no history
}

TEST(LagHistory, IsBoundedAndForgetsPartitionsUnseenForTheForgetHorizon) {
  LagHistory h;
  for (int i = 0; i < 200; ++i) h.Record({{{"a", 0}, i}, {{"b", 0}, i}}, i);
  EXPECT_EQ(h.partitions(), 2u);
  EXPECT_EQ(h.samples({"a", 0}), LagHistory::kMaxSamples);
  // The oldest sample is kept as the horizon: offset 0 was appended at 0.
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds({"a", 0}, 0, 199), 199.0);
  h.Record({{{"a", 0}, 300}}, 300);
  EXPECT_EQ(h.partitions(), 2u);  // "b" missed one round: kept
  const double forget = LagHistory::kForgetUnseenAfterSeconds;
  h.Record({{{"a", 0}, 301}}, 199 + forget);
  EXPECT_EQ(h.partitions(), 2u);
  h.Record({{{"a", 0}, 302}}, 199 + forget + 1);
  EXPECT_EQ(h.partitions(), 1u);  // "b" last seen at 199
}

// Log-end offsets unreadable for ten minutes (leader lost, ZooKeeper quorum
// lost, the group's coordinator down): the partition is missing from those
// rounds. When it is back, a group stuck since before the outage is as far
// behind as the wall clock says, not "since the outage ended".
TEST(LagHistory, AnOutageDoesNotRestartTheClock) {
  LagHistory h;
  const TopicPartition tp{"t", 0};
  for (int i = 0; i < 100; ++i) h.Record({{tp, i < 50 ? 3 : 5}}, i);
  for (int i = 100; i < 700; ++i) h.Record({}, i);
  h.Record({{tp, 5}}, 700);
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 3, 700), 651);  // last seen at offset 3 at 49
}

// One round a second for an hour, a steady producer: 3600 rounds into 64
// samples. A consumer stuck since the first round is an hour behind (not the
// 64 s the newest 64 samples would span), and recent lag keeps its precision.
TEST(LagHistory, HorizonOutlastsTheSampleBudgetAtShortIntervals) {
  LagHistory h;
  const TopicPartition tp{"t", 0};
  for (int i = 0; i < 3600; ++i) h.Record({{tp, 10 * i}}, i);
  EXPECT_EQ(h.samples(tp), LagHistory::kMaxSamples);
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 0, 3599), 3599);
  EXPECT_NEAR(h.TimeLagSeconds(tp, 10 * 3569, 3599), 30, 2);     // 30 s behind
  EXPECT_NEAR(h.TimeLagSeconds(tp, 10 * 2999, 3599), 600, 60);   // the alert threshold
  EXPECT_NEAR(h.TimeLagSeconds(tp, 10 * 3598, 3599), 1, 0.01);   // newest rounds are exact
}

// A quiet topic for an hour, then 2 messages: the last sample before them
// survives the thinning, so the lag starts exactly when they were appended.
TEST(LagHistory, QuietStretchesCostNoPrecision) {
  LagHistory h;
  const TopicPartition tp{"t", 0};
  for (int i = 0; i < 3600; ++i) h.Record({{tp, 3}}, i);
  for (int i = 3600; i < 4200; ++i) h.Record({{tp, 5}}, i);
  EXPECT_EQ(h.samples(tp), LagHistory::kMaxSamples);
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 3, 4199), 600);
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 5, 4199), 0);
}

TEST(LagHistory, TruncatedPartitionRestartsHistory) {
  LagHistory h;
  const TopicPartition tp{"t", 0};
  h.Record({{tp, 500}}, 0);
  h.Record({{tp, 10}}, 5);  // topic recreated
  EXPECT_DOUBLE_EQ(h.TimeLagSeconds(tp, 0, 5), 0);
}

}  // namespace
}  // namespace streamprobe::kafka
