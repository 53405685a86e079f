#include "kafka/kafka_probe.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <set>

#include "core/log.h"
#include "core/snapshot.h"
#include "kafka/kafka_coordinator.h"
#include "kafka/kafka_health.h"
#include "kafka/kafka_metrics.h"
#include "kafka/kafka_registration.h"
#include "kafka/kafka_status.h"
#include "kafka/kafka_worker.h"
#include "kafka/kafka_worker_process.h"
#include "zookeeper/kafka_registry.h"
#include "zookeeper/zk_session.h"

namespace streamprobe::kafka {
namespace {

// Share of the remaining round that endpoint checks may use, and their cap.
constexpr Millis kMaxEndpointCheck{2000};

Deadline EndpointDeadline(const ProbeContext& ctx) {
  Millis budget = std::min(kMaxEndpointCheck, ctx.Remaining() / 3);
  return std::min(ctx.deadline, Clock::now() + budget);
}

}  // namespace

void CanaryStats::Observe(double seconds) {
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++buckets[i];
  }
  ++count;
  sum += seconds;
}

KafkaProbe::KafkaProbe(KafkaConfig config, KafkaSeams seams)
    : config_(std::move(config)),
      seams_(std::move(seams)),
      allow_(config_.groups.allow.empty() ? ".*" : config_.groups.allow),
      deny_(config_.groups.deny.empty() ? "$^" : config_.groups.deny) {}

ProbeOutcome KafkaProbe::Run(const ProbeContext& ctx) {
  ++rounds_;
  KafkaRound round;
  auto meta = seams_.client->Metadata(ctx.deadline);
  round.metadata_ok = meta.ok();
  if (meta.ok()) round.meta = std::move(meta.value);

  ReadRegistration(ctx, round);
  CheckEndpoints(ctx, round);
  for (const auto& b : round.brokers) {
    round.states.push_back(ClassifyBroker(
        b, {round.zookeeper_configured && round.registry_ok, round.have_expectations,
            round.metadata_ok}));
  }
  if (round.metadata_ok) {
    RefreshMinIsr(ctx, round.meta);
    round.health = SummarizePartitions(round.meta, min_isr_, 1);
    RunCanary(ctx, round);
    ReadGroups(ctx, round);
  }
  round.canary_configured = !config_.canary.topic.empty();
  round.canary = canary_;

  ProbeOutcome out;
  if (!meta.ok()) {
    out.status = meta.status;
  } else if (round.health.offline > 0) {
    out.status = Status::Fail(Reason::kNotServing,
                              std::to_string(round.health.offline) + " partitions offline");
  }
  if (round.metadata_ok && !round.meta.cluster_id.empty()) {
    out.facts["cluster_id"] = round.meta.cluster_id;
  }
  out.metrics = RenderKafka(round, config_.groups);
  out.state = std::make_shared<const KafkaRound>(std::move(round));
  out = WithClientHealth(std::move(out));
  out.units = BrokerUnits(*static_cast<const KafkaRound*>(out.state.get()), config_.expected.ids,
                          out.status);
  if (config_.zookeeper) {  // for `streamprobe diagnose kafka-registration`
    out.facts["zookeeper_connect"] = config_.zookeeper->connect;
    out.facts["zookeeper_chroot"] = config_.zookeeper->chroot;
  }
  return out;
}

ProbeOutcome KafkaProbe::WithClientHealth(ProbeOutcome out) {
  const ClientHealth health = seams_.client->TakeHealth();
  if (!health.fault.ok()) {
    // The client broke during the round: what it read is incomplete, so the
    // round publishes the failure and none of its values.
    out.status = health.fault;
    out.metrics = MetricSet();
    out.facts.clear();
    out.state = std::make_shared<const KafkaRound>();
  }
  if (health.supervised) RenderClientHealth(health, config_.bootstrap.front(), out.metrics);
  return out;
}

void KafkaProbe::ReadRegistration(const ProbeContext& ctx, KafkaRound& round) {
  round.zookeeper_configured = config_.zookeeper.has_value() && seams_.zookeeper != nullptr;
  round.have_expectations = !config_.expected.ids.empty();
  std::map<int, std::string> hosts;
  for (int id : config_.expected.ids) hosts[id] = config_.ExpectedHost(id);
  const long long now_ms = std::llround(seams_.now_unix() * 1000);
  if (!round.zookeeper_configured) {
    if (round.metadata_ok) {
      round.brokers = JoinBrokerFacts(config_.expected.ids, hosts, nullptr, round.meta, now_ms);
    }
    return;
  }
  auto registry = zookeeper::ReadKafkaRegistry(*seams_.zookeeper, config_.zookeeper->chroot,
                                               ctx.deadline);
  round.registry_ok = registry.ok();
  if (!registry.ok() && !round.metadata_ok) return;
  round.brokers = JoinBrokerFacts(config_.expected.ids, hosts,
                                  registry.ok() ? &registry.value : nullptr, round.meta, now_ms);
}

void KafkaProbe::CheckEndpoints(const ProbeContext& ctx, KafkaRound& round) {
  const Deadline deadline = EndpointDeadline(ctx);
  std::vector<std::pair<std::size_t, std::future<Status>>> checks;
  for (std::size_t i = 0; i < round.brokers.size(); ++i) {
    auto endpoint = EndpointToCheck(round.brokers[i]);
    if (!endpoint) continue;
    checks.emplace_back(i, std::async(std::launch::async, [this, ep = *endpoint, deadline] {
                          return seams_.checker->Check(ep.host, ep.port, deadline);
                        }));
  }
  for (auto& [i, check] : checks) {
    round.brokers[i].reachability =
        check.get().ok() ? Reachability::kReachable : Reachability::kUnreachable;
  }
}

void KafkaProbe::RefreshMinIsr(const ProbeContext& ctx, const ClusterMeta& meta) {
  const bool refresh_all = rounds_ % kMinIsrRefreshRounds == 1;
  std::vector<std::string> wanted;
  std::set<std::string> present;
  for (const auto& t : meta.topics) {
    present.insert(t.name);
    if (refresh_all || !min_isr_.count(t.name)) wanted.push_back(t.name);
  }
  std::erase_if(min_isr_, [&](const auto& kv) { return !present.count(kv.first); });
  if (wanted.empty()) return;
  auto got = seams_.client->MinInsyncReplicas(wanted, ctx.deadline);
  if (!got.ok()) return;  // keep the cache; unknown topics use the default
  for (auto& [topic, value] : got.value) min_isr_[topic] = value;
}

bool KafkaProbe::GroupSelected(const std::string& id) const {
  // std::regex_search recurses once per character of `id`, and group ids come
  // from any client: a long one would overflow the stack. Longer ids are
  // never selected.
  if (id.size() > kMaxSelectableGroupIdLength) return false;
  return std::regex_search(id, allow_) && !std::regex_search(id, deny_);
}

void KafkaProbe::ReadGroups(const ProbeContext& ctx, KafkaRound& round) {
  round.groups_enabled = config_.groups.enabled;
  if (!config_.groups.enabled) return;
  auto listed = seams_.client->ListGroups(ctx.deadline);
  round.groups_ok = listed.ok();
  if (!listed.ok()) return;
  std::set<int> dead;
  for (const auto& b : round.brokers) {
    if (b.reachability == Reachability::kUnreachable) dead.insert(b.id);
  }
  const bool offsets_topic = std::any_of(round.meta.topics.begin(), round.meta.topics.end(),
                                         [](const TopicMeta& t) { return t.name == kOffsetsTopic; });
  std::vector<std::string> ids;
  for (auto& g : listed.value) {
    if (!GroupSelected(g.id)) continue;
    const int coordinator = GroupCoordinator(g.id, round.meta);
    if (offsets_topic && (coordinator < 0 || dead.count(coordinator))) {
      ++round.coordinator_unavailable;  // never send coordinator requests that would hang
    } else {
      ids.push_back(g.id);
    }
    round.groups.push_back(std::move(g));
  }
  std::sort(round.groups.begin(), round.groups.end(),
            [](const GroupInfo& a, const GroupInfo& b) { return a.id < b.id; });
  std::sort(ids.begin(), ids.end());
  auto described = seams_.client->DescribeGroups(ids, ctx.deadline);
  for (auto& g : round.groups) {
    if (auto it = described.find(g.id); it != described.end()) {
      g.members = it->second.members;
      g.state = it->second.state;
    }
  }
  auto offsets = seams_.client->CommittedOffsets(ids, ctx.deadline);
  std::set<TopicPartition> wanted;
  int read = 0;
  for (const auto& g : offsets) {
    if (g.ok) ++read;
    for (const auto& [tp, committed] : g.committed) wanted.insert(tp);
  }
  round.offsets_unreadable = static_cast<int>(ids.size()) - read;
  auto log_end = seams_.client->LogEndOffsets({wanted.begin(), wanted.end()}, ctx.deadline);
  const double now = seams_.now_unix();
  history_.Record(log_end, now);
  round.lag = ComputeLag(offsets, log_end, history_, now);
}

void KafkaProbe::RunCanary(const ProbeContext& ctx, KafkaRound&) {
  if (config_.canary.topic.empty()) return;
  CanaryResult r = seams_.client->Canary(config_.canary.topic, config_.canary.partition,
                                         ctx.deadline);
  canary_.last_ok = r.consumed;
  if (!r.produced) {
    ++canary_.produce_failures;
  } else if (!r.consumed) {
    ++canary_.consume_failures;
  } else {
    canary_.Observe(r.round_trip_seconds);
  }
}

KafkaSeams ProductionSeams(const KafkaConfig& config) {
  KafkaSeams seams;
  seams.client = NewSupervisedKafkaClient(
      config, {"/proc/self/exe",
               {"streamprobe", std::string(kKafkaClientWorkerFlag), config.bootstrap.front(),
                std::string(ConfiguredLogLevelName()), std::string(ConfiguredLogFormatName())}});
  if (config.zookeeper) {
    seams.zookeeper =
        zookeeper::NewZkSession(config.zookeeper->connect, config.zookeeper->session_timeout);
  }
  seams.checker = NewApiVersionsChecker(config.UsesTls());
  seams.now_unix = UnixNow;
  return seams;
}

}  // namespace streamprobe::kafka
