#include "core/snapshot.h"

#include <algorithm>
#include <chrono>

namespace streamprobe {
namespace {

constexpr std::string_view kProbeHelpSuffix = " (cached from the target's latest probe round)";

Labels TargetLabels(const TargetResult& r) {
  return {{"cluster", r.cluster}, {"system", r.system}, {"target", r.name}};
}

void RenderTargetMetrics(const TargetResult& r, MetricSet& out) {
  const Labels labels = TargetLabels(r);
  out.Gauge("streamprobe_probe_success",
            "1 if the latest probe round of the target succeeded, 0 if it failed",
            labels, r.status.ok() ? 1 : 0);
  out.Gauge("streamprobe_probe_duration_seconds",
            "How long the latest probe round of the target took", labels, r.duration_seconds);
  out.Gauge("streamprobe_probe_last_success_timestamp_seconds",
            "Unix time of the target's latest successful probe round, 0 if none yet", labels,
            r.last_success_unix);
  out.Gauge("streamprobe_probe_last_round_timestamp_seconds",
            "Unix time at which the target's latest probe round ended", labels,
            r.finished_unix);
  for (Reason reason : kAllReasons) {
    if (reason == Reason::kNone) continue;
    Labels with_reason = labels;
    with_reason.push_back({"reason", std::string(ReasonName(reason))});
    out.Gauge("streamprobe_probe_failure_reason",
              "State set: 1 for the reason the target's latest probe round failed; all 0 on "
              "success",
              std::move(with_reason), r.status.reason() == reason ? 1 : 0);
  }
  out.Counter("streamprobe_probe_rounds_total", "Probe rounds finished for the target", labels,
              static_cast<double>(r.rounds));
  for (const auto& [reason, count] : r.failures) {
    Labels with_reason = labels;
    with_reason.push_back({"reason", std::string(ReasonName(reason))});
    out.Counter("streamprobe_probe_failures_total", "Failed probe rounds of the target by reason",
                std::move(with_reason), static_cast<double>(count));
  }
}

void RenderEngineInfo(const EngineInfo& engine, MetricSet& out) {
  out.Info("streamprobe_build_info", "Build information of the running streamprobe",
           {{"version", STREAMPROBE_VERSION}, {"compiler", __VERSION__}});
  out.Gauge("streamprobe_config_last_reload_successful",
            "1 if the latest configuration (re)load succeeded, 0 if it was rejected", {},
            engine.last_reload_successful ? 1 : 0);
  out.Gauge("streamprobe_config_last_reload_success_timestamp_seconds",
            "Unix time of the latest successful configuration load", {},
            engine.last_reload_success_unix);
  out.Counter("streamprobe_config_reloads_total", "Configuration reloads attempted", {},
              static_cast<double>(engine.reloads_total));
  out.Counter("streamprobe_config_reload_failures_total", "Configuration reloads rejected", {},
              static_cast<double>(engine.reload_failures_total));
  out.Gauge("streamprobe_targets", "Targets in the running configuration", {},
            static_cast<double>(engine.targets_configured));
}

}  // namespace

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::shared_ptr<const FamilyTexts> RenderTargetText(const TargetResult& result, MetricSet metrics) {
  MetricSet probe_metrics;
  probe_metrics.SetHelpSuffix(kProbeHelpSuffix);
  RenderTargetMetrics(result, probe_metrics);
  std::vector<prometheus::MetricFamily> families = std::move(metrics).TakeFamilies();
  auto engine = std::move(probe_metrics).TakeFamilies();
  families.insert(families.end(), std::make_move_iterator(engine.begin()),
                  std::make_move_iterator(engine.end()));
  return RenderFamilyTexts(std::move(families));
}

std::shared_ptr<const FamilyTexts> RenderViewText(const ViewSpec& view,
                                                  std::span<const TargetResult* const> inputs) {
  MetricSet view_metrics;
  view.render(inputs, view_metrics);
  view_metrics.AddLabelToAll({"cluster", view.cluster});
  return RenderFamilyTexts(view_metrics.Families());
}

std::shared_ptr<const FamilyTexts> RenderEngineText(const EngineInfo& engine) {
  MetricSet engine_metrics;
  engine_metrics.SetHelpSuffix("");
  RenderEngineInfo(engine, engine_metrics);
  return RenderFamilyTexts(engine_metrics.Families());
}

TargetSlots::TargetSlots(std::vector<std::string> target_ids) : ids(std::move(target_ids)) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

std::size_t TargetSlots::SlotOf(const std::string& id) const {
  auto it = std::lower_bound(ids.begin(), ids.end(), id);
  return it != ids.end() && *it == id ? static_cast<std::size_t>(it - ids.begin()) : kNone;
}

namespace {

// The inputs of a view: the result in each of its slots (null if none yet).
std::vector<const TargetResult*> ViewInputs(const std::vector<std::size_t>& slots,
                                            const SnapshotParts& parts) {
  std::vector<const TargetResult*> inputs;
  inputs.reserve(slots.size());
  for (std::size_t slot : slots) {
    inputs.push_back(slot == TargetSlots::kNone ? nullptr : parts.results[slot].get());
  }
  return inputs;
}

std::vector<std::size_t> SlotsOf(const ViewSpec& view, const TargetSlots& slots) {
  std::vector<std::size_t> out;
  out.reserve(view.target_ids.size());
  for (const std::string& id : view.target_ids) out.push_back(slots.SlotOf(id));
  return out;
}

}  // namespace

Snapshot::Snapshot(SnapshotParts parts, double built_unix)
    : parts_(std::move(parts)), built_unix_(built_unix) {}

void Snapshot::AppendText(std::string& out) const {
  std::vector<const FamilyTexts*> sources;
  sources.reserve(1 + parts_.target_texts.size() + parts_.view_texts.size());
  sources.push_back(parts_.engine_text.get());
  for (const auto& text : parts_.target_texts) {
    if (text) sources.push_back(text.get());
  }
  for (const auto& text : parts_.view_texts) sources.push_back(text.get());
  AppendComposed(sources, out);
}

std::string Snapshot::text() const {
  std::string out;
  AppendText(out);
  return out;
}

TargetResults Snapshot::results() const {
  TargetResults out;
  for (std::size_t slot = 0; slot < parts_.results.size(); ++slot) {
    if (parts_.results[slot]) out.emplace(parts_.slots->ids[slot], parts_.results[slot]);
  }
  return out;
}

const TargetResult* Snapshot::Find(const std::string& id) const {
  const std::size_t slot = parts_.slots->SlotOf(id);
  return slot == TargetSlots::kNone ? nullptr : parts_.results[slot].get();
}

std::string Snapshot::Fact(const std::string& cluster, const std::string& system,
                           const std::string& key) const {
  for (const auto& result : parts_.results) {
    if (!result || result->cluster != cluster || result->system != system) continue;
    auto it = result->facts.find(key);
    if (it != result->facts.end() && !it->second.empty()) return it->second;
  }
  return "";
}

SnapshotStore::SnapshotStore() {
  parts_.slots = std::make_shared<const TargetSlots>(std::vector<std::string>{});
  parts_.engine_text = RenderEngineText(EngineInfo{});
  current_ = std::make_shared<const Snapshot>(parts_, UnixNow());
}

void SnapshotStore::Reset(std::vector<ViewSpec> views, const std::vector<std::string>& target_ids) {
  std::lock_guard lock(build_mutex_);
  SnapshotParts kept;
  kept.slots = std::make_shared<const TargetSlots>(target_ids);
  const std::size_t n = kept.slots->ids.size();
  kept.results.resize(n);
  kept.target_texts.resize(n);
  for (std::size_t slot = 0; slot < n; ++slot) {
    const std::size_t old = parts_.slots->SlotOf(kept.slots->ids[slot]);
    if (old == TargetSlots::kNone) continue;
    kept.results[slot] = parts_.results[old];
    kept.target_texts[slot] = parts_.target_texts[old];
  }
  kept.engine_text = std::move(parts_.engine_text);
  parts_ = std::move(kept);
  views_ = std::move(views);
  view_slots_.clear();
  views_of_slot_.assign(n, {});
  parts_.view_texts.assign(views_.size(), nullptr);
  for (std::size_t v = 0; v < views_.size(); ++v) {
    view_slots_.push_back(SlotsOf(views_[v], *parts_.slots));
    for (std::size_t slot : view_slots_[v]) {
      if (slot != TargetSlots::kNone) views_of_slot_[slot].push_back(v);
    }
    RenderViewLocked(v);
  }
  SwapInLocked();
}

void SnapshotStore::Publish(const std::string& target_id,
                            std::shared_ptr<const TargetResult> result, MetricSet metrics) {
  auto text = RenderTargetText(*result, std::move(metrics));
  std::lock_guard lock(build_mutex_);
  const std::size_t slot = parts_.slots->SlotOf(target_id);
  if (slot == TargetSlots::kNone) return;
  parts_.results[slot] = std::move(result);
  parts_.target_texts[slot] = std::move(text);
  for (std::size_t v : views_of_slot_[slot]) RenderViewLocked(v);
  SwapInLocked();
}

void SnapshotStore::RenderViewLocked(std::size_t view) {
  parts_.view_texts[view] = RenderViewText(views_[view], ViewInputs(view_slots_[view], parts_));
}

void SnapshotStore::SetEngineInfo(const EngineInfo& info) {
  auto text = RenderEngineText(info);
  std::lock_guard lock(build_mutex_);
  parts_.engine_text = std::move(text);
  SwapInLocked();
}

std::shared_ptr<const Snapshot> SnapshotStore::Current() const {
  std::lock_guard lock(current_mutex_);
  return current_;
}

void SnapshotStore::SwapInLocked() {
  auto next = std::make_shared<const Snapshot>(parts_, UnixNow());
  std::lock_guard lock(current_mutex_);
  current_ = std::move(next);
}

}  // namespace streamprobe
