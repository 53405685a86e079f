#include "kafka/kafka_plan.h"

#include "core/snapshot.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_kraft.h"
#include "kafka/kafka_probe.h"

namespace streamprobe {
namespace {

// Renders the KRaft quorum from the controller targets' latest states.
ViewSpec QuorumView(const std::string& cluster, std::vector<std::string> target_ids) {
  ViewSpec view;
  view.cluster = cluster;
  view.target_ids = std::move(target_ids);
  view.render = [](std::span<const TargetResult* const> results, MetricSet& out) {
    std::vector<const kafka::ControllerResult*> controllers;
    controllers.reserve(results.size());
    for (const TargetResult* r : results) {
      controllers.push_back(r != nullptr ? static_cast<const kafka::ControllerResult*>(r->state.get()) : nullptr);
    }
    kafka::RenderQuorum(controllers, out);
  };
  return view;
}

void PlanKraft(const kafka::KafkaConfig& config, const ClusterContext& cluster, Plan& plan) {
  if (config.kraft.controllers.empty()) return;
  auto client = kafka::NewTcpControllerClient();
  std::vector<std::string> ids;
  for (const std::string& controller : config.kraft.controllers) {
    plan.targets.push_back(TargetSpec{cluster.name, "kafka_kraft", controller, config.schedule.interval,
                                      config.schedule.timeout,
                                      std::make_shared<kafka::ControllerProbe>(controller, client)});
    plan.targets.back().component = "kafka_kraft";
    plan.targets.back().role = ComponentRole::kUnit;
    ids.push_back(plan.targets.back().Id());
  }
  plan.views.push_back(QuorumView(cluster.name, std::move(ids)));
}

}  // namespace

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
  target.component = "kafka_brokers";  // its units are the broker ids
  target.role = ComponentRole::kUnit;
  plan.targets.push_back(std::move(target));
  PlanKraft(config, cluster, plan);
}

}  // namespace streamprobe
