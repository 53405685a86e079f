#include "flink/flink_metrics.h"

#include <algorithm>
#include <map>
#include <set>

namespace streamprobe {
namespace {

// True if `a` is the more relevant job of one name.
bool Better(const FlinkJob& a, const FlinkJob& b) {
  const bool a_live = !IsGloballyTerminal(a.state), b_live = !IsGloballyTerminal(b.state);
  if (a_live != b_live) return a_live;
  return a.start_time_ms > b.start_time_ms;
}

void RenderCheckpoints(const Labels& l, const FlinkSelectedJob& s, const FlinkCheckpoints& c,
                       const FlinkRound& r, MetricSet& out) {
  out.Gauge("streamprobe_flink_job_checkpointing_enabled",
            "1 if the job has checkpointing enabled (0: the REST API answered 404 not enabled).",
            l, c.enabled ? 1 : 0);
  if (!c.enabled) return;
  out.Counter("streamprobe_flink_job_checkpoints_completed_total",
              "Completed checkpoints of the job (counts.completed).", l,
              static_cast<double>(c.completed));
  out.Counter("streamprobe_flink_job_checkpoints_failed_total",
              "Failed checkpoints of the job (counts.failed).", l, static_cast<double>(c.failed));
  std::optional<double> age;
  if (c.latest_completed_ack_ms) {
    age = std::max(0.0, r.now_unix - static_cast<double>(*c.latest_completed_ack_ms) / 1000.0);
    out.Gauge("streamprobe_flink_job_last_checkpoint_age_seconds",
              "Seconds since the latest completed checkpoint was acknowledged.", l, *age);
  }
  // Without a completed checkpoint the job is stale once it has run longer than the limit.
  const double running_for = static_cast<double>(s.job->duration_ms) / 1000.0;
  const bool stale = age ? *age > r.checkpoint_stale_after_seconds
                         : running_for > r.checkpoint_stale_after_seconds;
  out.Gauge("streamprobe_flink_job_checkpoint_stale",
            "1 if the latest completed checkpoint is older than checkpoint_stale_after.", l,
            stale ? 1 : 0);
}

void RenderJob(const FlinkSelectedJob& s, const FlinkJobDetails& d, const FlinkRound& r,
               MetricSet& out) {
  const Labels l = {{"flink_job", s.name}};
  out.Gauge("streamprobe_flink_job_expected", "1 if the job is declared in expected_jobs.", l,
            s.expected ? 1 : 0);
  out.Gauge("streamprobe_flink_job_present", "1 if the JobManager lists a job of this name.", l,
            s.job ? 1 : 0);
  if (!s.job) return;
  const bool known = std::find(kFlinkJobStates.begin(), kFlinkJobStates.end(), s.job->state) !=
                     kFlinkJobStates.end();
  out.StateSet("streamprobe_flink_job_state", "Job status (other: an unknown value).", l, "state",
               known ? s.job->state : "other", kFlinkJobStates);
  if (d.restarts) {
    out.Counter("streamprobe_flink_job_restarts_total", "Restarts of the job (numRestarts).", l,
                static_cast<double>(*d.restarts));
  }
  if (d.checkpoints) RenderCheckpoints(l, s, *d.checkpoints, r, out);
}

}  // namespace

FlinkSelection SelectFlinkJobs(const std::vector<FlinkJob>& jobs,
                               const std::vector<std::string>& expected, std::size_t max_jobs) {
  std::map<std::string, const FlinkJob*> best;
  for (const FlinkJob& job : jobs) {
    const FlinkJob*& slot = best[job.name];
    if (!slot || Better(job, *slot)) slot = &job;
  }
  FlinkSelection out;
  std::set<std::string> taken;
  for (const std::string& name : expected) {
    auto it = best.find(name);
    out.jobs.push_back({name, true, it == best.end() ? std::nullopt
                                                     : std::optional<FlinkJob>(*it->second)});
    taken.insert(name);
  }
  for (const auto& [name, job] : best) {
    if (taken.count(name) || IsGloballyTerminal(job->state)) continue;
    if (out.jobs.size() >= max_jobs) {
      ++out.dropped;
      continue;
    }
    out.jobs.push_back({name, false, *job});
  }
  return out;
}

void RenderFlink(const FlinkRound& r, MetricSet& out) {
  out.Info("streamprobe_flink_info", "Flink version and commit of the JobManager.",
           {{"version", r.overview.version}, {"commit", r.overview.commit}});
  out.Gauge("streamprobe_flink_taskmanagers", "Registered TaskManagers.", {},
            static_cast<double>(r.overview.taskmanagers));
  out.Gauge("streamprobe_flink_slots", "Task slots in the cluster.", {},
            static_cast<double>(r.overview.slots_total));
  out.Gauge("streamprobe_flink_slots_available", "Free task slots.", {},
            static_cast<double>(r.overview.slots_available));
  std::map<std::string_view, int> per_state;
  for (std::string_view s : kFlinkJobStates) per_state[s] = 0;
  int other = 0;
  for (const FlinkJob& job : r.all_jobs) {
    auto it = per_state.find(job.state);
    if (it == per_state.end()) {
      ++other;
    } else {
      ++it->second;
    }
  }
  for (const auto& [state, n] : per_state) {
    out.Gauge("streamprobe_flink_jobs", "Jobs listed by the JobManager, by status.",
              {{"state", std::string(state)}}, n);
  }
  out.Gauge("streamprobe_flink_jobs", "Jobs listed by the JobManager, by status.",
            {{"state", "other"}}, other);
  out.Gauge("streamprobe_flink_jobs_dropped",
            "Live undeclared jobs not rendered (max_jobs budget).", {},
            static_cast<double>(r.selection.dropped));
  for (std::size_t i = 0; i < r.selection.jobs.size(); ++i) {
    RenderJob(r.selection.jobs[i], i < r.details.size() ? r.details[i] : FlinkJobDetails{}, r,
              out);
  }
}

}  // namespace streamprobe
