#include "app/registry.h"

#include <vector>

// One include and one table row per backend; nothing registers itself.
// BACKEND INCLUDES
#include "zookeeper/zookeeper_plan.h"
#include "kafka_connect/kafka_connect_plan.h"
#include "schema_registry/schema_registry_plan.h"
#include "doris/doris_plan.h"
#include "flink/flink_plan.h"
#include "kafka/kafka_plan.h"

namespace streamprobe {

std::span<const Backend> Backends() {
  static const std::vector<Backend> kBackends = {
      // BACKEND ROWS
      {"zookeeper", &PlanZookeeper},
      {"kafka_connect", &PlanKafkaConnect},
      {"schema_registry", &PlanSchemaRegistry},
      {"doris", &PlanDoris},
      {"flink", &PlanFlink},
      {"kafka", &PlanKafka},
  };
  return kBackends;
}

}  // namespace streamprobe
