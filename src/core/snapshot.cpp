#include "core/snapshot.h"

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

Snapshot::Snapshot(std::map<std::string, std::shared_ptr<const TargetResult>> results,
                   const std::vector<ViewSpec>& views, const EngineInfo& engine,
                   double built_unix)
    : results_(std::move(results)), built_unix_(built_unix) {
  MetricSet engine_metrics;
  engine_metrics.SetHelpSuffix("");
  RenderEngineInfo(engine, engine_metrics);

  MetricSet probe_metrics;
  probe_metrics.SetHelpSuffix(kProbeHelpSuffix);
  std::vector<prometheus::MetricFamily> families = engine_metrics.Families();
  for (const auto& [id, result] : results_) {
    RenderTargetMetrics(*result, probe_metrics);
    auto backend = result->metrics.Families();
    families.insert(families.end(), std::make_move_iterator(backend.begin()),
                    std::make_move_iterator(backend.end()));
  }
  for (const ViewSpec& view : views) {
    std::vector<const TargetResult*> inputs;
    inputs.reserve(view.target_ids.size());
    for (const std::string& id : view.target_ids) inputs.push_back(Find(id));
    MetricSet view_metrics;
    view.render(inputs, view_metrics);
    view_metrics.AddLabelToAll({"cluster", view.cluster});
    auto rendered = view_metrics.Families();
    families.insert(families.end(), std::make_move_iterator(rendered.begin()),
                    std::make_move_iterator(rendered.end()));
  }
  auto probe_families = probe_metrics.Families();
  families.insert(families.end(), std::make_move_iterator(probe_families.begin()),
                  std::make_move_iterator(probe_families.end()));
  text_ = RenderText(std::move(families));
}

const TargetResult* Snapshot::Find(const std::string& id) const {
  auto it = results_.find(id);
  return it == results_.end() ? nullptr : it->second.get();
}

std::string Snapshot::Fact(const std::string& cluster, const std::string& system,
                           const std::string& key) const {
  for (const auto& [id, result] : results_) {
    if (result->cluster != cluster || result->system != system) continue;
    auto it = result->facts.find(key);
    if (it != result->facts.end() && !it->second.empty()) return it->second;
  }
  return "";
}

SnapshotStore::SnapshotStore() {
  current_ = std::make_shared<const Snapshot>(results_, views_, engine_, UnixNow());
}

void SnapshotStore::Reset(std::vector<ViewSpec> views, const std::vector<std::string>& target_ids) {
  std::lock_guard lock(build_mutex_);
  std::map<std::string, std::shared_ptr<const TargetResult>> kept;
  for (const std::string& id : target_ids) {
    auto it = results_.find(id);
    if (it != results_.end()) kept.insert(*it);
  }
  results_ = std::move(kept);
  views_ = std::move(views);
  RebuildLocked();
}

void SnapshotStore::Publish(const std::string& target_id,
                            std::shared_ptr<const TargetResult> result) {
  std::lock_guard lock(build_mutex_);
  results_[target_id] = std::move(result);
  RebuildLocked();
}

void SnapshotStore::SetEngineInfo(const EngineInfo& info) {
  std::lock_guard lock(build_mutex_);
  engine_ = info;
  RebuildLocked();
}

std::shared_ptr<const Snapshot> SnapshotStore::Current() const {
  std::lock_guard lock(current_mutex_);
  return current_;
}

void SnapshotStore::RebuildLocked() {
  auto next = std::make_shared<const Snapshot>(results_, views_, engine_, UnixNow());
  std::lock_guard lock(current_mutex_);
  current_ = std::move(next);
}

}  // namespace streamprobe
