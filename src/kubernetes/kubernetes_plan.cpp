#include "kubernetes/kubernetes_plan.h"

#include "kubernetes/kubernetes_config.h"
#include "kubernetes/kubernetes_probe.h"

namespace streamprobe {

void PlanKubernetes(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  PlanKubernetesWith(section, cluster, plan, NewCurlHttpClient());
}

void PlanKubernetesWith(Decoder& section, const ClusterContext& cluster, Plan& plan,
                        std::shared_ptr<HttpClient> client) {
  const Schedule schedule = ReadSchedule(section, cluster);
  kubernetes::KubernetesConfig config = kubernetes::DecodeKubernetesConfig(section);
  section.Finish();
  std::string name = config.api_server.substr(config.api_server.find("://") + 3);
  name = name.substr(0, name.find('/'));
  plan.targets.push_back(TargetSpec{cluster.name, "kubernetes", std::move(name), schedule.interval,
                                    schedule.timeout,
                                    std::make_shared<kubernetes::KubernetesProbe>(
                                        std::move(client), std::move(config))});
  plan.targets.back().component = "kubernetes";
  plan.targets.back().role = ComponentRole::kUnit;
}

}  // namespace streamprobe
