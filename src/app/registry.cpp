#include "app/registry.h"

#include <vector>

// One include and one table row per backend; nothing registers itself.
#include "doris/doris_plan.h"
#include "flink/flink_plan.h"
#include "kafka/kafka_plan.h"
#include "kafka_connect/kafka_connect_plan.h"
#include "kubernetes/kubernetes_plan.h"
#include "schema_registry/schema_registry_plan.h"
#include "zookeeper/zookeeper_plan.h"

namespace streamprobe {

std::span<const Backend> Backends() {
  static const std::vector<Backend> kBackends = {
      // Sections are planned in this order
      {"zookeeper", &PlanZookeeper},
      {"kafka", &PlanKafka},
      {"kafka_connect", &PlanKafkaConnect},
      {"schema_registry", &PlanSchemaRegistry},
      {"doris", &PlanDoris},
      {"flink", &PlanFlink},
      {"kubernetes", &PlanKubernetes},
  };
  return kBackends;
}

}  // namespace streamprobe
