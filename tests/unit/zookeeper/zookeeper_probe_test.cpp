#include "zookeeper/zookeeper_probe.h"

#include <gtest/gtest.h>

#include "core/snapshot.h"
#include "fakes.h"
#include "zookeeper/zookeeper_metrics.h"

namespace streamprobe::zookeeper {
namespace {

using testing::FakeFourLetterClient;
using testing::FakeHttpClient;
using testing::FakeZnodeReader;

std::string Zk(const std::string& name) { return testing::Fixture("zookeeper/" + name); }

struct MemberFixture {
  std::shared_ptr<FakeFourLetterClient> four = std::make_shared<FakeFourLetterClient>();
  std::shared_ptr<FakeHttpClient> http = std::make_shared<FakeHttpClient>();
  MemberResult Run(std::optional<int> admin_port = std::nullopt) {
    MemberProbe probe("zk-0.zk:2181", admin_port, four, http);
    return probe.RunRound(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }
};

TEST(MemberProbe, WhitelistAllUsesMntrAndRuok) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__leader.txt"));
  f.four->Reply("mntr", Zk("mntr__leader.txt"));
  f.four->Reply("ruok", Zk("ruok__ok.txt"));
  MemberResult r = f.Run(8080);
  ASSERT_TRUE(r.status.ok()) << r.status.detail();
  EXPECT_EQ(r.mode, "leader");
  EXPECT_EQ(r.source, "mntr");
  ASSERT_TRUE(r.stats.has_value());
  EXPECT_EQ(r.stats->zxid, 0x100000097LL);  // kept from srvr
  EXPECT_EQ(r.stats->learners, 2.0);        // from mntr
  EXPECT_EQ(r.ruok, true);
  EXPECT_TRUE(f.http->urls.empty());
  EXPECT_EQ(f.four->asked, (std::vector<std::string>{"srvr", "mntr", "ruok"}));
}

// Recorded from a real observer (3 voters + 1 observer): mode observer, and the
// voter count from mntr; once it stops answering it is still known as an observer.
TEST(MemberProbe, ObserverIsRememberedWhileDown) {
  auto four = std::make_shared<FakeFourLetterClient>();
  MemberProbe probe("zk-3.zk:2181", std::nullopt, four, std::make_shared<FakeHttpClient>());
  const auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(1); };
  four->Reply("srvr", Zk("srvr__observer.txt"));
  four->Reply("mntr", Zk("mntr__observer.txt"));
  MemberResult serving = probe.RunRound(deadline());
  ASSERT_TRUE(serving.status.ok()) << serving.status.detail();
  EXPECT_EQ(serving.mode, "observer");
  EXPECT_TRUE(serving.observer);
  EXPECT_EQ(serving.stats->quorum_size, 3.0);
  four->replies.clear();  // stopped: refused
  MemberResult down = probe.RunRound(deadline());
  EXPECT_EQ(down.status.reason(), Reason::kRefused);
  EXPECT_TRUE(down.observer);
  four->Reply("srvr", Zk("srvr__follower.txt"));  // reconfigured as a voter
  four->Reply("mntr", Zk("mntr__follower.txt"));
  EXPECT_FALSE(probe.RunRound(deadline()).observer);
}

TEST(MemberProbe, LeaderWithObserverReportsVotersOnly) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__leader.txt"));
  f.four->Reply("mntr", Zk("mntr__leader_with_observer.txt"));
  MemberResult r = f.Run();
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.stats->quorum_size, 3.0);
  EXPECT_EQ(r.stats->learners, 3.0);  // two followers and the observer
  EXPECT_FALSE(r.observer);
}

TEST(MemberProbe, ObserverThroughAdminServer) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__observer.txt"));
  f.four->Reply("mntr", Zk("mntr__not_whitelisted.txt"));
  f.http->Answer(200, Zk("commands_monitor__observer.json"));
  MemberResult r = f.Run(8080);
  ASSERT_TRUE(r.status.ok()) << r.status.detail();
  EXPECT_EQ(r.source, "admin_server");
  EXPECT_EQ(r.mode, "observer");
  EXPECT_EQ(r.stats->quorum_size, 3.0);
}

TEST(MemberProbe, StockWhitelistFallsBackToAdminServer) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__follower.txt"));
  f.four->Reply("mntr", Zk("mntr__not_whitelisted.txt"));
  f.http->Answer(200, Zk("commands_monitor__follower.json"));
  MemberResult r = f.Run(8080);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.source, "admin_server");
  EXPECT_EQ(f.http->urls, std::vector<std::string>{"http://zk-0.zk:8080/commands/monitor"});
  EXPECT_FALSE(r.ruok.has_value());  // not whitelisted: not asked
  EXPECT_EQ(f.four->asked, (std::vector<std::string>{"srvr", "mntr"}));
  EXPECT_TRUE(r.stats->watch_count.has_value());
}

TEST(MemberProbe, StockWhitelistWithoutAdminServerKeepsSrvr) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__standalone_default_whitelist.txt"));
  f.four->Reply("mntr", Zk("mntr__not_whitelisted.txt"));
  MemberResult r = f.Run();
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.mode, "standalone");
  EXPECT_EQ(r.source, "srvr");
  EXPECT_TRUE(f.http->urls.empty());
  EXPECT_FALSE(r.stats->watch_count.has_value());
}

TEST(MemberProbe, AdminServerErrorFieldKeepsSrvr) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__follower.txt"));
  f.four->Reply("mntr", Zk("mntr__not_whitelisted.txt"));
  f.http->Answer(200, Zk("commands_monitor__error_field_handwritten.json"));
  MemberResult r = f.Run(8080);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.source, "srvr");
  f.http->response = Result<HttpResponse>::Fail(Reason::kTimeout, "fake");
  EXPECT_EQ(f.Run(8080).source, "srvr");
}

TEST(MemberProbe, NotServing) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__no_quorum.txt"));
  f.four->Reply("mntr", Zk("mntr__no_quorum.txt"));
  MemberResult r = f.Run();
  EXPECT_EQ(r.status.reason(), Reason::kNotServing);
  EXPECT_EQ(r.mode, "not_serving");
  EXPECT_FALSE(r.stats.has_value());
}

TEST(MemberProbe, TransportFailuresKeepTheirReason) {
  for (Reason reason : {Reason::kRefused, Reason::kTimeout, Reason::kDns, Reason::kBadPayload}) {
    MemberFixture f;
    f.four->Fail("srvr", reason);
    MemberResult r = f.Run();
    EXPECT_EQ(r.status.reason(), reason);
    EXPECT_EQ(r.mode, "");
    EXPECT_EQ(f.four->asked.size(), 1u);
  }
}

TEST(MemberProbe, GarbageIsBadPayload) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__garbage_http_handwritten.txt"));
  EXPECT_EQ(f.Run().status.reason(), Reason::kBadPayload);
}

TEST(MemberProbe, MntrFailureAfterSrvrKeepsSrvr) {
  MemberFixture f;
  f.four->Reply("srvr", Zk("srvr__leader.txt"));
  f.four->Fail("mntr", Reason::kTimeout);
  MemberResult r = f.Run(8080);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.source, "srvr");
  EXPECT_TRUE(f.http->urls.empty());
}

TEST(MemberProbe, RunPublishesStateAndMetrics) {
  auto four = std::make_shared<FakeFourLetterClient>();
  four->Reply("srvr", Zk("srvr__follower.txt"));
  four->Reply("mntr", Zk("mntr__follower.txt"));
  four->Reply("ruok", "imok");
  MemberProbe probe("zk-0.zk:2181", std::nullopt, four, nullptr);
  ProbeContext ctx{std::chrono::steady_clock::now() + std::chrono::seconds(1), nullptr};
  ProbeOutcome out = probe.Run(ctx);
  EXPECT_TRUE(out.status.ok());
  ASSERT_NE(out.state, nullptr);
  EXPECT_EQ(static_cast<const MemberResult*>(out.state.get())->mode, "follower");
  EXPECT_FALSE(out.metrics.empty());
}

TEST(EvaluateCheck, Thresholds) {
  ZnodeCheck check{"/brokers/ids", 3, std::chrono::minutes(5)};
  ZnodeStat stat;
  stat.num_children = 3;
  stat.mtime_ms = 1'000'000;
  auto ok = EvaluateCheck(check, stat, 1'000'000 + 60'000);
  EXPECT_TRUE(ok.exists);
  EXPECT_TRUE(ok.passed);
  EXPECT_EQ(ok.data_age_seconds, 60.0);
  stat.num_children = 2;
  EXPECT_FALSE(EvaluateCheck(check, stat, 1'000'000).passed);
  stat.num_children = 3;
  EXPECT_FALSE(EvaluateCheck(check, stat, 1'000'000 + 301'000).passed);
  auto missing = EvaluateCheck(check, std::nullopt, 0);
  EXPECT_FALSE(missing.exists);
  EXPECT_FALSE(missing.passed);
  EXPECT_TRUE(EvaluateCheck(ZnodeCheck{"/must/exist", {}, {}}, ZnodeStat{}, 5).passed);
}

ZookeeperConfig ZnodesConfig() {
  ZookeeperConfig cfg;
  cfg.members = {"zk:2181"};
  cfg.kafka_chroot = "/kafka";
  cfg.znode_checks = {{"/kafka/brokers/ids", 2, {}}, {"/must/exist", {}, {}}};
  return cfg;
}

TEST(ZnodesProbe, ReadsRegistryChecksAndPublishesClusterId) {
  auto zk = std::make_shared<FakeZnodeReader>();
  ZnodeStat ids;
  ids.num_children = 1;
  zk->Put("/kafka/brokers/ids", "", ids);
  zk->Put("/kafka/brokers/ids/1", testing::Fixture("kafka/brokers_ids__registered.json"));
  zk->Put("/kafka/cluster/id", testing::Fixture("kafka/cluster_id__zk_mode.json"));
  ZnodesProbe probe(ZnodesConfig(), zk);
  ProbeOutcome out = probe.Run({std::chrono::steady_clock::now() + std::chrono::seconds(1), nullptr});
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_EQ(out.facts["cluster_id"], "gscCoR2HTbOmZ109RkN4wg");
  ZnodesResult r = probe.RunRound(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  ASSERT_TRUE(r.registry.has_value());
  EXPECT_EQ(r.registry->brokers.size(), 1u);
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_FALSE(r.checks[0].passed);  // 1 child < 2
  EXPECT_FALSE(r.checks[1].exists);
}

TEST(ZnodesProbe, NoRegistryIsNotServingButChecksStillRun) {
  auto zk = std::make_shared<FakeZnodeReader>();
  zk->Put("/must/exist", "x");
  ZnodesProbe probe(ZnodesConfig(), zk);
  ZnodesResult r = probe.RunRound(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  EXPECT_EQ(r.status.reason(), Reason::kNotServing);
  EXPECT_FALSE(r.registry.has_value());
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_TRUE(r.checks[1].passed);
}

TEST(ZnodesProbe, ReaderFailureFailsTheTarget) {
  auto zk = std::make_shared<FakeZnodeReader>();
  zk->Fail("/kafka/brokers/ids", Reason::kTimeout);
  zk->Fail("/must/exist", Reason::kTimeout);
  ZnodesProbe probe(ZnodesConfig(), zk);
  ProbeOutcome out = probe.Run({std::chrono::steady_clock::now() + std::chrono::seconds(1), nullptr});
  EXPECT_EQ(out.status.reason(), Reason::kTimeout);
  EXPECT_TRUE(out.facts.empty());
}

}  // namespace
}  // namespace streamprobe::zookeeper
