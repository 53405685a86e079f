// Typed Schema Registry observations → metric families. Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/metric_set.h"

namespace streamprobe {

// An endpoint that answered with a Schema Registry error body.
struct RegistryEndpointError {
  std::string endpoint;         // "/", "/mode", "/subjects" or "/config"
  std::string_view error_code;  // BoundedRegistryErrorCode()
};

// What one round of a registry target saw; unset fields were not learned.
struct RegistryObservation {
  std::string url;                              // label `registry`
  bool up = false;                              // GET / answered a JSON object
  std::optional<std::string_view> mode;         // kRegistryModes or UNKNOWN
  std::optional<std::string_view> compatibility;// kCompatibilityLevels or UNKNOWN
  std::optional<std::size_t> subjects;
  std::vector<RegistryEndpointError> errors;
};
void RenderRegistry(const RegistryObservation& obs, MetricSet& out);

}  // namespace streamprobe
