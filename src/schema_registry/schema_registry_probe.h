// Schema Registry probe: one per URL. Read-only (GET /, /mode, /subjects, /config).
#pragma once

#include <memory>
#include <string>

#include "core/probe.h"
#include "net/http_client.h"
#include "schema_registry/schema_registry_config.h"
#include "schema_registry/schema_registry_metrics.h"

namespace streamprobe {

// Fails with the transport reason when GET / cannot be asked (the other calls
// are then skipped); otherwise with the first failure of /, /mode, /subjects,
// /config in that order, while still exporting what the others returned. An
// error body {"error_code":...} gives kHttpStatus (kAuth for 401/403) and a
// streamprobe_schema_registry_error_info series.
class SchemaRegistryProbe : public Probe {
 public:
  SchemaRegistryProbe(std::string url, const SchemaRegistryConfig& config,
                      std::shared_ptr<HttpClient> client);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  // GET url_+path by `deadline`: the body of a 2xx answer, or why not. Records
  // an error body's code in `errors`.
  Result<std::string> Get(const std::string& path, Clock::time_point deadline,
                          RegistryObservation& obs) const;

  std::string url_;
  HttpRequest base_;  // auth, TLS and body cap; url/deadline set per call
  std::shared_ptr<HttpClient> client_;
};

}  // namespace streamprobe
