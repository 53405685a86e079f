// Top-level configuration: clusters, each with one section per backend.
//
//   defaults: {interval: 15s, timeout: 5s}
//   clusters:
//     - name: data-platform
//       zookeeper: {...}     # one key per backend, see docs/configuration.md
//       kafka: {...}
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "config/decoder.h"
#include "core/probe.h"

namespace streamprobe {

// What a backend section may inherit from its cluster.
struct ClusterContext {
  std::string name;            // the cluster label value
  Millis interval{15000};      // default probe interval
  Millis timeout{5000};        // default probe deadline
};

// A probe interval and deadline read from a section (falling back to the
// cluster's), validated so that timeout <= interval.
struct Schedule {
  Millis interval;
  Millis timeout;
};
Schedule ReadSchedule(Decoder& section, const ClusterContext& cluster);

// One backend of the explicit backend table (src/app/registry.cpp).
struct Backend {
  std::string_view name;  // config key == system label == metric prefix part
  // Decodes the backend's section of one cluster and appends its targets and
  // views to `plan`. Reports problems through the decoder and calls Finish().
  void (*plan)(Decoder& section, const ClusterContext& cluster, Plan& plan);
};

struct LoadedConfig {
  Plan plan;
  ErrorList errors;  // empty when the configuration is valid
  bool ok() const { return errors.empty(); }
};

// The largest configuration accepted (text or file), in bytes.
inline constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Never throw: every problem, including malformed YAML, is an entry of
// `errors`. LoadConfigFile reads only regular files of at most kMaxConfigBytes.
LoadedConfig LoadConfigText(const std::string& yaml_text, std::span<const Backend> backends);
LoadedConfig LoadConfigFile(const std::string& path, std::span<const Backend> backends);

}  // namespace streamprobe
