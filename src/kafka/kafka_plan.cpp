#include "kafka/kafka_plan.h"

#include "kafka/kafka_config.h"
#include "kafka/kafka_probe.h"

namespace streamprobe {

void PlanKafka(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  kafka::KafkaConfig config = kafka::DecodeKafkaConfig(section, cluster);
  if (config.bootstrap.empty()) return;  // error already reported
  TargetSpec target;
  target.cluster = cluster.name;
  target.system = "kafka";
  target.name = config.bootstrap.front();
  target.interval = config.schedule.interval;
  target.timeout = config.schedule.timeout;
  target.probe = std::make_shared<kafka::KafkaProbe>(config, kafka::ProductionSeams(config));
  plan.targets.push_back(std::move(target));
}

}  // namespace streamprobe
