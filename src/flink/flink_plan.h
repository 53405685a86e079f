// Plans the `flink` section: one target per JobManager (name = host:port).
#pragma once

#include "config/config.h"

namespace streamprobe {

void PlanFlink(Decoder& section, const ClusterContext& cluster, Plan& plan);

}  // namespace streamprobe
