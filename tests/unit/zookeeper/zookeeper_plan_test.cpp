#include "zookeeper/zookeeper_plan.h"

#include <gtest/gtest.h>

#include "core/snapshot.h"
#include "fakes.h"

namespace streamprobe::zookeeper {
namespace {

const Backend kBackends[] = {{"zookeeper", &PlanZookeeper}};

LoadedConfig Load(const std::string& section) {
  return LoadConfigText("clusters:\n  - name: dp\n    zookeeper:\n" + section, kBackends);
}

bool HasError(const LoadedConfig& c, const std::string& field, const std::string& text) {
  for (const auto& e : c.errors) {
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(PlanZookeeper, FullExampleFromTheDocs) {
  auto c = Load(
      "      interval: 15s\n"
      "      timeout: 5s\n"
      "      members: [\"zk-0.zk:2181\", \"zk-1.zk:2181\", \"zk-2.zk:2181\"]\n"
      "      admin_server: {port: 8080}\n"
      "      kafka_chroot: /kafka\n"
      "      session_timeout: 10s\n"
      "      znode_checks:\n"
      "        - {path: /brokers/ids, min_children: 3}\n"
      "        - {path: /some/heartbeat, max_data_age: 5m}\n"
      "        - {path: /must/exist}\n");
  ASSERT_TRUE(c.ok()) << FormatErrors(c.errors);
  ASSERT_EQ(c.plan.targets.size(), 4u);
  EXPECT_EQ(c.plan.targets[0].Id(), "dp/zookeeper/zk-0.zk:2181");
  EXPECT_EQ(c.plan.targets[3].Id(), "dp/zookeeper/znodes");
  EXPECT_EQ(c.plan.targets[0].interval, std::chrono::seconds(15));
  EXPECT_EQ(c.plan.targets[0].timeout, std::chrono::seconds(5));
  ASSERT_EQ(c.plan.views.size(), 1u);
  EXPECT_EQ(c.plan.views[0].target_ids.size(), 3u);
  EXPECT_EQ(c.plan.views[0].cluster, "dp");
}

TEST(PlanZookeeper, MembersOnlyHasNoZnodesTarget) {
  auto c = Load("      members: [\"zk:2181\"]\n");
  ASSERT_TRUE(c.ok()) << FormatErrors(c.errors);
  EXPECT_EQ(c.plan.targets.size(), 1u);
}

TEST(PlanZookeeper, EveryErrorNamesItsField) {
  auto c = Load(
      "      members: [\"zk\", \"zk:2181\", \"zk:2181\"]\n"
      "      admin_server: {prt: 8080}\n"
      "      kafka_chroot: kafka\n"
      "      session_timeout: 5h\n"
      "      znode_checks:\n"
      "        - {path: relative}\n"
      "        - {path: /a, min_children: -1}\n"
      "        - {path: /a}\n"
      "        - {min_children: 1}\n"
      "      bogus: 1\n");
  EXPECT_FALSE(c.ok());
  const std::string z = "clusters[0].zookeeper.";
  EXPECT_TRUE(HasError(c, z + "members[0]", "host:port")) << FormatErrors(c.errors);
  EXPECT_TRUE(HasError(c, z + "members[2]", "twice"));
  EXPECT_TRUE(HasError(c, z + "admin_server.port", "required"));
  EXPECT_TRUE(HasError(c, z + "admin_server.prt", ""));
  EXPECT_TRUE(HasError(c, z + "kafka_chroot", "absolute"));
  EXPECT_TRUE(HasError(c, z + "session_timeout", ""));
  EXPECT_TRUE(HasError(c, z + "znode_checks[0].path", "absolute"));
  EXPECT_TRUE(HasError(c, z + "znode_checks[1].min_children", ""));
  EXPECT_TRUE(HasError(c, z + "znode_checks[2].path", "twice"));
  EXPECT_TRUE(HasError(c, z + "znode_checks[3].path", "required"));
  EXPECT_TRUE(HasError(c, z + "bogus", ""));
}

TEST(PlanZookeeper, MembersAreRequired) {
  auto c = Load("      interval: 15s\n");
  EXPECT_TRUE(HasError(c, "clusters[0].zookeeper.members", "required")) << FormatErrors(c.errors);
}

TEST(PlanZookeeperWith, WiresSeamsAndRendersTheEnsembleView) {
  auto four = std::make_shared<testing::FakeFourLetterClient>();
  four->Reply("srvr", testing::Fixture("zookeeper/srvr__leader.txt"));
  four->Reply("mntr", testing::Fixture("zookeeper/mntr__not_whitelisted.txt"));
  std::string opened;
  Seams seams{four, nullptr, [&](const std::string& connect, Millis) -> std::shared_ptr<ZnodeReader> {
                opened = connect;
                return std::make_shared<testing::FakeZnodeReader>();
              }};
  ErrorList errors;
  YAML::Node node = YAML::Load("{members: [\"a:1\", \"b:2\"], kafka_chroot: /}");
  Decoder section(node, "zookeeper", &errors);
  Plan plan;
  PlanZookeeperWith(section, ClusterContext{"dp"}, plan, seams);
  ASSERT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_EQ(opened, "a:1,b:2");
  ASSERT_EQ(plan.targets.size(), 3u);

  // One round of member a; member b has not finished a round.
  ProbeOutcome a = plan.targets[0].probe->Run({std::chrono::steady_clock::now() + std::chrono::seconds(1), nullptr});
  TargetResult result;
  result.status = a.status;
  result.state = a.state;
  const TargetResult* inputs[] = {&result, nullptr};
  MetricSet view;
  plan.views[0].render(inputs, view);
  const std::string text = RenderText(view.Families());
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_leaders 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_quorum 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("streamprobe_zookeeper_ensemble_members_serving 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace streamprobe::zookeeper
