#include "core/scheduler.h"

#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <system_error>

#include "core/executor.h"
#include "core/log.h"

namespace streamprobe {

// State shared between a runner and the worker of its current round. Shared
// ownership lets an abandoned (hung) worker outlive its runner safely.
struct RoundSlot {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;       // the worker stored `outcome`
  bool cancelled = false;  // the runner stops: it waits no longer
  ProbeOutcome outcome;
};

class TargetRunner {
 public:
  TargetRunner(TargetSpec spec, SnapshotStore& store) : spec_(std::move(spec)), store_(store) {}

  // A thread that cannot be created leaves the target failing with a reason,
  // not the process terminated.
  void Start() {
    try {
      thread_ = std::thread([this] { Loop(); });
    } catch (const std::system_error& e) {
      ProbeOutcome outcome;
      outcome.status = Status::Fail(Reason::kOther,
                                    std::string("cannot start the target's thread: ") + e.what());
      Publish(spec_.Id(), std::move(outcome), Clock::now());
    }
  }

  // Makes the runner stop soon: it stops waiting for a round in flight (which
  // is left to finish on its own) and publishes nothing more.
  void RequestStop() {
    std::shared_ptr<RoundSlot> slot;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      slot = in_flight_;
      wake_.notify_all();
    }
    if (!slot) return;
    std::lock_guard lock(slot->mutex);
    slot->cancelled = true;
    slot->done_cv.notify_all();
  }

  const TargetSpec& spec() const { return spec_; }

  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  bool published() const { return published_.load(); }

 private:
  void Loop() {
    const std::string id = spec_.Id();
    auto next_round = Clock::now();
    while (!StopRequested()) {
      RunRound(id);
      next_round += spec_.interval;
      if (next_round < Clock::now()) next_round = Clock::now();
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_round, [this] { return stopping_; });
    }
  }

  bool StopRequested() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  // Starts a worker unless the previous one still runs; waits up to the timeout.
  void RunRound(const std::string& id) {
    const auto started = Clock::now();
    const auto deadline = started + spec_.timeout;
    std::shared_ptr<RoundSlot> previous = InFlight();
    if (previous && !SlotDone(*previous)) {
      Publish(id, TimeoutOutcome("previous probe round still running (backend hung)"), started);
      return;
    }
    auto slot = std::make_shared<RoundSlot>();
    SetInFlight(slot);
    ProbeContext ctx{deadline, store_.Current()};
    Status submitted = Executor::Shared().Submit(deadline, [slot, probe = spec_.probe, ctx] {
      ProbeOutcome outcome;
      try {
        outcome = probe->Run(ctx);
      } catch (const std::exception& e) {
        outcome.status = Status::Fail(Reason::kOther, std::string("probe threw: ") + e.what());
      } catch (...) {
        outcome.status = Status::Fail(Reason::kOther, "probe threw a non-standard exception");
      }
      std::lock_guard lock(slot->mutex);
      slot->outcome = std::move(outcome);
      slot->done = true;
      slot->done_cv.notify_all();
    });
    if (!submitted.ok()) {
      SetInFlight(nullptr);
      ProbeOutcome refused;
      refused.status = Status::Fail(Reason::kOther, "probe round not started: " + submitted.detail());
      Publish(id, std::move(refused), started);
      return;
    }

    std::unique_lock lock(slot->mutex);
    // A short grace lets a probe that honours the deadline report its own reason.
    const auto grace = deadline + Millis(200);
    if (!slot->done_cv.wait_until(lock, grace, [&] { return slot->done || slot->cancelled; })) {
      lock.unlock();
      Publish(id, TimeoutOutcome("probe did not finish before its deadline"), started);
      return;
    }
    if (!slot->done) return;  // cancelled: the runner stops
    ProbeOutcome outcome = std::move(slot->outcome);
    lock.unlock();
    SetInFlight(nullptr);
    Publish(id, std::move(outcome), started);
  }

  std::shared_ptr<RoundSlot> InFlight() {
    std::lock_guard lock(mutex_);
    return in_flight_;
  }

  void SetInFlight(std::shared_ptr<RoundSlot> slot) {
    std::lock_guard lock(mutex_);
    in_flight_ = std::move(slot);
  }

  static bool SlotDone(RoundSlot& slot) {
    std::lock_guard lock(slot.mutex);
    return slot.done;
  }

  static ProbeOutcome TimeoutOutcome(std::string detail) {
    ProbeOutcome outcome;
    outcome.status = Status::Fail(Reason::kTimeout, std::move(detail));
    return outcome;
  }

  void Publish(const std::string& id, ProbeOutcome outcome, Clock::time_point started) {
    if (StopRequested()) return;
    auto result = std::make_shared<TargetResult>();
    result->cluster = spec_.cluster;
    result->system = spec_.system;
    result->name = spec_.name;
    result->duration_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    result->finished_unix = UnixNow();
    ++rounds_;
    result->rounds = rounds_;
    if (outcome.status.ok()) {
      last_success_unix_ = result->finished_unix;
    } else {
      ++failures_[outcome.status.reason()];
      if (outcome.status.reason() != last_reason_ || outcome.status.detail() != last_detail_) {
        LogWarn("probe failed", {{"target", id},
                                 {"reason", ReasonName(outcome.status.reason())},
                                 {"detail", outcome.status.detail()}});
      }
    }
    if (outcome.status.ok() && last_reason_ != Reason::kNone) {
      LogInfo("probe recovered", {{"target", id}});
    }
    last_reason_ = outcome.status.reason();
    last_detail_ = outcome.status.detail();
    result->last_success_unix = last_success_unix_;
    result->failures = failures_;
    result->status = std::move(outcome.status);
    outcome.metrics.AddLabelToAll({"cluster", spec_.cluster});
    result->facts = std::move(outcome.facts);
    result->state = std::move(outcome.state);
    result->component = spec_.component;
    result->role = spec_.role;
    result->units = std::move(outcome.units);
    result->notes = std::move(outcome.notes);
    store_.Publish(id, std::move(result), std::move(outcome.metrics));
    published_ = true;
  }

  TargetSpec spec_;
  SnapshotStore& store_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                  // guarded by mutex_
  std::shared_ptr<RoundSlot> in_flight_;  // guarded by mutex_; the round not yet collected
  std::atomic<bool> published_{false};
  // Below: touched by the runner thread only.
  std::uint64_t rounds_ = 0;
  std::map<Reason, std::uint64_t> failures_;
  double last_success_unix_ = 0;
  Reason last_reason_ = Reason::kNone;
  std::string last_detail_;
};

Scheduler::Scheduler(SnapshotStore& store) : store_(store) {}

Scheduler::~Scheduler() { Stop(); }

namespace {

// A runner may be kept across a reload when its target is planned from the
// same configuration (id and fingerprint); an empty fingerprint never matches.
std::string KeepKey(const TargetSpec& spec) {
  return spec.fingerprint.empty() ? "" : spec.Id() + "\n" + spec.fingerprint;
}

void StopAll(std::vector<std::unique_ptr<TargetRunner>>& runners) {
  for (auto& runner : runners) runner->RequestStop();
  for (auto& runner : runners) runner->Join();
  runners.clear();
}

}  // namespace

Scheduler::StartSummary Scheduler::Start(const Plan& plan) {
  std::vector<std::unique_ptr<TargetRunner>> old;
  {
    std::lock_guard lock(runners_mutex_);
    old.swap(runners_);
  }
  std::map<std::string, std::unique_ptr<TargetRunner>> reusable;
  std::vector<std::unique_ptr<TargetRunner>> retired;
  for (auto& runner : old) {
    const std::string key = KeepKey(runner->spec());
    if (key.empty() || reusable.count(key)) {
      retired.push_back(std::move(runner));
    } else {
      reusable.emplace(key, std::move(runner));
    }
  }
  StartSummary summary;
  std::vector<std::unique_ptr<TargetRunner>> runners;
  std::vector<TargetRunner*> fresh;
  for (const TargetSpec& spec : plan.targets) {
    auto kept = reusable.find(KeepKey(spec));  // never holds the empty key
    if (kept != reusable.end()) {
      runners.push_back(std::move(kept->second));
      reusable.erase(kept);
      ++summary.kept;
      continue;
    }
    runners.push_back(std::make_unique<TargetRunner>(spec, store_));
    fresh.push_back(runners.back().get());
  }
  for (auto& [key, runner] : reusable) retired.push_back(std::move(runner));
  summary.started = fresh.size();
  summary.stopped = retired.size();
  // Stopped runners publish nothing more, so the reset cannot be undone by
  // a late round of a target that left the plan.
  StopAll(retired);
  std::vector<std::string> ids;
  for (const TargetSpec& spec : plan.targets) ids.push_back(spec.Id());
  store_.Reset(plan.views, ids);
  for (TargetRunner* runner : fresh) runner->Start();
  std::lock_guard lock(runners_mutex_);
  runners_ = std::move(runners);
  return summary;
}

void Scheduler::Stop() {
  std::vector<std::unique_ptr<TargetRunner>> old;
  {
    std::lock_guard lock(runners_mutex_);
    old.swap(runners_);
  }
  StopAll(old);
}

bool Scheduler::FirstRoundDone() const {
  std::lock_guard lock(runners_mutex_);
  for (const auto& runner : runners_) {
    if (!runner->published()) return false;
  }
  return true;
}

}  // namespace streamprobe
