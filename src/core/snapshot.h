// Immutable results of the latest probe rounds, and the store that swaps them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/probe.h"

namespace streamprobe {

// The latest finished round of one target. Immutable once published.
struct TargetResult {
  std::string cluster, system, name;
  Status status;
  double duration_seconds = 0;
  double finished_unix = 0;        // wall clock, seconds
  double last_success_unix = 0;    // 0 if never successful
  std::uint64_t rounds = 0;
  std::map<Reason, std::uint64_t> failures;  // failed rounds by reason
  MetricSet metrics;
  std::map<std::string, std::string> facts;
  std::shared_ptr<const void> state;
};

// Engine-level facts rendered with every snapshot (build info, reloads).
struct EngineInfo {
  bool last_reload_successful = true;
  double last_reload_success_unix = 0;
  std::uint64_t reloads_total = 0;
  std::uint64_t reload_failures_total = 0;
  std::size_t targets_configured = 0;
};

// One immutable view of every target's latest result, with the exposition text
// rendered once when built. Safe to read from any thread.
class Snapshot {
 public:
  Snapshot(std::map<std::string, std::shared_ptr<const TargetResult>> results,
           const std::vector<ViewSpec>& views, const EngineInfo& engine, double built_unix);

  const std::map<std::string, std::shared_ptr<const TargetResult>>& results() const {
    return results_;
  }
  // Result by TargetSpec::Id(), or null.
  const TargetResult* Find(const std::string& id) const;
  // A fact published by any target of `system` in `cluster`, or "".
  std::string Fact(const std::string& cluster, const std::string& system,
                   const std::string& key) const;
  // Prometheus text of all metrics except the snapshot age.
  const std::string& text() const { return text_; }
  double built_unix() const { return built_unix_; }

 private:
  std::map<std::string, std::shared_ptr<const TargetResult>> results_;
  double built_unix_;
  std::string text_;
};

// Holds the current snapshot. Publish() is called from probe threads; Current()
// from HTTP threads. Current() takes a mutex only to copy a shared_ptr, so a
// scrape never waits for a probe or for rendering.
class SnapshotStore {
 public:
  SnapshotStore();
  // Replaces the plan's views and drops results of targets not in `target_ids`.
  void Reset(std::vector<ViewSpec> views, const std::vector<std::string>& target_ids);
  void Publish(const std::string& target_id, std::shared_ptr<const TargetResult> result);
  void SetEngineInfo(const EngineInfo& info);
  std::shared_ptr<const Snapshot> Current() const;

 private:
  void RebuildLocked();  // requires build_mutex_

  std::mutex build_mutex_;  // serialises builders
  std::map<std::string, std::shared_ptr<const TargetResult>> results_;
  std::vector<ViewSpec> views_;
  EngineInfo engine_;

  mutable std::mutex current_mutex_;  // guards current_ only
  std::shared_ptr<const Snapshot> current_;
};

double UnixNow();

}  // namespace streamprobe
