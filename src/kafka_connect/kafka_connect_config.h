// The `kafka_connect` section of a cluster (docs/backends/kafka_connect.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/decoder.h"
#include "config/http_options.h"
#include "net/http_client.h"

namespace streamprobe {

struct KafkaConnectConfig {
  std::vector<std::string> workers;              // REST base URLs, e.g. http://host:8083
  std::vector<std::string> expected_connectors;  // names that must exist
  std::vector<std::string> expected_plugins;     // connector classes that must be installed
  std::size_t max_body_bytes = 4u << 20;         // cap on every response body
  std::size_t max_connectors = 1000;             // series budget: connectors rendered
  BasicAuth basic_auth;                  // `basic_auth`; none when user is empty
  TlsOptions tls;
};

// Reads every field of the section except interval/timeout (see ReadSchedule),
// reporting errors through `section`. Does not call Finish().
KafkaConnectConfig DecodeKafkaConnectConfig(Decoder& section);

// Strips trailing slashes so paths can be appended ("http://h:8083/" → "http://h:8083").
std::string TrimBaseUrl(std::string url);

}  // namespace streamprobe
