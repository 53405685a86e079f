// Plans the `doris` section: one target per expected FE and BE (name =
// host:port), one `cluster` target, and one `sql` target when `sql` is set.
#pragma once

#include "config/config.h"

namespace streamprobe {

void PlanDoris(Decoder& section, const ClusterContext& cluster, Plan& plan);

}  // namespace streamprobe
