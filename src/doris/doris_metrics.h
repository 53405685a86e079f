// Typed Doris results → metric families, and the cluster judgement. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/metric_set.h"
#include "core/status.h"
#include "doris/doris_config.h"
#include "doris/doris_parse.h"

namespace streamprobe {

// What the cluster target learned from one FE this round.
struct DorisClusterView {
  std::vector<DorisAddress> expected_fe, expected_be;
  std::optional<std::vector<DorisFrontendRow>> frontends;  // nullopt: not read
  std::optional<std::vector<DorisBackendRow>> backends;
  double now_unix = 0;
  double stale_after_seconds = 30;
  std::size_t max_nodes = 500;
};

// Healthy when exactly one master is listed and alive followers reach quorum
// (followers / 2 + 1); otherwise not_serving with the cause as detail.
Status JudgeCluster(const std::vector<DorisFrontendRow>& frontends);

// FE target: backend counts from /api/health, labelled frontend=<host:port>.
void RenderFrontendHealth(const std::string& frontend, const DorisFeHealth& health,
                          MetricSet& out);

// Cluster target: per-FE/BE series (expected ones always, even when missing),
// cluster aggregates. Nodes beyond max_nodes per kind are counted, not rendered.
void RenderCluster(const DorisClusterView& view, MetricSet& out);

// The result of one named SQL query.
struct DorisQueryResult {
  std::string name;
  Status status;
  double duration_seconds = 0;
  double value = 0;  // meaningful only when status.ok()
};

// SQL target: per-query success, duration, failure reason (state set) and value.
void RenderSqlQueries(const std::vector<DorisQueryResult>& results, MetricSet& out);

}  // namespace streamprobe
