#include "flink/flink_config.h"

#include <set>

namespace streamprobe {

std::string FlinkTargetName(const std::string& url) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else {
    return "";
  }
  return rest.substr(0, rest.find('/'));
}

FlinkConfig DecodeFlinkConfig(Decoder& section) {
  FlinkConfig c;
  c.jobmanager = section.RequiredAddress("jobmanager", kUseBasicAuth);
  if (!c.jobmanager.empty() && FlinkTargetName(c.jobmanager).empty()) {
    section.Error("jobmanager", "\"" + c.jobmanager + "\" is not an http:// or https:// URL");
  }
  while (!c.jobmanager.empty() && c.jobmanager.back() == '/') c.jobmanager.pop_back();
  c.expected_jobs = section.StringList("expected_jobs");
  std::set<std::string> seen;
  for (const std::string& name : c.expected_jobs) {
    if (name.empty()) section.Error("expected_jobs", "contains an empty name");
    if (!seen.insert(name).second) {
      section.Error("expected_jobs", "\"" + name + "\" is listed twice");
    }
  }
  c.checkpoint_stale_after = section.Duration("checkpoint_stale_after", c.checkpoint_stale_after,
                                              Millis(1000), Millis(7ll * 24 * 3600 * 1000));
  c.max_jobs = static_cast<std::size_t>(
      section.Int("max_jobs", static_cast<long long>(c.max_jobs), 1, 10000));
  c.max_body_bytes = static_cast<std::size_t>(section.Int(
      "max_body_bytes", static_cast<long long>(c.max_body_bytes), 1024, 256ll << 20));
  c.basic_auth = DecodeBasicAuth(section);
  c.tls = DecodeTls(section);
  return c;
}

}  // namespace streamprobe
