// Immutable results of the latest probe rounds, and the store that swaps them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/exposition.h"
#include "core/probe.h"

namespace streamprobe {

// The latest finished round of one target. Immutable once published. Its
// metrics are not kept here: they are rendered into the snapshot's text when
// published (SnapshotStore::Publish), so each sample is held once, as text.
struct TargetResult {
  std::string cluster, system, name;
  Status status;
  double duration_seconds = 0;
  double finished_unix = 0;        // wall clock, seconds
  double last_success_unix = 0;    // 0 if never successful
  std::uint64_t rounds = 0;
  std::map<Reason, std::uint64_t> failures;  // failed rounds by reason
  std::map<std::string, std::string> facts;
  std::shared_ptr<const void> state;
  std::string component;  // TargetSpec::component and role
  ComponentRole role = ComponentRole::kNone;
  std::vector<ComponentUnit> units;  // ProbeOutcome::units
  std::vector<WorkloadNote> notes;   // ProbeOutcome::notes
};

// Engine-level facts rendered with every snapshot (build info, reloads).
struct EngineInfo {
  bool last_reload_successful = true;
  double last_reload_success_unix = 0;
  std::uint64_t reloads_total = 0;
  std::uint64_t reload_failures_total = 0;
  std::size_t targets_configured = 0;
};

using TargetResults = std::map<std::string, std::shared_ptr<const TargetResult>>;

// The targets of one plan, each with a fixed slot (its index in id order).
// Built once per reset and shared by every snapshot until the next one, so a
// publish copies vectors of pointers, never a map keyed by id.
struct TargetSlots {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  explicit TargetSlots(std::vector<std::string> target_ids);  // sorts and de-duplicates
  std::size_t SlotOf(const std::string& id) const;             // kNone if not planned

  std::vector<std::string> ids;  // slot -> TargetSpec::Id(), ascending
};

// The rendered pieces a snapshot is composed of; all immutable and shared.
// `results` and `target_texts` are indexed by slot; null until the target's
// first publish.
struct SnapshotParts {
  std::shared_ptr<const TargetSlots> slots;
  std::vector<std::shared_ptr<const TargetResult>> results;
  std::vector<std::shared_ptr<const FamilyTexts>> target_texts;
  std::vector<std::shared_ptr<const FamilyTexts>> view_texts;  // in plan order
  std::shared_ptr<const FamilyTexts> engine_text;
};

// The engine's per-target metrics plus the target's backend `metrics`.
std::shared_ptr<const FamilyTexts> RenderTargetText(const TargetResult& result, MetricSet metrics);
// A view's metrics over `inputs` (one per view.target_ids; null: no result yet).
std::shared_ptr<const FamilyTexts> RenderViewText(const ViewSpec& view,
                                                  std::span<const TargetResult* const> inputs);
std::shared_ptr<const FamilyTexts> RenderEngineText(const EngineInfo& engine);

// One immutable view of every target's latest result, with each target's,
// view's and the engine's exposition text rendered once. Safe to read from any
// thread.
class Snapshot {
 public:
  Snapshot(SnapshotParts parts, double built_unix);

  // Every published result by TargetSpec::Id(); builds the map (O(targets)).
  TargetResults results() const;
  // Result by TargetSpec::Id(), or null.
  const TargetResult* Find(const std::string& id) const;
  // A fact published by any target of `system` in `cluster`, or "".
  std::string Fact(const std::string& cluster, const std::string& system,
                   const std::string& key) const;
  // Appends the Prometheus text of all metrics except the snapshot age, composed
  // from the pieces (engine, targets in id order, views) family by family.
  void AppendText(std::string& out) const;
  std::string text() const;
  double built_unix() const { return built_unix_; }

 private:
  SnapshotParts parts_;
  double built_unix_;
};

// Holds the current snapshot. Publish() is called from probe threads; Current()
// from HTTP threads. Current() takes a mutex only to copy a shared_ptr, so a
// scrape never waits for a probe or for rendering. A publish renders only the
// publishing target (on the caller's thread, before locking) and the views
// that read it; other pieces are shared with the previous snapshot, and what
// grows with the number of targets is a copy of two vectors of pointers.
class SnapshotStore {
 public:
  SnapshotStore();
  // Replaces the plan's views and drops results of targets not in `target_ids`.
  void Reset(std::vector<ViewSpec> views, const std::vector<std::string>& target_ids);
  // Renders `metrics` (the round's backend metrics) with the result's own and
  // swaps them in. Ignored for a target not in the latest Reset (a runner that
  // left the plan).
  void Publish(const std::string& target_id, std::shared_ptr<const TargetResult> result,
               MetricSet metrics = {});
  void SetEngineInfo(const EngineInfo& info);
  std::shared_ptr<const Snapshot> Current() const;

 private:
  void SwapInLocked();                   // requires build_mutex_
  void RenderViewLocked(std::size_t view);  // requires build_mutex_

  std::mutex build_mutex_;  // serialises builders; guards the members below
  SnapshotParts parts_;
  std::vector<ViewSpec> views_;
  std::vector<std::vector<std::size_t>> view_slots_;     // view -> slot per target id
  std::vector<std::vector<std::size_t>> views_of_slot_;  // slot -> views_ indexes

  mutable std::mutex current_mutex_;  // guards current_ only
  std::shared_ptr<const Snapshot> current_;
};

double UnixNow();

}  // namespace streamprobe
