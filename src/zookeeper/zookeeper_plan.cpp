#include "zookeeper/zookeeper_plan.h"

#include "core/snapshot.h"
#include "zookeeper/zk_session.h"
#include "zookeeper/zookeeper_config.h"
#include "zookeeper/zookeeper_metrics.h"

namespace streamprobe {
namespace zookeeper {
namespace {

constexpr std::string_view kSystem = "zookeeper";

// Renders the ensemble from the member targets' latest states.
ViewSpec EnsembleView(const std::string& cluster, std::vector<std::string> target_ids) {
  ViewSpec view;
  view.cluster = cluster;
  view.target_ids = std::move(target_ids);
  view.render = [](std::span<const TargetResult* const> results, MetricSet& out) {
    std::vector<const MemberResult*> members;
    members.reserve(results.size());
    for (const TargetResult* r : results) {
      members.push_back(r != nullptr ? static_cast<const MemberResult*>(r->state.get()) : nullptr);
    }
    RenderEnsemble(members, out);
  };
  return view;
}

}  // namespace

void PlanZookeeperWith(Decoder& section, const ClusterContext& cluster, Plan& plan, Seams seams) {
  const Schedule schedule = ReadSchedule(section, cluster);
  ZookeeperConfig config = DecodeZookeeperConfig(section);
  section.Finish();
  auto add = [&](std::string name, std::shared_ptr<Probe> probe, ComponentRole role) {
    plan.targets.push_back(TargetSpec{cluster.name, std::string(kSystem), std::move(name),
                                      schedule.interval, schedule.timeout, std::move(probe)});
    plan.targets.back().component = std::string(kSystem);
    plan.targets.back().role = role;
    return plan.targets.back().Id();
  };
  std::vector<std::string> member_ids;
  for (const std::string& member : config.members) {
    member_ids.push_back(add(member, std::make_shared<MemberProbe>(member, config.admin_server_port,
                                                                   seams.four, seams.http),
                            ComponentRole::kUnit));
  }
  if (!member_ids.empty()) plan.views.push_back(EnsembleView(cluster.name, std::move(member_ids)));
  if (config.WantsZnodes() && !config.members.empty()) {
    auto reader = seams.open_reader(config.ConnectString(), config.session_timeout);
    add("znodes", std::make_shared<ZnodesProbe>(std::move(config), std::move(reader)),
        ComponentRole::kCheck);
  }
}

}  // namespace zookeeper

void PlanZookeeper(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  zookeeper::PlanZookeeperWith(section, cluster, plan,
                               {zookeeper::NewTcpFourLetterClient(), NewCurlHttpClient(),
                                &zookeeper::NewZkSession});
}

}  // namespace streamprobe
