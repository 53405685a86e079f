// The bounded executor: reuse, the cap with its reason, overdue counting.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/executor.h"
#include "support/wait.h"

namespace streamprobe {
namespace {

using namespace std::chrono_literals;

// A latch tasks block on until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return open_; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

using streamprobe::testing::WaitUntil;

TEST(Executor, RunsTasksAndReusesIdleThreads) {
  Executor executor(4);
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(executor.Submit(Clock::now() + 1s, [&] { ++ran; }).ok());
    ASSERT_TRUE(WaitUntil([&] { return ran == i + 1 && executor.stats().busy == 0; }));
  }
  EXPECT_EQ(executor.stats().idle, 1u);  // one thread did all twenty
  EXPECT_EQ(executor.stats().rejected_total, 0u);
}

TEST(Executor, CapReachedIsAReasonNotAThread) {
  Gate gate;
  Executor executor(2);
  ASSERT_TRUE(executor.Submit(Clock::now() - 1ms, [&] { gate.Wait(); }).ok());
  ASSERT_TRUE(executor.Submit(Clock::now() + 60s, [&] { gate.Wait(); }).ok());
  const Status refused = executor.Submit(Clock::now() + 1s, [] {});
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.reason(), Reason::kOther);
  EXPECT_NE(refused.detail().find("executor at capacity: all 2 threads busy (1 of them hung"),
            std::string::npos)
      << refused.detail();
  const Executor::Stats stats = executor.stats();
  EXPECT_EQ(stats.busy, 2u);
  EXPECT_EQ(stats.overdue, 1u);
  EXPECT_EQ(stats.rejected_total, 1u);
  gate.Open();
  ASSERT_TRUE(WaitUntil([&] { return executor.stats().busy == 0; }));
  EXPECT_TRUE(executor.Submit(Clock::now() + 1s, [] {}).ok());
}

TEST(Executor, IdleThreadsExitAfterLingering) {
  Executor executor(4, 20ms);
  ASSERT_TRUE(executor.Submit(Clock::now() + 1s, [] {}).ok());
  EXPECT_TRUE(WaitUntil([&] {
    const auto s = executor.stats();
    return s.busy == 0 && s.idle == 0;
  }));
}

TEST(Executor, ThrowingTaskDoesNotTakeTheThreadDown) {
  Executor executor(1);
  std::atomic<bool> ran{false};
  ASSERT_TRUE(executor.Submit(Clock::now() + 1s, [] { throw std::runtime_error("x"); }).ok());
  ASSERT_TRUE(WaitUntil([&] { return executor.stats().busy == 0; }));
  ASSERT_TRUE(executor.Submit(Clock::now() + 1s, [&] { ran = true; }).ok());
  EXPECT_TRUE(WaitUntil([&] { return ran.load(); }));
}

TEST(CallWithDeadline, ValueOrTimeoutWithoutWaitingForTheTask) {
  Gate gate;  // declared first: it must outlive the executor's tasks
  Executor executor(2);
  auto ok = CallWithDeadline<int>(executor, Clock::now() + 1s, "adding", [] { return 42; });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value, 42);

  const auto started = Clock::now();
  auto late = CallWithDeadline<int>(executor, Clock::now() + 50ms, "resolving h", [&] {
    gate.Wait();
    return 1;
  });
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_EQ(late.status.reason(), Reason::kTimeout);
  EXPECT_EQ(late.status.detail(), "resolving h timed out");
  EXPECT_EQ(executor.stats().overdue, 1u);
  gate.Open();
}

}  // namespace
}  // namespace streamprobe
