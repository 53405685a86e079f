// Plans the `kafka:` section of one cluster: one target named after the first
// bootstrap server and, with kraft.controllers, one "kafka_kraft" target per
// controller plus the quorum view over them.
#pragma once

#include "config/config.h"
#include "config/decoder.h"
#include "core/probe.h"

namespace streamprobe {

void PlanKafka(Decoder& section, const ClusterContext& cluster, Plan& plan);

}  // namespace streamprobe
