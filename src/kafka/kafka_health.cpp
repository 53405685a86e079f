#include "kafka/kafka_health.h"

#include <librdkafka/rdkafka.h>

namespace streamprobe::kafka {

PartitionHealth SummarizePartitions(const ClusterMeta& meta,
                                    const std::map<std::string, int>& min_isr,
                                    int default_min_isr) {
  PartitionHealth h;
  for (const auto& b : meta.brokers) {
    h.leaders_by_broker[b.id] = 0;
    h.replicas_by_broker[b.id] = 0;
  }
  for (const auto& topic : meta.topics) {
    ++h.topics;
    auto it = min_isr.find(topic.name);
    const int topic_min_isr = it != min_isr.end() ? it->second : default_min_isr;
    for (const auto& p : topic.partitions) {
      ++h.partitions;
      const int isr = static_cast<int>(p.isr.size());
      const int replicas = static_cast<int>(p.replicas.size());
      for (int r : p.replicas) ++h.replicas_by_broker[r];
      if (p.leader < 0 || (p.error != 0 && p.error != RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE)) {
        ++h.offline;
      } else {
        ++h.leaders_by_broker[p.leader];
        if (!p.replicas.empty() && p.leader != p.replicas.front()) ++h.preferred_leader_imbalance;
      }
      if (isr < replicas) ++h.under_replicated;
      if (isr < topic_min_isr) ++h.under_min_isr;
      else if (isr == topic_min_isr && replicas > topic_min_isr) ++h.at_min_isr;
    }
  }
  return h;
}

}  // namespace streamprobe::kafka
