// The supervised Kafka client against a scripted worker process
// (tests/fakes/fake_kafka_worker.cpp), the frame format and the config transport.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "kafka/kafka_frame.h"
#include "kafka/kafka_probe.h"
#include "kafka/kafka_supervised_client.h"
#include "kafka/kafka_wire.h"

namespace streamprobe::kafka {
namespace {

using std::chrono::milliseconds;

// Every field of KafkaConfig (and of the structs in it) set away from its
// default. The structured bindings stop compiling when a field is added:
// then set it here and carry it in kafka_wire.cpp.
KafkaConfig EveryFieldSet() {
  KafkaConfig config;
  auto& [schedule, bootstrap, zookeeper, kraft, expected, groups, canary, client, client_secrets] =
      config;
  schedule = {milliseconds(1234), milliseconds(567)};
  auto& [controllers] = kraft;
  controllers = {"c1:9093", "c2:9093"};
  bootstrap = {"b1:9092", "b2:9093"};
  zookeeper = ZkConfig{};
  auto& [connect, chroot, session_timeout] = *zookeeper;
  connect = "zk1:2181,zk2:2181";
  chroot = "/kafka";
  session_timeout = milliseconds(4321);
  auto& [ids, host_pattern] = expected;
  ids = {1, 2, 3};
  host_pattern = "kafka-{id}";
  auto& [enabled, allow, deny, per_partition, series_budget, offsets_source] = groups;
  enabled = false;
  allow = "^app";
  deny = "test$";
  per_partition = true;
  series_budget = 17;
  offsets_source = OffsetsSource::kOffsetsTopic;
  auto& [topic, partition] = canary;
  topic = "canary";
  partition = 2;
  client = {{"security.protocol", "SASL_SSL"}, {"sasl.mechanism", "PLAIN"}};
  client_secrets = {{"sasl.password", Secret{"env:PW", "s3cret"}}};
  return config;
}

void ExpectSameConfig(const KafkaConfig& a, const KafkaConfig& b) {
  EXPECT_EQ(a.schedule.interval, b.schedule.interval);
  EXPECT_EQ(a.schedule.timeout, b.schedule.timeout);
  EXPECT_EQ(a.bootstrap, b.bootstrap);
  EXPECT_EQ(a.kraft.controllers, b.kraft.controllers);
  ASSERT_EQ(a.zookeeper.has_value(), b.zookeeper.has_value());
  if (a.zookeeper) {
    EXPECT_EQ(a.zookeeper->connect, b.zookeeper->connect);
    EXPECT_EQ(a.zookeeper->chroot, b.zookeeper->chroot);
    EXPECT_EQ(a.zookeeper->session_timeout, b.zookeeper->session_timeout);
  }
  EXPECT_EQ(a.expected.ids, b.expected.ids);
  EXPECT_EQ(a.expected.host_pattern, b.expected.host_pattern);
  EXPECT_EQ(a.groups.enabled, b.groups.enabled);
  EXPECT_EQ(a.groups.allow, b.groups.allow);
  EXPECT_EQ(a.groups.deny, b.groups.deny);
  EXPECT_EQ(a.groups.per_partition, b.groups.per_partition);
  EXPECT_EQ(a.groups.series_budget, b.groups.series_budget);
  EXPECT_EQ(a.groups.offsets_source, b.groups.offsets_source);
  EXPECT_EQ(a.canary.topic, b.canary.topic);
  EXPECT_EQ(a.canary.partition, b.canary.partition);
  EXPECT_EQ(a.client, b.client);
  ASSERT_EQ(a.client_secrets.size(), b.client_secrets.size());
  for (const auto& [name, secret] : a.client_secrets) {
    ASSERT_TRUE(b.client_secrets.count(name)) << name;
    EXPECT_EQ(secret.source, b.client_secrets.at(name).source);
    EXPECT_EQ(secret.value, b.client_secrets.at(name).value);
  }
}

Deadline In(milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

// A supervised client over the scripted worker; `Script` sets what it does next.
class SupervisedClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control_ = ::testing::TempDir() + "kafka_worker_control_" + std::to_string(getpid());
    Script("good");
  }
  void TearDown() override { std::remove(control_.c_str()); }

  void Script(const std::string& command) { std::ofstream(control_) << command << "\n"; }

  std::unique_ptr<SupervisedKafkaClient> Client(RestartBackoff backoff = {milliseconds(0),
                                                                         milliseconds(0)},
                                                KafkaConfig config = {}) {
    if (config.bootstrap.empty()) config.bootstrap = {"127.0.0.1:9092"};
    return std::make_unique<SupervisedKafkaClient>(
        config, WorkerCommand{STREAMPROBE_FAKE_KAFKA_WORKER, {"fake_kafka_worker", control_}},
        backoff);
  }

  std::string control_;
};

TEST(KafkaWire, ConfigRoundTripsEveryField) {
  const KafkaConfig config = EveryFieldSet();
  ExpectSameConfig(config, DecodeConfig(nlohmann::json::parse(EncodeConfig(config).dump())));
}

TEST(KafkaWire, ConfigWithoutZooKeeperRoundTrips) {
  KafkaConfig config = EveryFieldSet();
  config.zookeeper.reset();
  ExpectSameConfig(config, DecodeConfig(EncodeConfig(config)));
}

TEST(KafkaWire, StatusRoundTripsReasonAndDetail) {
  Status s = DecodeStatus(EncodeStatus(Status::Fail(Reason::kAuth, "SASL failed")));
  EXPECT_EQ(s.reason(), Reason::kAuth);
  EXPECT_EQ(s.detail(), "SASL failed");
  EXPECT_TRUE(DecodeStatus(EncodeStatus(Status::Ok())).ok());
}

TEST(KafkaFrame, OversizeLengthIsRejectedBeforeReading) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const unsigned char header[4] = {0, 0, 1, 0};  // 256 bytes
  ASSERT_EQ(write(fds[1], header, 4), 4);
  EXPECT_EQ(ReadFrame(fds[0], In(milliseconds(500)), 255).error, FrameError::kOversize);
  close(fds[0]);
  close(fds[1]);
}

TEST(KafkaFrame, TruncatedFrameIsClosedAndRoundTripWorks) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(WriteFrame(fds[1], "{\"a\":1}", In(milliseconds(500))), FrameError::kNone);
  FrameRead good = ReadFrame(fds[0], In(milliseconds(500)));
  EXPECT_EQ(good.error, FrameError::kNone);
  EXPECT_EQ(good.body, "{\"a\":1}");
  const unsigned char header[4] = {0, 0, 0, 9};
  ASSERT_EQ(write(fds[1], header, 4), 4);
  ASSERT_EQ(write(fds[1], "abc", 3), 3);
  close(fds[1]);
  EXPECT_EQ(ReadFrame(fds[0], In(milliseconds(500))).error, FrameError::kClosed);
  close(fds[0]);
}

TEST_F(SupervisedClientTest, GoodWorkerAnswersAndReportsNoFault) {
  auto client = Client();
  auto meta = client->Metadata(In(milliseconds(5000)));
  ASSERT_TRUE(meta.ok()) << meta.status.detail();
  EXPECT_EQ(meta.value.cluster_id, "fake");
  auto offsets = client->CommittedOffsets({"g1"}, In(milliseconds(5000)));
  ASSERT_EQ(offsets.size(), 1u);
  EXPECT_EQ(offsets[0].committed.at(TopicPartition{"t", 0}), 5);
  EXPECT_EQ(client->LogEndOffsets({{"t", 0}}, In(milliseconds(5000))).at(TopicPartition{"t", 0}), 7);
  ClientHealth health = client->TakeHealth();
  EXPECT_TRUE(health.fault.ok());
  EXPECT_TRUE(health.supervised);
  EXPECT_TRUE(health.worker_up);
  EXPECT_EQ(health.restarts, 0u);
}

TEST_F(SupervisedClientTest, ConfigReachesTheWorkerWithEveryField) {
  Script("config");
  const KafkaConfig config = EveryFieldSet();
  auto client = Client({milliseconds(0), milliseconds(0)}, config);
  auto meta = client->Metadata(In(milliseconds(5000)));
  ASSERT_TRUE(meta.ok()) << meta.status.detail();
  ExpectSameConfig(config, DecodeConfig(nlohmann::json::parse(meta.value.cluster_id)));
}

TEST_F(SupervisedClientTest, CrashFailsTheRoundWithTheSignalThenRecovers) {
  auto client = Client();
  ASSERT_TRUE(client->Metadata(In(milliseconds(5000))).ok());
  client->TakeHealth();
  Script("crash");
  auto offsets = client->CommittedOffsets({"g1", "g2"}, In(milliseconds(5000)));
  ASSERT_EQ(offsets.size(), 2u);
  EXPECT_FALSE(offsets[0].ok);
  Script("good");
  EXPECT_FALSE(client->Metadata(In(milliseconds(5000))).ok()) << "no restart within the round";
  ClientHealth crashed = client->TakeHealth();
  EXPECT_EQ(crashed.fault.reason(), Reason::kOther);
  EXPECT_EQ(crashed.fault.detail(), "kafka client crashed: signal 11");
  EXPECT_FALSE(crashed.worker_up);
  EXPECT_EQ(crashed.restarts, 0u);

  auto meta = client->Metadata(In(milliseconds(5000)));
  ASSERT_TRUE(meta.ok()) << meta.status.detail();
  ClientHealth recovered = client->TakeHealth();
  EXPECT_TRUE(recovered.fault.ok());
  EXPECT_TRUE(recovered.worker_up);
  EXPECT_EQ(recovered.restarts, 1u);
}

TEST_F(SupervisedClientTest, ExitIsReportedWithItsStatus) {
  Script("exit 3");
  auto client = Client();
  auto meta = client->Metadata(In(milliseconds(5000)));
  EXPECT_EQ(meta.status.reason(), Reason::kOther);
  EXPECT_EQ(meta.status.detail(), "kafka client crashed: exited with status 3");
}

TEST_F(SupervisedClientTest, HangIsKilledAtTheDeadline) {
  auto client = Client();
  ASSERT_TRUE(client->Metadata(In(milliseconds(5000))).ok());
  const pid_t pid = client->worker_pid();
  Script("hang");
  const auto start = std::chrono::steady_clock::now();
  auto groups = client->ListGroups(In(milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(groups.status.detail(), "kafka client did not answer before the deadline");
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(1000));
  EXPECT_EQ(client->worker_pid(), -1);
  EXPECT_NE(kill(pid, 0), 0) << "the hung worker was killed and reaped";
}

TEST_F(SupervisedClientTest, GarbageFrameIsAFault) {
  Script("garbage");
  auto client = Client();
  auto meta = client->Metadata(In(milliseconds(5000)));
  EXPECT_EQ(meta.status.reason(), Reason::kOther);
  EXPECT_EQ(meta.status.detail(), "kafka client sent a bad frame");
  EXPECT_EQ(client->worker_pid(), -1);
}

TEST_F(SupervisedClientTest, OversizeFrameIsAFault) {
  Script("oversize");
  auto client = Client();
  auto meta = client->Metadata(In(milliseconds(5000)));
  EXPECT_EQ(meta.status.detail(), "kafka client sent an oversize frame");
  EXPECT_EQ(client->worker_pid(), -1);
}

TEST_F(SupervisedClientTest, RestartWaitsForTheBackoff) {
  Script("crash");
  auto client = Client({milliseconds(60000), milliseconds(60000)});
  EXPECT_FALSE(client->Metadata(In(milliseconds(5000))).ok());
  client->TakeHealth();
  Script("good");
  auto meta = client->Metadata(In(milliseconds(5000)));
  EXPECT_EQ(meta.status.reason(), Reason::kOther);
  EXPECT_NE(meta.status.detail().find("kafka client restarting"), std::string::npos);
  EXPECT_EQ(client->TakeHealth().restarts, 0u);
}

TEST_F(SupervisedClientTest, ProbeRoundFailsWithoutValuesWhenTheClientCrashes) {
  auto client = std::shared_ptr<SupervisedKafkaClient>(Client());
  KafkaConfig config;
  config.bootstrap = {"127.0.0.1:9092"};
  KafkaSeams seams;
  seams.client = client;
  seams.checker = NewApiVersionsChecker(false);
  seams.now_unix = [] { return 1000.0; };
  KafkaProbe probe(config, seams);
  Script("crash");
  ProbeContext ctx{In(milliseconds(3000)), nullptr};
  ProbeOutcome out = probe.Run(ctx);
  EXPECT_EQ(out.status.reason(), Reason::kOther);
  EXPECT_EQ(out.status.detail(), "kafka client crashed: signal 11");
  std::vector<std::string> names;
  for (const auto& f : out.metrics.Families()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"streamprobe_kafka_client_restarts_total",
                                             "streamprobe_kafka_client_worker_up"}));
  EXPECT_TRUE(out.facts.empty());

  Script("good");
  ProbeOutcome next = probe.Run({In(milliseconds(3000)), nullptr});
  EXPECT_TRUE(next.status.ok()) << next.status.detail();
  EXPECT_EQ(next.facts.at("cluster_id"), "fake");
}

}  // namespace
}  // namespace streamprobe::kafka
