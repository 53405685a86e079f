#include "flink/flink_probe.h"

#include "core/snapshot.h"
#include "flink/flink_metrics.h"

namespace streamprobe {

FlinkProbe::FlinkProbe(std::shared_ptr<HttpClient> http, FlinkConfig config)
    : http_(std::move(http)), config_(std::move(config)) {}

Result<HttpResponse> FlinkProbe::Get(const std::string& path, Clock::time_point deadline,
                                     bool allow_404) {
  HttpRequest request;
  request.url = config_.jobmanager + path;
  request.headers = {"Accept: application/json"};
  ApplyBasicAuth(config_.basic_auth, request);
  request.tls = config_.tls;
  request.max_body_bytes = config_.max_body_bytes;
  request.deadline = deadline;
  auto response = http_->Do(request);
  if (!response.ok()) return response;
  if (allow_404 && response.value.status == 404) return response;
  if (Status s = CheckFlinkHttp(response.value); !s.ok()) return Result<HttpResponse>::Fail(s);
  return response;
}

FlinkJobDetails FlinkProbe::ReadDetails(const std::string& jid, Clock::time_point deadline,
                                        std::optional<Status>& first_failure) {
  // HTTP errors (e.g. 404: the job vanished since the listing) only drop series.
  auto note = [&](const Status& s) {
    if (!first_failure && s.reason() != Reason::kHttpStatus) first_failure = s;
  };
  FlinkJobDetails d;
  const std::string base = "/jobs/" + jid;
  auto cp = Get(base + "/checkpoints", deadline, true);
  auto checkpoints = cp.ok() ? ParseCheckpoints(cp.value.status, cp.value.body)
                             : Result<FlinkCheckpoints>::Fail(cp.status);
  if (checkpoints.ok()) {
    d.checkpoints = checkpoints.value;
  } else {
    note(checkpoints.status);
  }
  auto metric = Get(base + "/metrics?get=numRestarts", deadline, false);
  auto restarts = metric.ok() ? ParseNumRestarts(metric.value.body)
                              : Result<std::optional<std::int64_t>>::Fail(metric.status);
  if (restarts.ok()) {
    d.restarts = restarts.value;
  } else {
    note(restarts.status);
  }
  return d;
}

ProbeOutcome FlinkProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  auto overview = Get("/overview", ctx.deadline, false);
  auto parsed_overview = overview.ok() ? ParseOverview(overview.value.body)
                                       : Result<FlinkOverview>::Fail(overview.status);
  if (!parsed_overview.ok()) {
    out.status = parsed_overview.status;
    return out;
  }
  auto listing = Get("/jobs/overview", ctx.deadline, false);
  auto jobs = listing.ok() ? ParseJobsOverview(listing.value.body)
                           : Result<std::vector<FlinkJob>>::Fail(listing.status);
  if (!jobs.ok()) {
    out.status = jobs.status;
    return out;
  }
  FlinkRound round;
  round.overview = std::move(parsed_overview.value);
  round.all_jobs = std::move(jobs.value);
  round.selection = SelectFlinkJobs(round.all_jobs, config_.expected_jobs, config_.max_jobs);
  round.checkpoint_stale_after_seconds =
      std::chrono::duration<double>(config_.checkpoint_stale_after).count();
  std::optional<Status> detail_failure;
  for (const FlinkSelectedJob& selected : round.selection.jobs) {
    round.details.push_back(selected.job ? ReadDetails(selected.job->jid, ctx.deadline,
                                                       detail_failure)
                                         : FlinkJobDetails{});
  }
  round.now_unix = UnixNow();
  RenderFlink(round, out.metrics);
  out.status = detail_failure.value_or(Status::Ok());
  return out;
}

}  // namespace streamprobe
