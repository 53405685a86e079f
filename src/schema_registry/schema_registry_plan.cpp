#include "schema_registry/schema_registry_plan.h"

#include "schema_registry/schema_registry_config.h"
#include "schema_registry/schema_registry_probe.h"

namespace streamprobe {

void PlanSchemaRegistry(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  PlanSchemaRegistryWith(section, cluster, plan, NewCurlHttpClient());
}

void PlanSchemaRegistryWith(Decoder& section, const ClusterContext& cluster, Plan& plan,
                            std::shared_ptr<HttpClient> client) {
  const Schedule schedule = ReadSchedule(section, cluster);
  const SchemaRegistryConfig config = DecodeSchemaRegistryConfig(section);
  section.Finish();
  for (const std::string& url : config.urls) {
    plan.targets.push_back(TargetSpec{cluster.name, "schema_registry", url, schedule.interval,
                                      schedule.timeout,
                                      std::make_shared<SchemaRegistryProbe>(url, config, client)});
    plan.targets.back().component = "schema_registry";
    plan.targets.back().role = ComponentRole::kUnit;
  }
}

}  // namespace streamprobe
