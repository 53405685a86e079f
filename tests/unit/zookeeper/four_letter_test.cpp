// The production FourLetterClient against loopback sockets.
#include <gtest/gtest.h>

#include "fakes.h"
#include "sockets.h"
#include "zookeeper/zookeeper_probe.h"

namespace streamprobe::zookeeper {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(TcpFourLetterClient, SendsTheWordAndReadsUntilClose) {
  const std::string reply = testing::Fixture("zookeeper/srvr__leader.txt");
  testing::OneShotServer server(reply);
  auto r = NewTcpFourLetterClient()->Ask("127.0.0.1", server.port(), "srvr", Clock::now() + 2s);
  ASSERT_TRUE(r.ok()) << r.status.detail();
  EXPECT_EQ(r.value, reply);
  EXPECT_EQ(server.received(), "srvr");
}

TEST(TcpFourLetterClient, RefusedPort) {
  auto r = NewTcpFourLetterClient()->Ask("127.0.0.1", testing::ClosedPort(), "srvr", Clock::now() + 1s);
  EXPECT_EQ(r.status.reason(), Reason::kRefused);
}

TEST(TcpFourLetterClient, SilentMemberTimesOutByTheDeadline) {
  testing::SilentServer server;
  const auto start = Clock::now();
  auto r = NewTcpFourLetterClient()->Ask("127.0.0.1", server.port(), "srvr", start + 300ms);
  EXPECT_EQ(r.status.reason(), Reason::kTimeout);
  EXPECT_LT(Clock::now() - start, 500ms);
}

TEST(TcpFourLetterClient, OversizeReplyIsBadPayload) {
  testing::OneShotServer server(std::string((1u << 20) + 10, 'x'));
  auto r = NewTcpFourLetterClient()->Ask("127.0.0.1", server.port(), "mntr", Clock::now() + 2s);
  EXPECT_EQ(r.status.reason(), Reason::kBadPayload);
}

TEST(MemberProbeOverTcp, SilentMemberRoundEndsAtDeadlineWithTimeout) {
  testing::SilentServer server;
  MemberProbe probe("127.0.0.1:" + std::to_string(server.port()), std::nullopt, NewTcpFourLetterClient(),
                    nullptr);
  const auto start = Clock::now();
  ProbeOutcome out = probe.Run({start + 300ms, nullptr});
  EXPECT_EQ(out.status.reason(), Reason::kTimeout);
  EXPECT_LT(Clock::now() - start, 500ms);
}

}  // namespace
}  // namespace streamprobe::zookeeper
