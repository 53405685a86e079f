// Flink job selection and typed results → metric families. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/metric_set.h"
#include "flink/flink_parse.h"

namespace streamprobe {

// A job chosen for export, by name.
struct FlinkSelectedJob {
  std::string name;
  bool expected = false;
  std::optional<FlinkJob> job;  // nullopt: expected but not listed
};

struct FlinkSelection {
  std::vector<FlinkSelectedJob> jobs;
  std::size_t dropped = 0;  // not globally terminal, undeclared, beyond max_jobs
};

// Per name the most relevant job (not globally terminal first, then the latest
// start). Exported: every expected name (present or not), plus names whose
// job is not globally terminal, up to `max_jobs` in all; the rest are counted.
FlinkSelection SelectFlinkJobs(const std::vector<FlinkJob>& jobs,
                               const std::vector<std::string>& expected, std::size_t max_jobs);

// Per-job details read after selection; absent parts stay nullopt.
struct FlinkJobDetails {
  std::optional<FlinkCheckpoints> checkpoints;
  std::optional<std::int64_t> restarts;
};

struct FlinkRound {
  FlinkOverview overview;
  std::vector<FlinkJob> all_jobs;
  FlinkSelection selection;
  std::vector<FlinkJobDetails> details;  // parallel to selection.jobs
  double now_unix = 0;
  double checkpoint_stale_after_seconds = 600;
};

void RenderFlink(const FlinkRound& round, MetricSet& out);

}  // namespace streamprobe
