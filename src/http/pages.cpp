#include <cstdio>

#include <nlohmann/json.hpp>

#include "http/executor_metrics.h"
#include "http/process_metrics.h"
#include "http/server.h"

namespace streamprobe {

std::string RenderMetricsTail(const Snapshot& snapshot, double now_unix) {
  char age[256];
  std::snprintf(age, sizeof age,
                "# HELP streamprobe_snapshot_age_seconds Seconds since the snapshot served here "
                "was built; every other value is cached from probe rounds\n"
                "# TYPE streamprobe_snapshot_age_seconds gauge\n"
                "streamprobe_snapshot_age_seconds %.3f\n",
                std::max(0.0, now_unix - snapshot.built_unix()));
  return age + RenderProcessMetrics() + RenderExecutorMetrics(Executor::Shared().stats());
}

std::string RenderMetricsPage(const Snapshot& snapshot, double now_unix) {
  std::string page;
  snapshot.AppendText(page);
  page += RenderMetricsTail(snapshot, now_unix);
  return page;
}

std::string RenderTargetsJson(const Snapshot& snapshot) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& [id, r] : snapshot.results()) {
    targets.push_back({{"id", id},
                       {"cluster", r->cluster},
                       {"system", r->system},
                       {"target", r->name},
                       {"success", r->status.ok()},
                       {"reason", ReasonName(r->status.reason())},
                       {"detail", r->status.detail()},
                       {"duration_seconds", r->duration_seconds},
                       {"last_round_unix", r->finished_unix},
                       {"last_success_unix", r->last_success_unix},
                       {"facts", r->facts}});
  }
  nlohmann::json body = {{"snapshot_built_unix", snapshot.built_unix()}, {"targets", targets}};
  return body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace streamprobe
