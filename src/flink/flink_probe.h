// The Flink JobManager probe: /overview, /jobs/overview, then per exported job
// /jobs/<jid>/checkpoints and /jobs/<jid>/metrics?get=numRestarts. I/O only
// through HttpClient; every request ends by ctx.deadline.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/probe.h"
#include "flink/flink_config.h"
#include "flink/flink_metrics.h"
#include "net/http_client.h"

namespace streamprobe {

// Status: the failure of /overview or /jobs/overview; else the first transport
// failure of a per-job request (timeout, refused, …; its metrics are left
// out); else ok. Job states are metrics, not the target status.
class FlinkProbe : public Probe {
 public:
  FlinkProbe(std::shared_ptr<HttpClient> http, FlinkConfig config);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  // GET <jobmanager><path>; transport and HTTP-level failures as statuses.
  // `allow_404` passes a 404 JSON answer through (checkpointing disabled).
  Result<HttpResponse> Get(const std::string& path, Clock::time_point deadline, bool allow_404);
  // Checkpoints and numRestarts of one job; parts that fail stay nullopt, and
  // the first transport or format failure is kept in `first_failure`.
  FlinkJobDetails ReadDetails(const std::string& jid, Clock::time_point deadline,
                              std::optional<Status>& first_failure);

  std::shared_ptr<HttpClient> http_;
  FlinkConfig config_;
};

}  // namespace streamprobe
