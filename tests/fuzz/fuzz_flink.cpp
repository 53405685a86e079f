// libFuzzer target: the Flink JobManager REST answers (/overview,
// /jobs/overview, checkpoints, numRestarts). None may crash or throw.
#include "flink/flink_parse.h"
#include "fuzz_check.h"

namespace sp = streamprobe;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = AsText(data, size);
  (void)sp::CheckFlinkHttp(sp::HttpResponse{200, std::string(body), "application/json"});
  (void)sp::ParseOverview(body);
  (void)sp::ParseJobsOverview(body);
  for (long status : {200L, 404L}) {
    const auto checkpoints = sp::ParseCheckpoints(status, body);
    if (checkpoints.ok() && status == 200) Require(checkpoints.value.enabled, "HTTP 200 means enabled");
  }
  (void)sp::ParseNumRestarts(body);
  for (const sp::FlinkJob& job : sp::ParseJobsOverview(body).value) (void)sp::IsGloballyTerminal(job.state);
  return 0;
}
