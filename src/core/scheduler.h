// Runs every target of a plan on its own interval with a hard deadline.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/probe.h"
#include "core/snapshot.h"

namespace streamprobe {

class TargetRunner;

// Owns one runner thread per target. Each runner starts a round every
// `interval`, runs the probe on the shared Executor and waits at most `timeout`
// for it. A round that overruns is published as reason "timeout" at the
// deadline; its worker is left to finish on its own and no new round of that
// target starts until it has (so a hung backend costs one thread, not one per
// round). Targets never wait on each other.
//
// Thread-safety: Start/Stop from one control thread at a time; FirstRoundDone
// from any thread.
class Scheduler {
 public:
  explicit Scheduler(SnapshotStore& store);
  ~Scheduler();

  // How a Start changed the running runners.
  struct StartSummary {
    std::size_t kept = 0;     // unchanged targets: runner, probe and counters kept
    std::size_t started = 0;  // new or changed targets
    std::size_t stopped = 0;  // removed or changed targets
  };

  // Moves to `plan`: a target whose id and fingerprint are unchanged keeps its
  // runner (and so its probe object, sessions and counters); the others'
  // runners are stopped (without waiting for a round in flight) and new ones
  // started. Returns promptly even when rounds hang.
  StartSummary Start(const Plan& plan);
  // Stops every runner; does not wait for rounds in flight (they end on the
  // shared executor and publish nothing).
  void Stop();
  // True once every target of the running plan has published one round.
  bool FirstRoundDone() const;

 private:
  SnapshotStore& store_;
  mutable std::mutex runners_mutex_;  // guards runners_ (the vector, not the runners)
  std::vector<std::unique_ptr<TargetRunner>> runners_;
};

}  // namespace streamprobe
