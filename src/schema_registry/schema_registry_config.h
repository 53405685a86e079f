// The `schema_registry` section of a cluster (docs/backends/schema_registry.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/decoder.h"
#include "config/http_options.h"
#include "net/http_client.h"

namespace streamprobe {

struct SchemaRegistryConfig {
  std::vector<std::string> urls;         // REST base URLs, trailing '/' removed
  std::size_t max_body_bytes = 4u << 20; // cap on every response body
  BasicAuth basic_auth;                  // `basic_auth`; none when user is empty
  TlsOptions tls;
};

// Reads every field except interval/timeout (see ReadSchedule), reporting
// errors through `section`. Does not call Finish().
SchemaRegistryConfig DecodeSchemaRegistryConfig(Decoder& section);

}  // namespace streamprobe
