#include "zookeeper/zookeeper_probe.h"

#include <chrono>

#include "core/log.h"
#include "net/tcp.h"
#include "zookeeper/zookeeper_metrics.h"

namespace streamprobe::zookeeper {
namespace {

constexpr std::size_t kMaxReplyBytes = 1u << 20;

class TcpFourLetterClient final : public FourLetterClient {
 public:
  Result<std::string> Ask(const std::string& host, int port, std::string_view word,
                          Deadline deadline) override {
    return TcpRequest(host, port, word, kMaxReplyBytes, deadline);
  }
};

long long UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Fields `richer` carries replace those of `base`; srvr's zxid is kept.
void Merge(ServerStats& base, const ServerStats& richer) {
  auto take = [](std::optional<double>& to, const std::optional<double>& from) {
    if (from) to = from;
  };
  if (!richer.version.empty()) base.version = richer.version;
  base.mode = richer.mode;
  take(base.latency_min_ms, richer.latency_min_ms);
  take(base.latency_avg_ms, richer.latency_avg_ms);
  take(base.latency_max_ms, richer.latency_max_ms);
  take(base.outstanding_requests, richer.outstanding_requests);
  take(base.znode_count, richer.znode_count);
  take(base.ephemerals_count, richer.ephemerals_count);
  take(base.watch_count, richer.watch_count);
  take(base.alive_connections, richer.alive_connections);
  take(base.learners, richer.learners);
  take(base.synced_followers, richer.synced_followers);
  take(base.pending_syncs, richer.pending_syncs);
  take(base.quorum_size, richer.quorum_size);
}

std::string AdminUrl(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/commands/monitor";
}

}  // namespace

std::shared_ptr<FourLetterClient> NewTcpFourLetterClient() {
  return std::make_shared<TcpFourLetterClient>();
}

MemberProbe::MemberProbe(std::string member, std::optional<int> admin_port,
                         std::shared_ptr<FourLetterClient> four, std::shared_ptr<HttpClient> http)
    : member_(std::move(member)),
      admin_port_(admin_port),
      four_(std::move(four)),
      http_(std::move(http)) {
  SplitHostPort(member_, &host_, &port_);  // validated by the config decoder
}

MemberResult MemberProbe::RunRound(Deadline deadline) {
  MemberResult result = Ask(deadline);
  if (result.status.ok()) last_seen_observer_ = result.mode == "observer";
  result.observer = last_seen_observer_;
  return result;
}

MemberResult MemberProbe::Ask(Deadline deadline) {
  MemberResult result;
  result.member = member_;
  auto srvr = four_->Ask(host_, port_, "srvr", deadline);
  if (!srvr.ok()) {
    result.status = srvr.status;
    return result;
  }
  auto parsed = ParseSrvr(srvr.value);
  if (parsed.status.reason() == Reason::kNotServing) result.mode = kModeNotServing;
  if (!parsed.ok()) {
    result.status = parsed.status;
    return result;
  }
  result.mode = parsed.value.mode;
  result.stats = std::move(parsed.value);
  result.source = "srvr";
  AddMonitorStats(result, deadline);
  return result;
}

// mntr, or the AdminServer when mntr is not whitelisted; then ruok when the
// whitelist allowed mntr. Failures here keep the srvr statistics.
void MemberProbe::AddMonitorStats(MemberResult& result, Deadline deadline) {
  auto mntr = four_->Ask(host_, port_, "mntr", deadline);
  if (!mntr.ok()) return;
  const bool whitelisted = !IsNotWhitelisted(mntr.value);
  Result<ServerStats> monitor = whitelisted ? ParseMntr(mntr.value) : AdminMonitor(deadline);
  if (monitor.ok()) {
    Merge(*result.stats, monitor.value);
    result.mode = result.stats->mode;
    result.source = whitelisted ? "mntr" : "admin_server";
  } else {
    LogDebug("zookeeper monitor stats unusable", {{"member", member_}, {"detail", monitor.status.detail()}});
  }
  if (!whitelisted) return;
  auto ruok = four_->Ask(host_, port_, "ruok", deadline);
  if (ruok.ok() && !IsNotWhitelisted(ruok.value)) result.ruok = IsImOk(ruok.value);
}

Result<ServerStats> MemberProbe::AdminMonitor(Deadline deadline) {
  if (!admin_port_ || !http_) return Result<ServerStats>::Fail(Reason::kOther, "no AdminServer configured");
  HttpRequest request;
  request.url = AdminUrl(host_, *admin_port_);
  request.max_body_bytes = kMaxReplyBytes;
  request.deadline = deadline;
  auto response = http_->Do(request);
  if (!response.ok()) return Result<ServerStats>::Fail(response.status);
  return ParseAdminMonitor(response.value.body);
}

ProbeOutcome MemberProbe::Run(const ProbeContext& ctx) {
  auto result = std::make_shared<MemberResult>(RunRound(ctx.deadline));
  ProbeOutcome outcome;
  outcome.status = result->status;
  RenderMember(*result, outcome.metrics);
  outcome.state = std::move(result);
  return outcome;
}

CheckResult EvaluateCheck(const ZnodeCheck& check, const std::optional<ZnodeStat>& stat,
                          long long now_unix_ms) {
  CheckResult r;
  r.check = check;
  r.exists = stat.has_value();
  if (!stat) return r;
  r.children = stat->num_children;
  r.data_age_seconds = std::max(0.0, (now_unix_ms - stat->mtime_ms) / 1000.0);
  r.passed = true;
  if (check.min_children && r.children < *check.min_children) r.passed = false;
  if (check.max_data_age &&
      *r.data_age_seconds > std::chrono::duration<double>(*check.max_data_age).count()) {
    r.passed = false;
  }
  return r;
}

ZnodesProbe::ZnodesProbe(ZookeeperConfig config, std::shared_ptr<ZnodeReader> reader)
    : config_(std::move(config)), reader_(std::move(reader)) {}

ZnodesResult ZnodesProbe::RunRound(Deadline deadline) {
  ZnodesResult result;
  if (config_.kafka_chroot) {
    auto registry = ReadKafkaRegistry(*reader_, *config_.kafka_chroot, deadline);
    if (registry.ok()) result.registry = std::move(registry.value);
    else result.status = registry.status;
  }
  for (const ZnodeCheck& check : config_.znode_checks) {
    auto node = reader_->Get(check.path, deadline);
    if (!node.ok()) {
      if (result.status.ok()) result.status = node.status;
      continue;
    }
    std::optional<ZnodeStat> stat;
    if (node.value) stat = node.value->stat;
    result.checks.push_back(EvaluateCheck(check, stat, UnixNowMs()));
  }
  result.now_unix_ms = UnixNowMs();
  return result;
}

ProbeOutcome ZnodesProbe::Run(const ProbeContext& ctx) {
  ZnodesResult result = RunRound(ctx.deadline);
  ProbeOutcome outcome;
  outcome.status = result.status;
  if (result.registry && !result.registry->cluster_id.empty()) {
    outcome.facts["cluster_id"] = result.registry->cluster_id;
  }
  RenderZnodes(result, outcome.metrics);
  return outcome;
}

}  // namespace streamprobe::zookeeper
