#include "doris/doris_plan.h"

#include "doris/doris_probe.h"
#include "doris/doris_sql.h"

namespace streamprobe {

void PlanDoris(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  const Schedule schedule = ReadSchedule(section, cluster);
  auto config = std::make_shared<const DorisConfig>(DecodeDorisConfig(section));
  section.Finish();
  auto http = NewCurlHttpClient();
  auto add = [&](std::string name, std::shared_ptr<Probe> probe, std::string component,
                 ComponentRole role) {
    plan.targets.push_back(TargetSpec{cluster.name, "doris", std::move(name), schedule.interval,
                                      schedule.timeout, std::move(probe)});
    plan.targets.back().component = std::move(component);
    plan.targets.back().role = role;
  };
  for (const DorisAddress& fe : config->fe) {
    add(fe.Name(), std::make_shared<DorisFrontendProbe>(http, config, fe), "doris_fe",
        ComponentRole::kUnit);
  }
  for (const DorisAddress& be : config->be) {
    add(be.Name(), std::make_shared<DorisBackendProbe>(http, config, be), "doris_be",
        ComponentRole::kUnit);
  }
  // The cluster view and SQL are answered by the FEs: checks on them.
  add("cluster", std::make_shared<DorisClusterProbe>(http, config), "doris_fe",
      ComponentRole::kCheck);
  if (config->sql) {
    add("sql", std::make_shared<DorisSqlProbe>(NewMariaDbClient(), *config->sql), "doris_fe",
        ComponentRole::kCheck);
  }
}

}  // namespace streamprobe
