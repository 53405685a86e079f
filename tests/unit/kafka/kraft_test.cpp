// The KRaft controller quorum: the DescribeQuorum codec on answers recorded
// from real Kafka 3.9 and 4.1 controllers (tests/fixtures/kafka_kraft), the
// controller probe over a fake client, the quorum view, and the production
// client against loopback servers that answer like a controller, like a
// broker, with garbage or not at all.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "kafka/kafka_kraft.h"
#include "kafka/kafka_parse.h"
#include "support/loopback.h"

namespace streamprobe::kafka {
namespace {

using namespace std::chrono_literals;

std::string ReadFixture(const std::string& folder, const std::string& name) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/" + folder + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Kraft(const std::string& name) { return ReadFixture("kafka_kraft", name); }

QuorumDescription Parsed(const std::string& name) {
  auto parsed = ParseDescribeQuorumResponse(Kraft(name));
  EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.status.detail();
  return parsed.value;
}

const ReplicaState* Voter(const QuorumDescription& q, int id) {
  for (const ReplicaState& v : q.voters) {
    if (v.replica_id == id) return &v;
  }
  return nullptr;
}

// ------------------------------------------------------------------ codec

TEST(DescribeQuorumRequest, EqualsTheRequestRealControllersAnswered) {
  EXPECT_EQ(BuildDescribeQuorumRequest(7, "streamprobe-recorder"), Kraft("describe_quorum__v1_request.bin"));
}

class RecordedVersions : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordedVersions, LeaderDescribesThreeVotersAndTheBrokerObserver) {
  const QuorumDescription q = Parsed("describe_quorum__v1_leader_" + GetParam() + ".bin");
  EXPECT_EQ(q.correlation_id, 7);
  EXPECT_EQ(q.error_code, 0);
  EXPECT_GE(q.leader_id, 1);
  EXPECT_LE(q.leader_id, 3);
  EXPECT_EQ(q.leader_epoch, 1);
  EXPECT_GT(q.high_watermark, 0);
  ASSERT_EQ(q.voters.size(), 3u);
  for (int id = 1; id <= 3; ++id) {
    const ReplicaState* v = Voter(q, id);
    ASSERT_NE(v, nullptr) << id;
    EXPECT_EQ(v->log_end_offset, q.high_watermark);
    EXPECT_GT(v->last_caught_up_ms, 1700000000000);  // wall-clock ms
  }
  ASSERT_EQ(q.observers.size(), 1u);
  EXPECT_EQ(q.observers[0].replica_id, 101);
}

TEST_P(RecordedVersions, FollowerAnswersNotLeader) {
  EXPECT_EQ(Parsed("describe_quorum__v1_follower_" + GetParam() + ".bin").error_code, kNotLeaderOrFollower);
  EXPECT_EQ(Parsed("describe_quorum__v1_two_voters_down_" + GetParam() + ".bin").error_code,
            kNotLeaderOrFollower);
}

TEST_P(RecordedVersions, ControllerListenerListsDescribeQuorumAndNoProduce) {
  auto versions = ParseApiVersionsResponse(Kraft("api_versions__v0_controller_" + GetParam() + ".bin"));
  ASSERT_TRUE(versions.ok()) << versions.status.detail();
  EXPECT_TRUE(Supports(versions.value, kDescribeQuorumApiKey, kDescribeQuorumVersion));
  EXPECT_FALSE(Supports(versions.value, 0, 0));
}

TEST_P(RecordedVersions, EveryTruncationIsBadPayload) {
  const std::string body = Kraft("describe_quorum__v1_leader_" + GetParam() + ".bin");
  for (std::size_t n = 0; n < body.size(); ++n) {
    EXPECT_EQ(ParseDescribeQuorumResponse(body.substr(0, n)).status.reason(), Reason::kBadPayload) << n;
  }
  EXPECT_EQ(ParseDescribeQuorumResponse(body + "x").status.reason(), Reason::kBadPayload);
}

INSTANTIATE_TEST_SUITE_P(Kafka, RecordedVersions, ::testing::Values("kafka39", "kafka4"));

TEST(DescribeQuorumResponse, OtherTopicOrHugeArrayIsBadPayload) {
  std::string body = Kraft("describe_quorum__v1_follower_kafka4.bin");
  const auto at = body.find("__cluster_metadata");
  ASSERT_NE(at, std::string::npos);
  body[at + 2] = 'X';
  EXPECT_EQ(ParseDescribeQuorumResponse(body).status.reason(), Reason::kBadPayload);
  // correlation id, no header tags, error 0, then a topics array of 2^28 entries
  const std::string huge("\x00\x00\x00\x07\x00\x00\x00\x80\x80\x80\x80\x01", 12);
  EXPECT_EQ(ParseDescribeQuorumResponse(huge).status.reason(), Reason::kBadPayload);
}

TEST(DescribeQuorumResponse, TopLevelErrorWithoutTopicsIsAnAnswer) {
  // correlation id 9, no header tags, error 35 (UNSUPPORTED_VERSION), empty topics, no tags
  auto parsed = ParseDescribeQuorumResponse(std::string("\x00\x00\x00\x09\x00\x00\x23\x01\x00", 9));
  ASSERT_TRUE(parsed.ok()) << parsed.status.detail();
  EXPECT_EQ(parsed.value.error_code, 35);
}

// ------------------------------------------------------------ probe + view

class FakeControllerClient final : public ControllerClient {
 public:
  std::vector<Result<QuorumDescription>> answers;  // one per call, then the last again
  std::size_t calls = 0;
  Result<QuorumDescription> Describe(const std::string&, int, Deadline) override {
    const std::size_t i = std::min(calls++, answers.size() - 1);
    return answers[i];
  }
};

Result<QuorumDescription> Answer(const std::string& name) {
  return Result<QuorumDescription>::Of(Parsed(name));
}

TEST(ControllerProbe, LeaderAnswerTracksTheHighWatermark) {
  auto client = std::make_shared<FakeControllerClient>();
  client->answers = {Answer("describe_quorum__v1_leader_kafka4.bin")};
  ControllerProbe probe("127.0.0.1:9093", client);
  const ControllerResult first = probe.RunRound(Clock::now() + 1s);
  ASSERT_TRUE(first.status.ok());
  EXPECT_TRUE(first.leader);
  EXPECT_EQ(first.commit_age_seconds, 0.0);
  const ControllerResult second = probe.RunRound(Clock::now() + 1s);  // same high watermark
  ASSERT_TRUE(second.commit_age_seconds.has_value());
  EXPECT_GT(*second.commit_age_seconds, 0.0);
}

TEST(ControllerProbe, HighWatermarkHistoryRestartsAfterLosingLeadership) {
  auto client = std::make_shared<FakeControllerClient>();
  client->answers = {Answer("describe_quorum__v1_leader_kafka4.bin"),
                     Answer("describe_quorum__v1_follower_kafka4.bin"),
                     Answer("describe_quorum__v1_leader_kafka4.bin")};
  ControllerProbe probe("127.0.0.1:9093", client);
  probe.RunRound(Clock::now() + 1s);
  const ControllerResult follower = probe.RunRound(Clock::now() + 1s);
  EXPECT_TRUE(follower.status.ok());
  EXPECT_FALSE(follower.leader);
  EXPECT_EQ(probe.RunRound(Clock::now() + 1s).commit_age_seconds, 0.0);
}

// A leader that misses a round (timeout, overload) and then answers with the
// same high watermark has not committed in between: its commit age counts
// from the last advance seen, not from the missed round, or a stalled quorum
// behind a flaky leader would never look stalled.
TEST(ControllerProbe, AMissedRoundKeepsTheCommitAge) {
  auto client = std::make_shared<FakeControllerClient>();
  client->answers = {Answer("describe_quorum__v1_leader_kafka4.bin"),
                     Result<QuorumDescription>::Fail(Reason::kTimeout, "read: timed out"),
                     Answer("describe_quorum__v1_leader_kafka4.bin")};
  ControllerProbe probe("127.0.0.1:9093", client);
  EXPECT_EQ(probe.RunRound(Clock::now() + 1s).commit_age_seconds, 0.0);
  EXPECT_EQ(probe.RunRound(Clock::now() + 1s).status.reason(), Reason::kTimeout);
  const ControllerResult back = probe.RunRound(Clock::now() + 1s);
  ASSERT_TRUE(back.commit_age_seconds.has_value());
  EXPECT_GT(*back.commit_age_seconds, 0.0);
}

TEST(ControllerProbe, FailuresAndKafkaErrorsKeepTheirReason) {
  auto client = std::make_shared<FakeControllerClient>();
  QuorumDescription unknown_error;
  unknown_error.error_code = 5;
  client->answers = {Result<QuorumDescription>::Fail(Reason::kRefused, "connect: refused"),
                     Result<QuorumDescription>::Of(unknown_error)};
  ControllerProbe probe("127.0.0.1:9093", client);
  EXPECT_EQ(probe.RunRound(Clock::now() + 1s).status.reason(), Reason::kRefused);
  const ControllerResult r = probe.RunRound(Clock::now() + 1s);
  EXPECT_EQ(r.status.reason(), Reason::kNotServing);
  EXPECT_NE(r.status.detail().find("error code 5"), std::string::npos);
}

double Sample(const MetricSet& set, const std::string& name, const Labels& labels = {}) {
  for (const auto& family : set.Families()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      if (m.label == labels) return m.gauge.value;
    }
  }
  return -999;
}

ControllerResult Leading(const std::string& fixture, double commit_age = 0) {
  ControllerResult r;
  r.controller = "127.0.0.1:9093";
  r.leader = true;
  r.quorum = Parsed(fixture);
  r.commit_age_seconds = commit_age;
  return r;
}

ControllerResult NotLeading() {
  ControllerResult r;
  r.controller = "127.0.0.1:9094";
  return r;
}

ControllerResult Down() {
  ControllerResult r;
  r.controller = "127.0.0.1:9095";
  r.status = Status::Fail(Reason::kRefused, "refused");
  return r;
}

TEST(RenderQuorum, HealthyThreeVoters) {
  const ControllerResult leader = Leading("describe_quorum__v1_leader_kafka39.bin");
  const ControllerResult follower = NotLeading();
  const ControllerResult* all[] = {&leader, &follower, &follower};
  MetricSet out;
  RenderQuorum(all, out);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum"), 1);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters"), 3);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters_caught_up"), 3);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_controllers_up"), 3);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_leader_id"), leader.quorum.leader_id);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_observers"), 1);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voter_lag_records", {{"voter_id", "2"}}), 0);
}

TEST(RenderQuorum, StoppedFollowerIsNotCaughtUpAndTheQuorumHolds) {
  for (const std::string version : {"kafka39", "kafka4"}) {
    const ControllerResult leader = Leading("describe_quorum__v1_one_voter_down_" + version + ".bin");
    const ControllerResult down = Down(), follower = NotLeading();
    const ControllerResult* all[] = {&leader, &down, &follower};
    MetricSet out;
    RenderQuorum(all, out);
    EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum"), 1) << version;
    EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters_caught_up"), 2) << version;
    EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_controllers_up"), 2) << version;
    int lagging = 0;
    for (const ReplicaState& v : leader.quorum.voters) {
      const Labels voter{{"voter_id", std::to_string(v.replica_id)}};
      if (Sample(out, "streamprobe_kafka_kraft_quorum_voter_caught_up", voter) == 0) {
        ++lagging;
        EXPECT_GT(Sample(out, "streamprobe_kafka_kraft_quorum_voter_lag_records", voter), 20) << version;
      }
    }
    EXPECT_EQ(lagging, 1) << version;
  }
}

TEST(RenderQuorum, NoLeaderIsNoQuorumOverTheConfiguredControllers) {
  const ControllerResult down = Down(), follower = NotLeading();
  const ControllerResult* all[] = {&down, &down, &follower, nullptr};
  MetricSet out;
  RenderQuorum(all, out);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum"), 0);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_leader_id"), -1);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters"), 4);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters_caught_up"), 0);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_controllers_configured"), 4);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_controllers_up"), 1);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_high_watermark"), -999);  // absent
}

TEST(RenderQuorum, StalledHighWatermarkIsNoQuorum) {
  const ControllerResult leader = Leading("describe_quorum__v1_leader_kafka4.bin", kCommitStallSeconds + 1);
  const ControllerResult* all[] = {&leader};
  MetricSet out;
  RenderQuorum(all, out);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters_caught_up"), 3);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_commit_age_seconds"), kCommitStallSeconds + 1);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum"), 0);
}

TEST(RenderQuorum, TheLeaderWithTheHighestEpochWins) {
  ControllerResult stale = Leading("describe_quorum__v1_one_voter_down_kafka4.bin");
  ControllerResult current = Leading("describe_quorum__v1_leader_kafka39.bin");
  current.quorum.leader_epoch = stale.quorum.leader_epoch + 1;
  const ControllerResult* all[] = {&stale, &current};
  MetricSet out;
  RenderQuorum(all, out);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_leader_id"), current.quorum.leader_id);
  EXPECT_EQ(Sample(out, "streamprobe_kafka_kraft_quorum_voters_caught_up"), 3);
}

// ------------------------------------------------- production client, loopback

// Accepts one connection and answers each size-prefixed request with the next
// body of `bodies` (its correlation id replaced by the request's), then holds
// the connection open until destroyed.
class ScriptedController {
 public:
  explicit ScriptedController(std::vector<std::string> bodies)
      : thread_([this, bodies = std::move(bodies)] { Serve(bodies); }) {}
  ~ScriptedController() {
    shutdown(server_.fd(), SHUT_RDWR);
    thread_.join();
    if (client_ >= 0) close(client_);
  }
  int port() const { return server_.port(); }

 private:
  bool ReadExactly(char* out, std::size_t n) {
    for (std::size_t got = 0; got < n;) {
      const ssize_t r = read(client_, out + got, n - got);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }
  void Serve(const std::vector<std::string>& bodies) {
    client_ = accept(server_.fd(), nullptr, nullptr);
    if (client_ < 0) return;
    for (std::string body : bodies) {
      unsigned char size[4];
      if (!ReadExactly(reinterpret_cast<char*>(size), 4)) return;
      std::string request((size[0] << 24) | (size[1] << 16) | (size[2] << 8) | size[3], '\0');
      if (!ReadExactly(request.data(), request.size()) || request.size() < 8) return;
      if (body.size() >= 4) body.replace(0, 4, request.substr(4, 4));
      const auto n = static_cast<std::uint32_t>(body.size());
      const std::string prefix{static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                               static_cast<char>(n >> 8), static_cast<char>(n)};
      const std::string out = prefix + body;
      if (send(client_, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
    }
  }
  streamprobe::testing::SilentServer server_;
  int client_ = -1;
  std::thread thread_;
};

Result<QuorumDescription> DescribeVia(int port, Clock::duration budget = 2s) {
  return NewTcpControllerClient()->Describe("127.0.0.1", port, Clock::now() + budget);
}

TEST(TcpControllerClient, ReadsTheQuorumFromALeader) {
  ScriptedController leader({Kraft("api_versions__v0_controller_kafka4.bin"),
                             Kraft("describe_quorum__v1_leader_kafka4.bin")});
  auto described = DescribeVia(leader.port());
  ASSERT_TRUE(described.ok()) << described.status.detail();
  EXPECT_EQ(described.value.error_code, 0);
  EXPECT_EQ(described.value.voters.size(), 3u);
}

TEST(TcpControllerClient, BrokerListenerIsRejectedBeforeDescribeQuorum) {
  const std::string broker_versions = ReadFixture("kafka", "api_versions__v0_response.bin").substr(4);
  ScriptedController broker({broker_versions});
  auto described = DescribeVia(broker.port());
  EXPECT_EQ(described.status.reason(), Reason::kOther);
  EXPECT_NE(described.status.detail().find("broker listener"), std::string::npos) << described.status.detail();
}

TEST(TcpControllerClient, GarbageIsBadPayload) {
  ScriptedController garbage({Kraft("api_versions__v0_controller_kafka4.bin"), "\x00\x00\x00\x07garbage"});
  EXPECT_EQ(DescribeVia(garbage.port()).status.reason(), Reason::kBadPayload);
}

TEST(TcpControllerClient, SilentControllerTimesOutByTheDeadline) {
  streamprobe::testing::SilentServer silent;
  const auto start = Clock::now();
  EXPECT_EQ(DescribeVia(silent.port(), 300ms).status.reason(), Reason::kTimeout);
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(TcpControllerClient, NothingListeningIsRefused) {
  EXPECT_EQ(DescribeVia(streamprobe::testing::ClosedPort()).status.reason(), Reason::kRefused);
}

}  // namespace
}  // namespace streamprobe::kafka
