#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kafka/kafka_metrics.h"
#include "kafka/kafka_probe.h"

namespace streamprobe::kafka {
namespace {

using zookeeper::Znode;
using zookeeper::ZnodeReader;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/kafka/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class FakeClient : public KafkaClient {
 public:
  Result<ClusterMeta> metadata = Result<ClusterMeta>::Fail(Reason::kRefused, "unset");
  std::map<std::string, int> min_isr;
  Result<std::vector<GroupInfo>> groups = Result<std::vector<GroupInfo>>::Of({});
  std::map<std::string, GroupInfo> described;
  std::vector<GroupOffsets> offsets;
  std::map<TopicPartition, std::int64_t> log_end;
  CanaryResult canary;
  int min_isr_calls = 0;
  std::vector<std::string> offsets_asked;

  Result<ClusterMeta> Metadata(Deadline) override { return metadata; }
  Result<std::map<std::string, int>> MinInsyncReplicas(const std::vector<std::string>&,
                                                       Deadline) override {
    ++min_isr_calls;
    return Result<std::map<std::string, int>>::Of(min_isr);
  }
  Result<std::vector<GroupInfo>> ListGroups(Deadline) override { return groups; }
  std::map<std::string, GroupInfo> DescribeGroups(const std::vector<std::string>&, Deadline) override {
    return described;
  }
  std::vector<GroupOffsets> CommittedOffsets(const std::vector<std::string>& ids, Deadline) override {
    offsets_asked = ids;
    std::vector<GroupOffsets> out;
    for (const auto& g : offsets) {
      if (std::find(ids.begin(), ids.end(), g.group) != ids.end()) out.push_back(g);
    }
    return out;
  }
  std::map<TopicPartition, std::int64_t> LogEndOffsets(const std::vector<TopicPartition>&,
                                                       Deadline) override {
    return log_end;
  }
  CanaryResult Canary(const std::string&, int, Deadline) override { return canary; }
};

// Znodes by absolute path; a failure status for every call when `fail` is set.
class FakeZk : public ZnodeReader {
 public:
  std::map<std::string, Znode> nodes;
  Status fail;
  Result<std::optional<Znode>> Get(const std::string& path, zookeeper::Deadline) override {
    using R = Result<std::optional<Znode>>;
    if (!fail.ok()) return R::Fail(fail);
    auto it = nodes.find(path);
    return R::Of(it == nodes.end() ? std::nullopt : std::optional<Znode>(it->second));
  }
  Result<std::optional<std::vector<std::string>>> Children(const std::string& path,
                                                           zookeeper::Deadline) override {
    using R = Result<std::optional<std::vector<std::string>>>;
    if (!fail.ok()) return R::Fail(fail);
    std::vector<std::string> out;
    bool exists = false;
    for (const auto& [p, n] : nodes) {
      if (p == path) exists = true;
      if (p.size() > path.size() && p.compare(0, path.size() + 1, path + "/") == 0 &&
          p.find('/', path.size() + 1) == std::string::npos) {
        out.push_back(p.substr(path.size() + 1));
        exists = true;
      }
    }
    return R::Of(exists ? std::optional(out) : std::nullopt);
  }
  long long SessionId() const override { return 1; }

  // Registers broker `id` with the recorded znode re-pointed at host:port.
  void Register(int id, const std::string& host, int port) {
    nlohmann::json reg = nlohmann::json::parse(ReadFixture("brokers_ids__registered.json"));
    reg["host"] = host;
    reg["port"] = port;
    reg["endpoints"] = {"PLAINTEXT://" + host + ":" + std::to_string(port)};
    Znode z{reg.dump(), {}};
    z.stat.ephemeral_owner = 0x100 + id;
    nodes["/kafka/brokers/ids/" + std::to_string(id)] = z;
    nodes["/kafka/brokers/ids"] = Znode{};
  }
};

class FakeChecker : public EndpointChecker {
 public:
  std::set<std::string> dead;  // "host:port"
  Status Check(const std::string& host, int port, Deadline) override {
    std::lock_guard lock(mu_);
    ++calls;
    return dead.count(host + ":" + std::to_string(port)) ? Status::Fail(Reason::kRefused, "dead")
                                                         : Status::Ok();
  }
  int calls = 0;

 private:
  std::mutex mu_;
};

ClusterMeta Meta(std::vector<BrokerMeta> brokers) {
  ClusterMeta m;
  m.cluster_id = "q1Wc0p9sQ2a5lY0bqZf3bw";
  m.metadata_controller_id = brokers.empty() ? -1 : brokers.front().id;
  m.brokers = std::move(brokers);
  m.topics = {{"orders", 0, {{0, 1, {1, 2, 3}, {1, 2, 3}, 0}, {1, 2, {2, 3, 1}, {2, 3}, 0}}}};
  return m;
}

struct Rig {
  std::shared_ptr<FakeClient> client = std::make_shared<FakeClient>();
  std::shared_ptr<FakeZk> zk = std::make_shared<FakeZk>();
  std::shared_ptr<FakeChecker> checker = std::make_shared<FakeChecker>();
  KafkaConfig config;

  Rig() {
    config.bootstrap = {"127.0.0.11:9092"};
    config.zookeeper = ZkConfig{"127.0.0.1:2181", "/kafka", Millis(10000)};
    config.expected.ids = {1, 2, 3};
    config.expected.host_pattern = "127.0.0.1{id}";
  }
  KafkaProbe Probe(bool with_zk = true) {
    if (!with_zk) config.zookeeper.reset();
    // "Now" is 10 s after the recorded registration's timestamp.
    const double now = std::stod(nlohmann::json::parse(ReadFixture("brokers_ids__registered.json"))
                                     ["timestamp"].get<std::string>()) / 1000.0 + 10;
    return KafkaProbe(config, {client, with_zk ? zk : nullptr, checker, [now] { return now; }});
  }
};

ProbeContext Ctx() { return {Clock::now() + std::chrono::seconds(5), nullptr}; }

std::string Text(const ProbeOutcome& out) { return RenderText(out.metrics.Families()); }

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(KafkaProbe, HealthyZooKeeperClusterIsAllOk) {
  Rig rig;
  for (int id : {1, 2, 3}) rig.zk->Register(id, "127.0.0.1" + std::to_string(id), 9092);
  rig.client->metadata = Result<ClusterMeta>::Of(
      Meta({{1, "127.0.0.11", 9092}, {2, "127.0.0.12", 9092}, {3, "127.0.0.13", 9092}}));
  auto probe = rig.Probe();
  ProbeOutcome out = probe.Run(Ctx());
  ASSERT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_EQ(out.facts.at("cluster_id"), "q1Wc0p9sQ2a5lY0bqZf3bw");
  const std::string text = Text(out);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_brokers_by_registration_state{state=\"ok\"} 3")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"2\",state=\"ok\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"2\",state=\"stale\"} 0"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_reachable{broker_id=\"3\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_age_seconds{broker_id=\"1\"} 10")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_partitions_under_replicated 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_partitions_offline 0"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_zookeeper_registry_success 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_cluster_info{cluster_id=\"q1Wc0p9sQ2a5lY0bqZf3bw\",mode=\"zookeeper\"} 1"));
  EXPECT_EQ(rig.checker->calls, 3);
}

TEST(KafkaProbe, IncidentForeignLiveRegistrationIsHostMismatchNotMissing) {
  Rig rig;
  // A leftover deployment holds ids 1 and 2 from 127.0.0.31/32; expected broker 3 is fine.
  rig.zk->Register(1, "127.0.0.31", 9092);
  rig.zk->Register(2, "127.0.0.32", 9092);
  rig.zk->Register(3, "127.0.0.13", 9092);
  rig.client->metadata = Result<ClusterMeta>::Of(
      Meta({{1, "127.0.0.31", 9092}, {2, "127.0.0.32", 9092}, {3, "127.0.0.13", 9092}}));
  auto probe = rig.Probe();
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"1\",state=\"host_mismatch\"} 1")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_reachable{broker_id=\"1\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_info{broker_id=\"1\",listener=\"PLAINTEXT\",host=\"127.0.0.31\",port=\"9092\",expected_host=\"127.0.0.11\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_brokers_by_registration_state{state=\"host_mismatch\"} 2"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_brokers_by_registration_state{state=\"ok\"} 1"));
}

TEST(KafkaProbe, KilledBrokerWithinSessionTimeoutIsStale) {
  Rig rig;
  for (int id : {1, 2, 3}) rig.zk->Register(id, "127.0.0.1" + std::to_string(id), 9092);
  rig.checker->dead = {"127.0.0.12:9092"};
  rig.client->metadata = Result<ClusterMeta>::Of(
      Meta({{1, "127.0.0.11", 9092}, {2, "127.0.0.12", 9092}, {3, "127.0.0.13", 9092}}));
  auto probe = rig.Probe();
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"2\",state=\"stale\"} 1")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_reachable{broker_id=\"2\"} 0"));
}

TEST(KafkaProbe, MissingAndUnexpectedBrokers) {
  Rig rig;
  rig.zk->Register(1, "127.0.0.11", 9092);
  rig.zk->Register(7, "127.0.0.17", 9092);
  rig.client->metadata =
      Result<ClusterMeta>::Of(Meta({{1, "127.0.0.11", 9092}, {7, "127.0.0.17", 9092}}));
  auto probe = rig.Probe();
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"2\",state=\"missing\"} 1")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"3\",state=\"missing\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"7\",state=\"unexpected\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registered{broker_id=\"2\"} 0"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_expected{broker_id=\"7\"} 0"));
}

TEST(KafkaProbe, UnreachableClusterReportsReasonButStillChecksZooKeeper) {
  Rig rig;
  rig.zk->Register(1, "127.0.0.11", 9092);
  rig.checker->dead = {"127.0.0.11:9092"};
  rig.client->metadata = Result<ClusterMeta>::Fail(Reason::kRefused, "metadata: transport");
  auto probe = rig.Probe();
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kRefused);
  EXPECT_EQ(out.facts.count("cluster_id"), 0u);
  ASSERT_GE(out.units.size(), 2u);  // the status table still sees ZooKeeper's view
  EXPECT_EQ(out.units[0].name, "id 1 (127.0.0.11:9092)");
  EXPECT_NE(out.units[0].cause.find("stale"), std::string::npos);
  EXPECT_EQ(out.units[1].name, "id 2");
  EXPECT_EQ(out.units[1].health, Health::kDown);
  const std::string text = Text(out);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"1\",state=\"stale\"} 1")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"2\",state=\"missing\"} 1"));
  EXPECT_EQ(text.find("streamprobe_kafka_partitions"), std::string::npos);
  EXPECT_EQ(text.find("streamprobe_kafka_broker_in_metadata"), std::string::npos);
}

TEST(KafkaProbe, ZooKeeperFailureFallsBackToMetadataOnly) {
  Rig rig;
  rig.zk->fail = Status::Fail(Reason::kTimeout, "zk down");
  rig.client->metadata = Result<ClusterMeta>::Of(
      Meta({{1, "127.0.0.11", 9092}, {2, "127.0.0.12", 9092}, {3, "127.0.0.13", 9092}}));
  auto probe = rig.Probe();
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok());
  const std::string text = Text(out);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_zookeeper_registry_success 0")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_brokers_by_registration_state{state=\"ok\"} 3"));
  EXPECT_EQ(text.find("streamprobe_kafka_broker_registered{"), std::string::npos);
}

TEST(KafkaProbe, KraftBrokerStoppedIsMissingAndOfflinePartitionsAreNotServing) {
  Rig rig;
  rig.config.expected.ids = {101, 102};
  rig.config.expected.host_pattern = "";
  ClusterMeta meta = Meta({{101, "127.0.0.1", 9092}});
  meta.topics[0].partitions[1].leader = -1;
  rig.client->metadata = Result<ClusterMeta>::Of(meta);
  auto probe = rig.Probe(/*with_zk=*/false);
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kNotServing);
  const std::string text = Text(out);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_broker_registration_state{broker_id=\"102\",state=\"missing\"} 1")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_cluster_info{cluster_id=\"q1Wc0p9sQ2a5lY0bqZf3bw\",mode=\"kraft\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_partitions_offline 1"));
  EXPECT_EQ(text.find("zookeeper_registry_success"), std::string::npos);
}

TEST(KafkaProbe, MinIsrIsCachedBetweenRefreshes) {
  Rig rig;
  rig.client->metadata = Result<ClusterMeta>::Of(Meta({{1, "127.0.0.11", 9092}}));
  rig.client->min_isr = {{"orders", 3}};
  auto probe = rig.Probe(false);
  std::string text;
  for (int i = 0; i < KafkaProbe::kMinIsrRefreshRounds; ++i) text = Text(probe.Run(Ctx()));
  EXPECT_EQ(rig.client->min_isr_calls, 1);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_partitions_under_min_isr 1")) << text;
  probe.Run(Ctx());
  EXPECT_EQ(rig.client->min_isr_calls, 2);
}

void SetUpGroups(FakeClient& c) {
  c.metadata = Result<ClusterMeta>::Of(Meta({{1, "127.0.0.11", 9092}}));
  c.groups = Result<std::vector<GroupInfo>>::Of(
      {{"billing", "stable", -1, false}, {"_internal", "empty", -1, false}, {"audit", "empty", -1, false}});
  c.described = {{"billing", {"billing", "stable", 2, false}}};
  c.offsets = {{"audit", true, {{{"orders", 0}, 10}}},
               {"billing", true, {{{"orders", 0}, 0}, {{"orders", 1}, 5}}}};
  c.log_end = {{{"orders", 0}, 3}, {{"orders", 1}, 9}};
}

TEST(KafkaProbe, ConsumerGroupLagWithAllowDeny) {
  Rig rig;
  rig.config.groups.deny = "^_";
  rig.config.groups.per_partition = true;
  SetUpGroups(*rig.client);
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_EQ(rig.client->offsets_asked, (std::vector<std::string>{"audit", "billing"}));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_lag{group=\"billing\"} 7")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_lag{group=\"audit\"} 0"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_members{group=\"billing\"} 2"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_state{group=\"billing\",state=\"stable\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_topic_lag{group=\"billing\",topic=\"orders\"} 7"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_partition_lag{group=\"billing\",topic=\"orders\",partition=\"0\"} 3"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_partition_lag{group=\"billing\",topic=\"orders\",partition=\"1\"} 4"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_groups{state=\"empty\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_series_dropped 0"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_groups_offsets_unreadable 0"));
  EXPECT_EQ(text.find("_internal"), std::string::npos);
}

// Log-end offsets unreadable (e.g. partition leaders lost with ZooKeeper's
// quorum): the group's lag is unknown, so it is absent and flagged, never 0.
TEST(KafkaProbe, UnknownLogEndLeavesGroupLagAbsentAndFlagged) {
  Rig rig;
  rig.config.groups.deny = "^_";
  rig.config.groups.per_partition = true;
  SetUpGroups(*rig.client);
  rig.client->log_end.clear();
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_lag{"), std::string::npos) << text;
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_lag_seconds{"), std::string::npos);
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_topic_lag{"), std::string::npos);
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_partition_lag{"), std::string::npos);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_partitions_without_log_end{group=\"billing\"} 2"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_partitions_without_log_end{group=\"audit\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_members{group=\"billing\"} 2"));
}

// A group whose committed offsets were not read (OffsetFetch failed, or a
// __consumer_offsets commit not understood) has no lag series and is counted.
TEST(KafkaProbe, UnreadableOffsetsLeaveGroupLagAbsentAndCounted) {
  Rig rig;
  rig.config.groups.deny = "^_";
  rig.config.groups.per_partition = true;
  SetUpGroups(*rig.client);
  rig.client->offsets[1] = {"billing", false, {}};
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_lag{group=\"billing\"}"), std::string::npos) << text;
  EXPECT_EQ(text.find("group=\"billing\",topic="), std::string::npos);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_lag{group=\"audit\"} 0"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_groups_offsets_unreadable 1"));

  rig.client->offsets.clear();  // no answer at all for either group
  const std::string none = Text(probe.Run(Ctx()));
  EXPECT_TRUE(Has(none, "streamprobe_kafka_consumer_groups_offsets_unreadable 2")) << none;
  EXPECT_EQ(none.find("streamprobe_kafka_consumer_group_lag{"), std::string::npos);
}

// One partition's end offset known, the other's not: the known partition's lag
// is exported, the sums over the group and the topic would undercount and are not.
TEST(KafkaProbe, PartlyUnknownLogEndExportsOnlyTrueValues) {
  Rig rig;
  rig.config.groups.deny = "^_";
  rig.config.groups.per_partition = true;
  SetUpGroups(*rig.client);
  rig.client->log_end = {{{"orders", 0}, 3}};
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_lag{group=\"billing\"}"), std::string::npos) << text;
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_topic_lag{group=\"billing\""), std::string::npos);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_partition_lag{group=\"billing\",topic=\"orders\",partition=\"0\"} 3"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_partitions_without_log_end{group=\"billing\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_lag{group=\"audit\"} 0"));
  EXPECT_EQ(text.find("partitions_without_log_end{group=\"audit\"}"), std::string::npos);
}

TEST(KafkaProbe, SeriesBudgetRollsUpAndCountsWhatWasDropped) {
  Rig rig;
  rig.config.groups.deny = "^_";
  rig.config.groups.per_partition = true;
  rig.config.groups.series_budget = 6;  // base 2 groups x 3 = 6; nothing else fits
  SetUpGroups(*rig.client);
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_lag{group=\"billing\"} 7")) << text;
  EXPECT_EQ(text.find("consumer_group_partition_lag{"), std::string::npos);
  EXPECT_EQ(text.find("consumer_group_topic_lag{"), std::string::npos);
  EXPECT_EQ(text.find("consumer_group_state{"), std::string::npos);
  // Full: base 6 + states 12 + topics 4 + partitions 3 = 25; exported 6.
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_series_dropped 19"));

  rig.config.groups.series_budget = 3;  // only the group with most lag
  auto small = rig.Probe(false);
  const std::string t2 = Text(small.Run(Ctx()));
  EXPECT_TRUE(Has(t2, "streamprobe_kafka_consumer_group_lag{group=\"billing\"} 7")) << t2;
  EXPECT_EQ(t2.find("group=\"audit\""), std::string::npos);
  EXPECT_TRUE(Has(t2, "streamprobe_kafka_consumer_group_series_dropped 22"));
}

TEST(KafkaProbe, GroupsWhoseCoordinatorIsDeadAreNotAsked) {
  Rig rig;
  SetUpGroups(*rig.client);
  ClusterMeta meta = Meta({{1, "127.0.0.11", 9092}, {2, "127.0.0.12", 9092}});
  // __consumer_offsets with one partition led by broker 2, whose endpoint is dead.
  meta.topics.push_back({"__consumer_offsets", 0, {{0, 2, {2}, {2}, 0}}});
  rig.client->metadata = Result<ClusterMeta>::Of(meta);
  rig.config.expected.ids.clear();
  rig.checker->dead = {"127.0.0.12:9092"};
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_TRUE(rig.client->offsets_asked.empty());
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_groups_coordinator_unavailable 3")) << text;
  EXPECT_EQ(text.find("streamprobe_kafka_consumer_group_lag{"), std::string::npos);
}

TEST(KafkaProbe, GroupListingFailureIsExportedNotFatal) {
  Rig rig;
  SetUpGroups(*rig.client);
  rig.client->groups = Result<std::vector<GroupInfo>>::Fail(Reason::kTimeout, "slow");
  auto probe = rig.Probe(false);
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok());
  EXPECT_TRUE(Has(Text(out), "streamprobe_kafka_consumer_groups_listed_success 0"));
}

TEST(KafkaProbe, CanaryHistogramIsCumulativeAndFailuresCount) {
  Rig rig;
  rig.config.canary.topic = "streamprobe-canary";
  rig.client->metadata = Result<ClusterMeta>::Of(Meta({{1, "127.0.0.11", 9092}}));
  auto probe = rig.Probe(false);
  rig.client->canary = {true, true, 0.02};
  probe.Run(Ctx());
  rig.client->canary = {true, false, 0};
  probe.Run(Ctx());
  rig.client->canary = {false, false, 0};
  probe.Run(Ctx());
  rig.client->canary = {true, true, 0.3};
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_canary_round_trip_seconds_count 2")) << text;
  EXPECT_TRUE(Has(text, "streamprobe_kafka_canary_round_trip_seconds_bucket{le=\"0.025\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_canary_round_trip_seconds_bucket{le=\"0.5\"} 2"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_canary_produce_failures_total 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_canary_consume_failures_total 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kafka_canary_success 1"));
}

// std::regex_search recurses once per character: a group id of 200,000
// characters (any client may create one) used to overflow the stack.
TEST(KafkaProbe, OverlongGroupIdIsSkippedNotMatched) {
  Rig rig;
  SetUpGroups(*rig.client);
  const std::string huge(200000, 'g');
  rig.client->groups.value.push_back({huge, "stable", -1, false});
  auto probe = rig.Probe(false);
  const std::string text = Text(probe.Run(Ctx()));
  EXPECT_EQ(rig.client->offsets_asked, (std::vector<std::string>{"_internal", "audit", "billing"}));
  EXPECT_EQ(text.find(huge.substr(0, 100)), std::string::npos);
  EXPECT_TRUE(Has(text, "streamprobe_kafka_consumer_group_lag{group=\"billing\"} 7")) << text;
}

}  // namespace
}  // namespace streamprobe::kafka
