// process_* metrics of this process, read from /proc, with the names and
// meanings of the Prometheus client libraries (client_golang's process
// collector): CPU, memory, descriptors, start time. A value that cannot be
// read is left out, never reported as 0.
#pragma once

#include <string>

namespace streamprobe {

// Prometheus text of the process_* families, read at most once per
// kProcessMetricsMaxAgeMs: counting /proc/self/fd and reading /proc cost more
// than the rest of a scrape (40% of the CPU under back-to-back scrapers, and
// growing with open connections). Thread-safe.
inline constexpr int kProcessMetricsMaxAgeMs = 1000;
std::string RenderProcessMetrics();

// The same, read now (no cache).
std::string ReadProcessMetrics();

}  // namespace streamprobe
