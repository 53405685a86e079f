#include "flink/flink_plan.h"

#include "flink/flink_config.h"
#include "flink/flink_probe.h"

namespace streamprobe {

void PlanFlink(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  const Schedule schedule = ReadSchedule(section, cluster);
  FlinkConfig config = DecodeFlinkConfig(section);
  section.Finish();
  std::string name = FlinkTargetName(config.jobmanager);
  plan.targets.push_back(TargetSpec{cluster.name, "flink", std::move(name), schedule.interval,
                                    schedule.timeout,
                                    std::make_shared<FlinkProbe>(NewCurlHttpClient(),
                                                                 std::move(config))});
  plan.targets.back().component = "flink";
  plan.targets.back().role = ComponentRole::kUnit;
}

}  // namespace streamprobe
