// The `flink` section of a cluster (docs/backends/flink.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/decoder.h"
#include "config/http_options.h"
#include "net/http_client.h"

namespace streamprobe {

struct FlinkConfig {
  std::string jobmanager;                  // REST base URL, e.g. http://host:8081
  std::vector<std::string> expected_jobs;  // job names that must exist
  Millis checkpoint_stale_after{600000};
  std::size_t max_jobs = 50;               // series budget: jobs rendered
  std::size_t max_body_bytes = 4u << 20;   // cap on every response body
  BasicAuth basic_auth;                  // `basic_auth`; none when user is empty
  TlsOptions tls;
};

// Reads every field except interval/timeout (see ReadSchedule), reporting
// errors through `section`. Does not call Finish() on `section`.
FlinkConfig DecodeFlinkConfig(Decoder& section);

// "http://h:8081/" → "h:8081" (the target name); "" if not an http(s) URL.
std::string FlinkTargetName(const std::string& url);

}  // namespace streamprobe
