// NewZkSession against sockets that refuse, stay silent or do not resolve:
// every call must return by its deadline with a bounded reason. (Reading a
// real ensemble is covered by tests/integration/test_zookeeper.py.)
#include "zookeeper/zk_session.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "sockets.h"

namespace streamprobe::zookeeper {
namespace {

using namespace std::chrono_literals;
using testing::ClosedPort;
using testing::SilentServer;
using Clock = std::chrono::steady_clock;

TEST(ZkSession, RefusedReturnsByDeadline) {
  auto zk = NewZkSession("127.0.0.1:" + std::to_string(ClosedPort()), 4000ms);
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    auto r = zk->Get("/brokers/ids", start + 500ms);
    const auto took = Clock::now() - start;
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.status.reason() == Reason::kRefused || r.status.reason() == Reason::kTimeout)
        << ReasonName(r.status.reason()) << " " << r.status.detail();
    EXPECT_LT(took, 700ms);
  }
  EXPECT_EQ(zk->SessionId(), 0);
}

TEST(ZkSession, SilentServerTimesOutByDeadline) {
  SilentServer server;
  auto zk = NewZkSession("127.0.0.1:" + std::to_string(server.port()), 4000ms);
  const auto start = Clock::now();
  auto r = zk->Children("/brokers/ids", start + 300ms);
  const auto took = Clock::now() - start;
  EXPECT_EQ(r.status.reason(), Reason::kTimeout) << r.status.detail();
  EXPECT_LT(took, 500ms);
  EXPECT_GE(took, 290ms);
}

TEST(ZkSession, UnresolvableHostIsDnsOrTimeout) {
  auto zk = NewZkSession("no-such-host.invalid:2181", 4000ms);
  const auto start = Clock::now();
  auto r = zk->Get("/", start + 2s);
  EXPECT_TRUE(r.status.reason() == Reason::kDns || r.status.reason() == Reason::kTimeout)
      << ReasonName(r.status.reason()) << " " << r.status.detail();
  EXPECT_LT(Clock::now() - start, 2200ms);
}

TEST(ZkSession, ExpiredDeadlineReturnsAtOnce) {
  SilentServer server;
  auto zk = NewZkSession("127.0.0.1:" + std::to_string(server.port()), 4000ms);
  const auto start = Clock::now();
  auto r = zk->Get("/", start - 1ms);
  EXPECT_EQ(r.status.reason(), Reason::kTimeout);
  EXPECT_LT(Clock::now() - start, 100ms);
}

TEST(ZkSession, ConcurrentCallersEachKeepTheirDeadline) {
  SilentServer server;
  auto zk = NewZkSession("127.0.0.1:" + std::to_string(server.port()), 4000ms);
  std::vector<std::thread> threads;
  std::atomic<int> late{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      const auto start = Clock::now();
      auto r = zk->Children("/t" + std::to_string(i), start + 200ms);
      if (r.ok() || Clock::now() - start > 400ms) ++late;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(late.load(), 0);
}

TEST(ZkSession, DestroyWithCallsInFlightIsSafe) {
  SilentServer server;
  for (int i = 0; i < 3; ++i) {
    auto zk = NewZkSession("127.0.0.1:" + std::to_string(server.port()), 4000ms);
    auto r = zk->Get("/a", Clock::now() + 50ms);
    EXPECT_FALSE(r.ok());
  }  // completions of the abandoned calls run after the caller gave up
}

// Each open handle holds a socket and the client's wake-up pipe: sessions
// destroyed with calls pending must give every descriptor back (a handle that
// is never zookeeper_close()d would keep them, and its threads, forever).
std::size_t OpenDescriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST(ZkSession, ClosedSessionsLeaveNoDescriptors) {
  SilentServer server;
  const std::size_t before = OpenDescriptors();
  for (int i = 0; i < 5; ++i) {
    auto zk = NewZkSession("127.0.0.1:" + std::to_string(server.port()), 4000ms);
    EXPECT_FALSE(zk->Children("/brokers/ids", Clock::now() + 100ms).ok());
  }
  EXPECT_EQ(OpenDescriptors(), before);
}

}  // namespace
}  // namespace streamprobe::zookeeper
