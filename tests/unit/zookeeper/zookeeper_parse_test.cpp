#include "zookeeper/zookeeper_parse.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace streamprobe::zookeeper {
namespace {

std::string Zk(const std::string& name) { return testing::Fixture("zookeeper/" + name); }

TEST(ParseSrvr, Leader) {
  auto r = ParseSrvr(Zk("srvr__leader.txt"));
  ASSERT_TRUE(r.ok()) << r.status.detail();
  EXPECT_EQ(r.value.mode, "leader");
  EXPECT_EQ(r.value.version, "3.8.4");
  EXPECT_EQ(r.value.latency_min_ms, 0.0);
  EXPECT_EQ(r.value.latency_avg_ms, 1.9694);
  EXPECT_EQ(r.value.latency_max_ms, 14.0);
  EXPECT_EQ(r.value.outstanding_requests, 0.0);
  EXPECT_EQ(r.value.alive_connections, 2.0);
  EXPECT_EQ(r.value.znode_count, 77.0);
  EXPECT_EQ(r.value.zxid, 0x100000097LL);
}

TEST(ParseSrvr, FollowerAndStandalone) {
  EXPECT_EQ(ParseSrvr(Zk("srvr__follower.txt")).value.mode, "follower");
  auto s = ParseSrvr(Zk("srvr__standalone.txt"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value.mode, "standalone");
  EXPECT_EQ(ParseSrvr(Zk("srvr__standalone_default_whitelist.txt")).value.mode, "standalone");
}

TEST(ParseSrvr, NotServingIsReasonNotServing) {
  EXPECT_EQ(ParseSrvr(Zk("srvr__no_quorum.txt")).status.reason(), Reason::kNotServing);
}

TEST(ParseSrvr, DebianVersionStringIsParsedLeniently) {
  auto r = ParseSrvr(Zk("srvr__debian_version_handwritten.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.version, "3.8.0");
  EXPECT_EQ(r.value.latency_avg_ms, 0.5);
  EXPECT_EQ(r.value.latency_max_ms, 7.0);
  EXPECT_EQ(r.value.outstanding_requests, 1.0);
  EXPECT_EQ(r.value.zxid, 0x20000001aLL);
}

TEST(ParseSrvr, RecordedDebian380VersionQuirk) {
  auto r = ParseSrvr(Zk("srvr__debian_380_standalone.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.version, "3.8.0");
  EXPECT_EQ(r.value.mode, "standalone");
  auto m = ParseAdminMonitor(Zk("commands_monitor__debian_380_standalone.json"));
  ASSERT_TRUE(m.ok()) << m.status.detail();
  EXPECT_EQ(m.value.version, "3.8.0");
  EXPECT_EQ(m.value.mode, "standalone");
  EXPECT_EQ(m.value.znode_count, 5.0);
}

TEST(ParseSrvr, GarbageAndTruncatedAreBadPayload) {
  for (const char* name : {"srvr__truncated_handwritten.txt", "srvr__garbage_http_handwritten.txt",
                           "mntr__not_whitelisted.txt"}) {
    EXPECT_EQ(ParseSrvr(Zk(name)).status.reason(), Reason::kBadPayload) << name;
  }
  EXPECT_EQ(ParseSrvr("").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseSrvr(std::string(1000, ':')).status.reason(), Reason::kBadPayload);
}

TEST(ParseSrvr, BadNumbersAreLeftEmpty) {
  auto r = ParseSrvr("Mode: follower\nZxid: 12\nNode count: lots\nLatency min/avg/max: x/y\n");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value.zxid.has_value());
  EXPECT_FALSE(r.value.znode_count.has_value());
  EXPECT_FALSE(r.value.latency_avg_ms.has_value());
}

TEST(ParseMntr, Leader) {
  auto r = ParseMntr(Zk("mntr__leader.txt"));
  ASSERT_TRUE(r.ok()) << r.status.detail();
  EXPECT_EQ(r.value.mode, "leader");
  EXPECT_EQ(r.value.version, "3.8.4");
  EXPECT_EQ(r.value.learners, 2.0);
  EXPECT_EQ(r.value.synced_followers, 2.0);
  EXPECT_EQ(r.value.pending_syncs, 0.0);
  EXPECT_EQ(r.value.quorum_size, 3.0);
  EXPECT_EQ(r.value.znode_count, 77.0);
  EXPECT_EQ(r.value.ephemerals_count, 4.0);
  EXPECT_EQ(r.value.watch_count, 19.0);
  EXPECT_EQ(r.value.alive_connections, 2.0);
  EXPECT_FALSE(r.value.zxid.has_value());
}

TEST(ParseMntr, FollowerHasNoLeaderGauges) {
  auto r = ParseMntr(Zk("mntr__follower.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.mode, "follower");
  EXPECT_FALSE(r.value.learners.has_value());
  EXPECT_FALSE(r.value.synced_followers.has_value());
  EXPECT_EQ(r.value.latency_avg_ms, 2.0112);
  EXPECT_EQ(r.value.alive_connections, 3.0);
}

TEST(ParseMntr, Standalone) {
  EXPECT_EQ(ParseMntr(Zk("mntr__standalone.txt")).value.mode, "standalone");
}

TEST(ParseMntr, Zookeeper35FollowersKeyCountsAsLearners) {
  auto r = ParseMntr(Zk("mntr__v35_leader_followers_handwritten.txt"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.version, "3.5.10");
  EXPECT_EQ(r.value.learners, 2.0);
  EXPECT_EQ(r.value.synced_followers, 2.0);
  EXPECT_EQ(r.value.latency_max_ms, 12.0);
  EXPECT_EQ(r.value.ephemerals_count, 4.0);
  EXPECT_EQ(r.value.watch_count, 9.0);
}

TEST(ParseMntr, NotWhitelistedNotServingAndTruncated) {
  EXPECT_TRUE(IsNotWhitelisted(Zk("mntr__not_whitelisted.txt")));
  EXPECT_TRUE(IsNotWhitelisted(Zk("ruok__not_whitelisted.txt")));
  EXPECT_FALSE(IsNotWhitelisted(Zk("mntr__leader.txt")));
  EXPECT_EQ(ParseMntr(Zk("mntr__not_whitelisted.txt")).status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseMntr(Zk("mntr__no_quorum.txt")).status.reason(), Reason::kNotServing);
  EXPECT_EQ(ParseMntr(Zk("mntr__truncated_handwritten.txt")).status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseMntr(Zk("srvr__leader.txt")).status.reason(), Reason::kBadPayload);
}

TEST(ParseAdminMonitor, LeaderFollowerStandalone) {
  auto r = ParseAdminMonitor(Zk("commands_monitor__leader.json"));
  ASSERT_TRUE(r.ok()) << r.status.detail();
  EXPECT_EQ(r.value.mode, "leader");
  EXPECT_EQ(r.value.version, "3.8.4");
  EXPECT_EQ(r.value.synced_followers, 2.0);
  EXPECT_EQ(r.value.learners, 2.0);
  EXPECT_EQ(r.value.znode_count, 77.0);
  EXPECT_EQ(r.value.latency_avg_ms, 1.9694);
  EXPECT_EQ(ParseAdminMonitor(Zk("commands_monitor__follower.json")).value.mode, "follower");
  EXPECT_EQ(ParseAdminMonitor(Zk("commands_monitor__standalone.json")).value.mode, "standalone");
}

TEST(ParseAdminMonitor, ErrorFieldDecidesNotTheStatus) {
  EXPECT_EQ(ParseAdminMonitor(Zk("commands_monitor__not_serving_error_handwritten.json")).status.reason(),
            Reason::kNotServing);
  EXPECT_EQ(ParseAdminMonitor(Zk("commands_monitor__error_field_handwritten.json")).status.reason(),
            Reason::kBadPayload);
  // 3.8.4 answers monitor without quorum with an HTML 500 page.
  EXPECT_EQ(ParseAdminMonitor(Zk("commands_monitor__no_quorum.json")).status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseAdminMonitor("[1,2]").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseAdminMonitor("{\"error\":null}").status.reason(), Reason::kBadPayload);
}

TEST(Ruok, ImOkOnlyForImok) {
  EXPECT_TRUE(IsImOk(Zk("ruok__ok.txt")));
  EXPECT_TRUE(IsImOk(Zk("ruok__no_quorum.txt")));
  EXPECT_FALSE(IsImOk(Zk("ruok__not_whitelisted.txt")));
  EXPECT_FALSE(IsImOk(""));
}

TEST(ShortVersion, Lenient) {
  EXPECT_EQ(ShortVersion("3.8.4-9316c2a7, built on 2024"), "3.8.4");
  EXPECT_EQ(ShortVersion("3.8.0-${mvngit.commit.id}, built on 2023"), "3.8.0");
  EXPECT_EQ(ShortVersion("3.9.3"), "3.9.3");
  EXPECT_EQ(ShortVersion("unknown"), "");
  EXPECT_EQ(ShortVersion(std::string(100, '9')).size(), 32u);
}

}  // namespace
}  // namespace streamprobe::zookeeper
