#include "zookeeper/zookeeper_metrics.h"

#include <gtest/gtest.h>

#include <fstream>

namespace streamprobe::zookeeper {
namespace {

// Sample lines only (no # HELP/# TYPE), in exposition order.
std::string Samples(const MetricSet& set) {
  std::string text = RenderText(set.Families());
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    std::string line = text.substr(pos, eol - pos);
    if (!line.empty() && line[0] != '#') out += line + "\n";
    pos = eol == std::string::npos ? text.size() : eol + 1;
  }
  return out;
}

MemberResult Leader() {
  MemberResult r;
  r.member = "zk-0:2181";
  r.mode = "leader";
  r.source = "mntr";
  ServerStats s;
  s.version = "3.8.4";
  s.mode = "leader";
  s.latency_min_ms = 0;
  s.latency_avg_ms = 1.5;
  s.latency_max_ms = 14;
  s.outstanding_requests = 0;
  s.zxid = 0x100000097LL;
  s.znode_count = 77;
  s.ephemerals_count = 4;
  s.watch_count = 19;
  s.alive_connections = 2;
  s.learners = 2;
  s.synced_followers = 2;
  s.pending_syncs = 0;
  s.quorum_size = 3;
  r.stats = s;
  r.ruok = true;
  return r;
}

TEST(RenderMember, LeaderExactSeries) {
  MetricSet set;
  RenderMember(Leader(), set);
  EXPECT_EQ(Samples(set),
            "streamprobe_zookeeper_alive_connections{member=\"zk-0:2181\"} 2\n"
            "streamprobe_zookeeper_ephemeral_znodes{member=\"zk-0:2181\"} 4\n"
            "streamprobe_zookeeper_last_zxid{member=\"zk-0:2181\"} 4294967447\n"
            "streamprobe_zookeeper_latency_average_seconds{member=\"zk-0:2181\"} 0.0015\n"
            "streamprobe_zookeeper_latency_max_seconds{member=\"zk-0:2181\"} 0.014\n"
            "streamprobe_zookeeper_latency_min_seconds{member=\"zk-0:2181\"} 0\n"
            "streamprobe_zookeeper_learners{member=\"zk-0:2181\"} 2\n"
            "streamprobe_zookeeper_mode{member=\"zk-0:2181\",mode=\"leader\"} 1\n"
            "streamprobe_zookeeper_mode{member=\"zk-0:2181\",mode=\"follower\"} 0\n"
            "streamprobe_zookeeper_mode{member=\"zk-0:2181\",mode=\"observer\"} 0\n"
            "streamprobe_zookeeper_mode{member=\"zk-0:2181\",mode=\"standalone\"} 0\n"
            "streamprobe_zookeeper_mode{member=\"zk-0:2181\",mode=\"read-only\"} 0\n"
            "streamprobe_zookeeper_mode{member=\"zk-0:2181\",mode=\"not_serving\"} 0\n"
            "streamprobe_zookeeper_outstanding_requests{member=\"zk-0:2181\"} 0\n"
            "streamprobe_zookeeper_pending_syncs{member=\"zk-0:2181\"} 0\n"
            "streamprobe_zookeeper_quorum_size{member=\"zk-0:2181\"} 3\n"
            "streamprobe_zookeeper_ruok{member=\"zk-0:2181\"} 1\n"
            "streamprobe_zookeeper_server_info{member=\"zk-0:2181\",version=\"3.8.4\"} 1\n"
            "streamprobe_zookeeper_stats_source{member=\"zk-0:2181\",source=\"srvr\"} 0\n"
            "streamprobe_zookeeper_stats_source{member=\"zk-0:2181\",source=\"mntr\"} 1\n"
            "streamprobe_zookeeper_stats_source{member=\"zk-0:2181\",source=\"admin_server\"} 0\n"
            "streamprobe_zookeeper_synced_followers{member=\"zk-0:2181\"} 2\n"
            "streamprobe_zookeeper_up{member=\"zk-0:2181\"} 1\n"
            "streamprobe_zookeeper_watches{member=\"zk-0:2181\"} 19\n"
            "streamprobe_zookeeper_znodes{member=\"zk-0:2181\"} 77\n"
            "streamprobe_zookeeper_zxid_epoch{member=\"zk-0:2181\"} 1\n");
}

TEST(RenderMember, RefusedMemberIsOnlyDown) {
  MemberResult r;
  r.member = "zk-1:2181";
  r.status = Status::Fail(Reason::kRefused, "connection refused");
  MetricSet set;
  RenderMember(r, set);
  EXPECT_EQ(Samples(set), "streamprobe_zookeeper_up{member=\"zk-1:2181\"} 0\n");
}

TEST(RenderMember, NotServingMemberShowsMode) {
  MemberResult r;
  r.member = "zk-2:2181";
  r.mode = "not_serving";
  r.status = Status::Fail(Reason::kNotServing, "no quorum");
  MetricSet set;
  RenderMember(r, set);
  const std::string text = Samples(set);
  EXPECT_NE(text.find("streamprobe_zookeeper_mode{member=\"zk-2:2181\",mode=\"not_serving\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("streamprobe_zookeeper_up{member=\"zk-2:2181\"} 0\n"), std::string::npos);
}

MemberResult Member(std::string name, std::string mode, long long zxid, bool serving = true) {
  MemberResult r;
  r.member = std::move(name);
  r.mode = std::move(mode);
  if (!serving) {
    r.status = Status::Fail(Reason::kNotServing, "x");
    return r;
  }
  ServerStats s;
  s.zxid = zxid;
  r.stats = s;
  return r;
}

TEST(RenderEnsemble, HealthyEnsemble) {
  MemberResult a = Member("a", "leader", 100), b = Member("b", "follower", 98), c = Member("c", "follower", 100);
  std::vector<const MemberResult*> members = {&a, &b, &c};
  MetricSet set;
  RenderEnsemble(members, set);
  EXPECT_EQ(Samples(set),
            "streamprobe_zookeeper_ensemble_leaders 1\n"
            "streamprobe_zookeeper_ensemble_members_configured 3\n"
            "streamprobe_zookeeper_ensemble_members_serving 3\n"
            "streamprobe_zookeeper_ensemble_observers_serving 0\n"
            "streamprobe_zookeeper_ensemble_quorum 1\n"
            "streamprobe_zookeeper_ensemble_voters_configured 3\n"
            "streamprobe_zookeeper_ensemble_voters_serving 3\n"
            "streamprobe_zookeeper_ensemble_zxid_spread 2\n");
}

TEST(RenderEnsemble, QuorumLostAndUnfinishedMembers) {
  MemberResult a = Member("a", "not_serving", 0, false);
  std::vector<const MemberResult*> members = {&a, nullptr, nullptr};
  MetricSet set;
  RenderEnsemble(members, set);
  EXPECT_EQ(Samples(set),
            "streamprobe_zookeeper_ensemble_leaders 0\n"
            "streamprobe_zookeeper_ensemble_members_configured 3\n"
            "streamprobe_zookeeper_ensemble_members_serving 0\n"
            "streamprobe_zookeeper_ensemble_observers_serving 0\n"
            "streamprobe_zookeeper_ensemble_quorum 0\n"
            "streamprobe_zookeeper_ensemble_voters_configured 3\n"
            "streamprobe_zookeeper_ensemble_voters_serving 0\n");
}

// 3 voters + 1 observer; the observer and one follower stopped: 2 of 3 voters
// serve under one leader, which is a quorum (4 members, 2 serving is not the test).
TEST(RenderEnsemble, ObserversDoNotCountTowardsTheQuorum) {
  MemberResult leader = Member("a", "leader", 9), follower = Member("b", "follower", 9);
  MemberResult down = Member("c", "follower", 0, false);
  MemberResult observer = Member("d", "observer", 0, false);
  observer.observer = true;  // seen as observer before it stopped
  for (MemberResult* r : {&leader, &follower}) r->stats->quorum_size = 3;
  std::vector<const MemberResult*> members = {&leader, &follower, &down, &observer};
  MetricSet set;
  RenderEnsemble(members, set);
  const std::string text = Samples(set);
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_quorum 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_voters_configured 3\n"), std::string::npos);
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_voters_serving 2\n"), std::string::npos);
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_members_configured 4\n"), std::string::npos);

  // Without zk_quorum_size (srvr only), the member last seen as observer is not a voter.
  for (MemberResult* r : {&leader, &follower}) r->stats->quorum_size.reset();
  MetricSet srvr_only;
  RenderEnsemble(members, srvr_only);
  EXPECT_NE(Samples(srvr_only).find("streamprobe_zookeeper_ensemble_quorum 1\n"), std::string::npos);
  EXPECT_NE(Samples(srvr_only).find("streamprobe_zookeeper_ensemble_voters_configured 3\n"), std::string::npos);

  // A serving observer is counted as such, and the quorum still needs 2 voters.
  MemberResult serving_observer = Member("d", "observer", 9);
  serving_observer.observer = true;
  MemberResult follower_down = Member("b", "follower", 0, false);
  std::vector<const MemberResult*> one_voter = {&leader, &follower_down, &down, &serving_observer};
  MetricSet lost;
  RenderEnsemble(one_voter, lost);
  EXPECT_NE(Samples(lost).find("streamprobe_zookeeper_ensemble_quorum 0\n"), std::string::npos) << Samples(lost);
  EXPECT_NE(Samples(lost).find("streamprobe_zookeeper_ensemble_observers_serving 1\n"), std::string::npos);
}

TEST(RenderEnsemble, ImplausibleQuorumSizeIsIgnored) {
  MemberResult a = Member("a", "leader", 1), b = Member("b", "follower", 1), c = Member("c", "follower", 1);
  a.stats->quorum_size = 1e300;
  b.stats->quorum_size = -5;
  std::vector<const MemberResult*> members = {&a, &b, &c};
  MetricSet set;
  RenderEnsemble(members, set);
  EXPECT_NE(Samples(set).find("streamprobe_zookeeper_ensemble_voters_configured 3\n"), std::string::npos);
  EXPECT_NE(Samples(set).find("streamprobe_zookeeper_ensemble_quorum 1\n"), std::string::npos);
}

TEST(RenderEnsemble, TwoLeadersIsNoQuorum) {
  MemberResult a = Member("a", "leader", 1), b = Member("b", "leader", 1), c = Member("c", "follower", 1);
  std::vector<const MemberResult*> members = {&a, &b, &c};
  MetricSet set;
  RenderEnsemble(members, set);
  EXPECT_NE(Samples(set).find("streamprobe_zookeeper_ensemble_quorum 0\n"), std::string::npos);
}

TEST(RenderEnsemble, StandaloneCountsAsLeader) {
  MemberResult a = Member("a", "standalone", 5);
  std::vector<const MemberResult*> members = {&a};
  MetricSet set;
  RenderEnsemble(members, set);
  EXPECT_NE(Samples(set).find("streamprobe_zookeeper_ensemble_quorum 1\n"), std::string::npos);
}

ZnodesResult Registry() {
  ZnodesResult r;
  r.now_unix_ms = 1718000060000LL;
  KafkaRegistry reg;
  BrokerRegistration b;
  b.id = 1;
  b.host = "kafka1";
  b.port = 9092;
  b.rack = "dc1";
  b.timestamp_ms = 1718000000000LL;
  b.stat.czxid = 4294967358;
  b.stat.ephemeral_owner = 0x1000001a2b3c0001;
  reg.brokers.push_back(b);
  BrokerRegistration bad;
  bad.id = 2;
  bad.parse_status = Status::Fail(Reason::kBadPayload, "x");
  bad.stat.czxid = 7;
  bad.stat.ctime_ms = 1718000050000LL;
  bad.stat.ephemeral_owner = 0x2;
  reg.brokers.push_back(bad);
  reg.controller.present = true;
  reg.controller.broker_id = 1;
  reg.controller.kraft_controller_epoch = -1;
  reg.controller_epoch = 3;
  reg.cluster_id = "gscCoR2HTbOmZ109RkN4wg";
  reg.pending_topic_deletions = {"old"};
  reg.isr_change_notifications = 2;
  r.registry = reg;
  CheckResult c;
  c.check.path = "/brokers/ids";
  c.exists = true;
  c.children = 2;
  c.data_age_seconds = 60;
  c.passed = false;
  r.checks.push_back(c);
  CheckResult missing;
  missing.check.path = "/must/exist";
  r.checks.push_back(missing);
  return r;
}

TEST(RenderZnodes, RegistryAndChecksExactSeries) {
  MetricSet set;
  RenderZnodes(Registry(), set);
  EXPECT_EQ(Samples(set),
            "streamprobe_zookeeper_kafka_broker_epoch{broker_id=\"1\"} 4294967358\n"
            "streamprobe_zookeeper_kafka_broker_epoch{broker_id=\"2\"} 7\n"
            "streamprobe_zookeeper_kafka_broker_registered{broker_id=\"1\"} 1\n"
            "streamprobe_zookeeper_kafka_broker_registered{broker_id=\"2\"} 1\n"
            "streamprobe_zookeeper_kafka_broker_registration_age_seconds{broker_id=\"1\"} 60\n"
            "streamprobe_zookeeper_kafka_broker_registration_age_seconds{broker_id=\"2\"} 10\n"
            "streamprobe_zookeeper_kafka_broker_registration_info{broker_id=\"1\",host=\"kafka1\",port=\"9092\",rack=\"dc1\",session=\"0x1000001a2b3c0001\"} 1\n"
            "streamprobe_zookeeper_kafka_broker_registration_info{broker_id=\"2\",host=\"\",port=\"-1\",rack=\"\",session=\"0x2\"} 1\n"
            "streamprobe_zookeeper_kafka_broker_registration_timestamp_seconds{broker_id=\"1\"} 1718000000\n"
            "streamprobe_zookeeper_kafka_broker_registration_timestamp_seconds{broker_id=\"2\"} 1718000050\n"
            "streamprobe_zookeeper_kafka_brokers_registered 2\n"
            "streamprobe_zookeeper_kafka_cluster_info{cluster_id=\"gscCoR2HTbOmZ109RkN4wg\"} 1\n"
            "streamprobe_zookeeper_kafka_controller_broker_id 1\n"
            "streamprobe_zookeeper_kafka_controller_epoch 3\n"
            "streamprobe_zookeeper_kafka_controller_present 1\n"
            "streamprobe_zookeeper_kafka_isr_change_notifications 2\n"
            "streamprobe_zookeeper_kafka_kraft_controller_epoch -1\n"
            "streamprobe_zookeeper_kafka_pending_topic_deletions 1\n"
            "streamprobe_zookeeper_znode_check_passed{path=\"/brokers/ids\"} 0\n"
            "streamprobe_zookeeper_znode_check_passed{path=\"/must/exist\"} 0\n"
            "streamprobe_zookeeper_znode_children{path=\"/brokers/ids\"} 2\n"
            "streamprobe_zookeeper_znode_data_age_seconds{path=\"/brokers/ids\"} 60\n"
            "streamprobe_zookeeper_znode_exists{path=\"/brokers/ids\"} 1\n"
            "streamprobe_zookeeper_znode_exists{path=\"/must/exist\"} 0\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/brokers/ids/1\",reason=\"none\"} 1\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/brokers/ids/1\",reason=\"bad_payload\"} 0\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/brokers/ids/2\",reason=\"none\"} 0\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/brokers/ids/2\",reason=\"bad_payload\"} 1\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/controller\",reason=\"none\"} 1\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/controller\",reason=\"bad_payload\"} 0\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/controller_epoch\",reason=\"none\"} 1\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/controller_epoch\",reason=\"bad_payload\"} 0\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/cluster/id\",reason=\"none\"} 1\n"
            "streamprobe_zookeeper_znode_payload_reason{znode=\"/cluster/id\",reason=\"bad_payload\"} 0\n");
}

TEST(RenderAll, PromtoolClean) {
  MetricSet set;
  RenderMember(Leader(), set);
  RenderZnodes(Registry(), set);
  MemberResult a = Member("a", "leader", 100);
  std::vector<const MemberResult*> members = {&a};
  RenderEnsemble(members, set);
  const std::string path = ::testing::TempDir() + "/zookeeper_metrics.prom";
  std::ofstream(path) << RenderText(set.Families());
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "promtool not installed";
  EXPECT_EQ(std::system(("promtool check metrics < " + path).c_str()), 0);
}

TEST(HexSessionId, LowerCaseHex) {
  EXPECT_EQ(HexSessionId(0x1000001A2B3C0001LL), "0x1000001a2b3c0001");
  EXPECT_EQ(HexSessionId(0), "0x0");
}

}  // namespace
}  // namespace streamprobe::zookeeper
