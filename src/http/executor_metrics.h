// The shared executor's state as exposition text, rendered at scrape time
// (a few counters read under one short lock; nothing waits on a backend).
#pragma once

#include <string>

#include "core/executor.h"

namespace streamprobe {

std::string RenderExecutorMetrics(const Executor::Stats& stats);

}  // namespace streamprobe
