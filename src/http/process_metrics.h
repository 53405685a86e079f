// process_* metrics of this process, read from /proc at scrape time, with the
// names and meanings of the Prometheus client libraries (client_golang's
// process collector): CPU, memory, descriptors, start time. A value that
// cannot be read is left out, never reported as 0.
#pragma once

#include <string>

namespace streamprobe {

// Prometheus text of the process_* families.
std::string RenderProcessMetrics();

}  // namespace streamprobe
