#include "kafka_connect/kafka_connect_plan.h"

#include "kafka_connect/kafka_connect_config.h"
#include "kafka_connect/kafka_connect_probe.h"

namespace streamprobe {

void PlanKafkaConnect(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  PlanKafkaConnectWith(section, cluster, plan, NewCurlHttpClient());
}

void PlanKafkaConnectWith(Decoder& section, const ClusterContext& cluster, Plan& plan,
                          std::shared_ptr<HttpClient> client) {
  const Schedule schedule = ReadSchedule(section, cluster);
  KafkaConnectConfig config = DecodeKafkaConnectConfig(section);
  section.Finish();
  const ConnectHttp http = MakeConnectHttp(config, std::move(client));
  auto add = [&](std::string name, std::shared_ptr<Probe> probe, ComponentRole role) {
    plan.targets.push_back(TargetSpec{cluster.name, "kafka_connect", std::move(name),
                                      schedule.interval, schedule.timeout, std::move(probe)});
    plan.targets.back().component = "kafka_connect";
    plan.targets.back().role = role;
  };
  for (const std::string& url : config.workers) {
    add(url, std::make_shared<KafkaConnectWorkerProbe>(cluster.name, url, http),
        ComponentRole::kUnit);
  }
  if (!config.workers.empty()) {
    add("connectors", std::make_shared<KafkaConnectConnectorsProbe>(cluster.name, config, http),
        ComponentRole::kCheck);
  }
}

}  // namespace streamprobe
