// Pure parsers for the Flink JobManager REST API (PROTOCOLS.md §5). Bytes in,
// typed value or a Status with a bounded reason out; they never throw.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "net/http_client.h"

namespace streamprobe {

// JobStatus values (flink-core JobStatus.java); note CANCELLING vs CANCELED.
inline constexpr std::array<std::string_view, 11> kFlinkJobStates = {
    "INITIALIZING", "CREATED",  "RUNNING",   "FAILING",   "FAILED",     "CANCELLING",
    "CANCELED",     "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING"};

// FAILED, CANCELED, FINISHED: the job will not run again.
bool IsGloballyTerminal(std::string_view state);

// HTTP 401/403 → auth; HTML or non-JSON body → bad_payload; other non-2xx → http_status.
Status CheckFlinkHttp(const HttpResponse& response);

// GET /overview.
struct FlinkOverview {
  std::int64_t taskmanagers = 0;
  std::int64_t slots_total = 0;
  std::int64_t slots_available = 0;
  std::string version;
  std::string commit;
};
Result<FlinkOverview> ParseOverview(std::string_view body);

// One entry of GET /jobs/overview ({"jobs":[…]} or the older {"running","finished"}).
struct FlinkJob {
  std::string jid;
  std::string name;
  std::string state;
  std::int64_t start_time_ms = 0;
  std::int64_t duration_ms = 0;
};
Result<std::vector<FlinkJob>> ParseJobsOverview(std::string_view body);

// GET /jobs/<jid>/checkpoints. HTTP 404 {"errors":["Checkpointing has not been
// enabled."]} → enabled false; other 404s → http_status.
struct FlinkCheckpoints {
  bool enabled = true;
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  std::optional<std::int64_t> latest_completed_ack_ms;
};
Result<FlinkCheckpoints> ParseCheckpoints(long http_status, std::string_view body);

// GET /jobs/<jid>/metrics?get=numRestarts → the count; [] (not collected yet) → nullopt.
Result<std::optional<std::int64_t>> ParseNumRestarts(std::string_view body);

}  // namespace streamprobe
