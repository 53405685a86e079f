// Partition health from metadata: pure functions.
#pragma once

#include <map>
#include <string>

#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

// `min_isr` maps topic -> min.insync.replicas; topics absent from it use
// `default_min_isr`. A partition is offline when it has no leader or carries a
// partition error; offline partitions are not also counted as imbalanced.
PartitionHealth SummarizePartitions(const ClusterMeta& meta,
                                    const std::map<std::string, int>& min_isr,
                                    int default_min_isr);

}  // namespace streamprobe::kafka
