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

// Succeeds at once with one gauge.
class QuickProbe : public Probe {
 public:
  ProbeOutcome Run(const ProbeContext&) override {
    ++runs;
    ProbeOutcome outcome;
    outcome.metrics.Gauge("streamprobe_test_value", "A test value", {{"k", "v"}}, 42);
    outcome.facts["cluster_id"] = "abc";
    return outcome;
  }
  std::atomic<int> runs{0};
};

// Blocks until released, ignoring its deadline (a hung backend).
class HungProbe : public Probe {
 public:
  ProbeOutcome Run(const ProbeContext&) override {
    ++runs;
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return released; });
    return {};
  }
  void Release() {
    std::lock_guard lock(mutex);
    released = true;
    cv.notify_all();
  }
  std::atomic<int> runs{0};
  std::mutex mutex;
  std::condition_variable cv;
  bool released = false;
};

class ThrowingProbe : public Probe {
 public:
  ProbeOutcome Run(const ProbeContext&) override { throw std::runtime_error("boom"); }
};

TargetSpec Spec(const std::string& name, std::shared_ptr<Probe> probe, Millis interval,
                Millis timeout) {
  TargetSpec spec;
  spec.cluster = "c";
  spec.system = "test";
  spec.name = name;
  spec.interval = interval;
  spec.timeout = timeout;
  spec.probe = std::move(probe);
  return spec;
}

using streamprobe::testing::WaitUntil;

TEST(SchedulerTest, HungTargetTimesOutWithoutDelayingOthers) {
  SnapshotStore store;
  Scheduler scheduler(store);
  auto quick = std::make_shared<QuickProbe>();
  auto hung = std::make_shared<HungProbe>();
  Plan plan;
  plan.targets = {Spec("quick", quick, 50ms, 40ms), Spec("hung", hung, 100ms, 80ms)};
  scheduler.Start(plan);

  ASSERT_TRUE(WaitUntil([&] { return scheduler.FirstRoundDone(); }));
  ASSERT_TRUE(WaitUntil([&] { return quick->runs >= 5; }));
  auto snapshot = store.Current();
  const TargetResult* hung_result = snapshot->Find("c/test/hung");
  ASSERT_NE(hung_result, nullptr);
  EXPECT_EQ(hung_result->status.reason(), Reason::kTimeout);
  EXPECT_EQ(hung_result->last_success_unix, 0);
  // The hung worker is never doubled up: still one run in flight.
  EXPECT_EQ(hung->runs.load(), 1);
  EXPECT_TRUE(snapshot->Find("c/test/quick")->status.ok());

  hung->Release();
  ASSERT_TRUE(WaitUntil([&] { return hung->runs >= 2; }));
  ASSERT_TRUE(WaitUntil([&] {
    auto s = store.Current();
    return s->Find("c/test/hung") && s->Find("c/test/hung")->status.ok();
  }));
  scheduler.Stop();
}

TEST(SchedulerTest, ExceptionBecomesReasonOther) {
  SnapshotStore store;
  Scheduler scheduler(store);
  Plan plan;
  plan.targets = {Spec("thrower", std::make_shared<ThrowingProbe>(), 1000ms, 500ms)};
  scheduler.Start(plan);
  ASSERT_TRUE(WaitUntil([&] { return scheduler.FirstRoundDone(); }));
  const TargetResult* r = store.Current()->Find("c/test/thrower");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status.reason(), Reason::kOther);
  EXPECT_EQ(r->status.detail(), "probe threw: boom");
  EXPECT_EQ(r->failures.at(Reason::kOther), 1u);
}

TEST(SchedulerTest, ResultsCarryClusterLabelFactsAndEngineMetrics) {
  SnapshotStore store;
  Scheduler scheduler(store);
  Plan plan;
  plan.targets = {Spec("quick", std::make_shared<QuickProbe>(), 1000ms, 500ms)};
  scheduler.Start(plan);
  ASSERT_TRUE(WaitUntil([&] { return scheduler.FirstRoundDone(); }));
  auto snapshot = store.Current();
  EXPECT_EQ(snapshot->Fact("c", "test", "cluster_id"), "abc");
  EXPECT_EQ(snapshot->Fact("c", "kafka", "cluster_id"), "");
  const std::string& text = snapshot->text();
  EXPECT_NE(text.find("streamprobe_test_value{cluster=\"c\",k=\"v\"} 42"), std::string::npos) << text;
  EXPECT_NE(text.find("streamprobe_probe_success{cluster=\"c\",system=\"test\",target=\"quick\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("streamprobe_probe_failure_reason{cluster=\"c\",system=\"test\",target=\"quick\",reason=\"timeout\"} 0"),
            std::string::npos);
}

TEST(SchedulerTest, RestartWithNewPlanDropsOldTargets) {
  SnapshotStore store;
  Scheduler scheduler(store);
  Plan first;
  first.targets = {Spec("old", std::make_shared<QuickProbe>(), 1000ms, 500ms)};
  scheduler.Start(first);
  ASSERT_TRUE(WaitUntil([&] { return store.Current()->Find("c/test/old") != nullptr; }));
  Plan second;
  second.targets = {Spec("new", std::make_shared<QuickProbe>(), 1000ms, 500ms)};
  scheduler.Start(second);
  ASSERT_TRUE(WaitUntil([&] { return store.Current()->Find("c/test/new") != nullptr; }));
  EXPECT_EQ(store.Current()->Find("c/test/old"), nullptr);
}

TEST(SnapshotTest, ViewsSeeMemberResultsAndNullForPending) {
  SnapshotStore store;
  ViewSpec view;
  view.cluster = "c";
  view.target_ids = {"c/test/a", "c/test/b"};
  view.render = [](std::span<const TargetResult* const> members, MetricSet& out) {
    double seen = 0;
    for (const TargetResult* m : members) seen += m != nullptr;
    out.Gauge("streamprobe_test_members_seen", "Members with a result", {}, seen);
  };
  store.Reset({view}, {"c/test/a", "c/test/b"});
  EXPECT_NE(store.Current()->text().find("streamprobe_test_members_seen{cluster=\"c\"} 0"),
            std::string::npos);
  auto result = std::make_shared<TargetResult>();
  result->cluster = "c";
  result->system = "test";
  result->name = "a";
  store.Publish("c/test/a", result);
  EXPECT_NE(store.Current()->text().find("streamprobe_test_members_seen{cluster=\"c\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace streamprobe
