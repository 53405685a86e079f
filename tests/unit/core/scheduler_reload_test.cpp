// Reloads keep unchanged targets' runners and history; stop and reload never
// wait for a hung round.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/scheduler.h"
#include "support/wait.h"

namespace streamprobe {
namespace {

using namespace std::chrono_literals;

class CountingProbe : public Probe {
 public:
  ProbeOutcome Run(const ProbeContext&) override {
    ++runs;
    return {};
  }
  std::atomic<int> runs{0};
};

// Blocks, ignoring its deadline, until released (a backend that hangs).
class HangingProbe : public Probe {
 public:
  ProbeOutcome Run(const ProbeContext&) override {
    started = true;
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return released_; });
    return {};
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }
  std::atomic<bool> started{false};

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool released_ = false;
};

TargetSpec Spec(const std::string& name, std::shared_ptr<Probe> probe, std::string fingerprint,
                Millis timeout = 500ms) {
  TargetSpec spec;
  spec.cluster = "c";
  spec.system = "test";
  spec.name = name;
  spec.interval = 100ms;
  spec.timeout = timeout;
  spec.probe = std::move(probe);
  spec.fingerprint = std::move(fingerprint);
  return spec;
}

using streamprobe::testing::WaitUntil;

std::uint64_t Rounds(SnapshotStore& store, const std::string& id) {
  const TargetResult* r = store.Current()->Find(id);
  return r ? r->rounds : 0;
}

TEST(SchedulerReload, UnchangedTargetKeepsRunnerProbeAndCounters) {
  SnapshotStore store;
  Scheduler scheduler(store);
  auto kept_probe = std::make_shared<CountingProbe>();
  auto changed_probe = std::make_shared<CountingProbe>();
  Plan first;
  first.targets = {Spec("kept", kept_probe, "fp-a"), Spec("changed", changed_probe, "fp-b")};
  scheduler.Start(first);
  ASSERT_TRUE(WaitUntil([&] { return Rounds(store, "c/test/kept") >= 3; }));
  const double last_success = store.Current()->Find("c/test/kept")->last_success_unix;
  EXPECT_GT(last_success, 0);

  // The reload plans new probe objects; the unchanged target's are not used.
  auto unused = std::make_shared<CountingProbe>();
  auto replacement = std::make_shared<CountingProbe>();
  Plan second;
  second.targets = {Spec("kept", unused, "fp-a"), Spec("changed", replacement, "fp-b2")};
  const std::uint64_t before = Rounds(store, "c/test/kept");
  const Scheduler::StartSummary summary = scheduler.Start(second);
  EXPECT_EQ(summary.kept, 1u);
  EXPECT_EQ(summary.started, 1u);
  EXPECT_EQ(summary.stopped, 1u);

  ASSERT_TRUE(WaitUntil([&] { return Rounds(store, "c/test/kept") > before; }));
  EXPECT_GE(store.Current()->Find("c/test/kept")->last_success_unix, last_success);
  ASSERT_TRUE(WaitUntil([&] { return replacement->runs > 0; }));
  EXPECT_EQ(unused->runs, 0);
  // The changed target starts over with its new probe.
  ASSERT_TRUE(WaitUntil([&] {
    const TargetResult* r = store.Current()->Find("c/test/changed");
    return r != nullptr && r->rounds <= 2 && replacement->runs > 0;
  }));
}

TEST(SchedulerReload, EmptyFingerprintNeverKeeps) {
  SnapshotStore store;
  Scheduler scheduler(store);
  Plan plan;
  plan.targets = {Spec("a", std::make_shared<CountingProbe>(), "")};
  scheduler.Start(plan);
  plan.targets = {Spec("a", std::make_shared<CountingProbe>(), "")};
  EXPECT_EQ(scheduler.Start(plan).kept, 0u);
}

// Starts target "hung" on `hanging` with a 30 s deadline (a round that would
// hold Stop or Start for 30 s if they waited) and waits until its round runs.
void StartHungTarget(Scheduler& scheduler, const std::shared_ptr<HangingProbe>& hanging) {
  Plan plan;
  plan.targets = {Spec("hung", hanging, "fp", 30000ms)};
  plan.targets[0].interval = 60000ms;
  scheduler.Start(plan);
  ASSERT_TRUE(WaitUntil([&] { return hanging->started.load(); }));
}

TEST(SchedulerReload, StopDoesNotWaitForAHungRound) {
  SnapshotStore store;
  Scheduler scheduler(store);
  auto hanging = std::make_shared<HangingProbe>();
  ASSERT_NO_FATAL_FAILURE(StartHungTarget(scheduler, hanging));
  const auto started = Clock::now();
  scheduler.Stop();
  EXPECT_LT(Clock::now() - started, 500ms);
  hanging->Release();
}

TEST(SchedulerReload, ReloadDoesNotWaitForAHungRoundOfAChangedTarget) {
  SnapshotStore store;
  Scheduler scheduler(store);
  auto hanging = std::make_shared<HangingProbe>();
  ASSERT_NO_FATAL_FAILURE(StartHungTarget(scheduler, hanging));
  Plan changed;
  changed.targets = {Spec("hung", std::make_shared<CountingProbe>(), "fp2")};
  const auto started = Clock::now();
  scheduler.Start(changed);
  EXPECT_LT(Clock::now() - started, 500ms);
  // The abandoned round ends later and publishes nothing over the new target.
  ASSERT_TRUE(WaitUntil([&] { return Rounds(store, "c/test/hung") >= 1; }));
  hanging->Release();
  scheduler.Stop();
}

}  // namespace
}  // namespace streamprobe
