#include "kafka_connect/kafka_connect_probe.h"

#include <algorithm>
#include <set>

#include "core/log.h"
#include "core/snapshot.h"
#include "kafka_connect/kafka_connect_metrics.h"
#include "kafka_connect/kafka_connect_parse.h"

namespace streamprobe {
namespace {

constexpr std::string_view kListPath = "/connectors?expand=status&expand=info";
constexpr std::size_t kMaxTraceFactBytes = 4096;  // per trace in the status JSON
constexpr std::size_t kMaxTraceFacts = 50;        // traces kept in facts per round
constexpr std::size_t kMaxDetailNames = 10;       // names listed in a status detail

std::string Join(const std::vector<std::string>& items, std::size_t limit,
                 std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i) out += separator;
    out += items[i];
  }
  if (items.size() > limit) out += ", ... (" + std::to_string(items.size()) + " in all)";
  return out;
}

// The worker_ids of configured workers whose latest worker round found them
// unreachable (a fact published by KafkaConnectWorkerProbe).
std::set<std::string> DownWorkers(const ProbeContext& ctx, const std::string& cluster,
                                  const std::vector<std::string>& urls) {
  std::set<std::string> down;
  if (!ctx.latest) return down;
  for (const std::string& url : urls) {
    const std::string id = WorkerIdOfUrl(url);
    if (ctx.latest->Fact(cluster, "kafka_connect", WorkerReachableFactKey(id)) == "0") {
      down.insert(id);
    }
  }
  return down;
}

// Failed connectors and tasks: "conn" or "conn/task" → trace (may be empty).
std::map<std::string, std::string> Failures(const ConnectConnectors& listing) {
  std::map<std::string, std::string> failed;
  for (const ConnectConnector& c : listing.connectors) {
    if (c.state == "FAILED") failed[c.name] = c.trace;
    for (const ConnectTask& t : c.tasks) {
      if (t.state == "FAILED") failed[c.name + "/" + std::to_string(t.id)] = t.trace;
    }
  }
  return failed;
}

// What is wrong inside a cluster that listed its connectors, in words ("" when
// nothing is): failed connectors and tasks, missing connectors and plugins.
// Not a round failure: each has its own series and alert, and the target's
// reason is kept for "no worker lists the connectors".
std::string Problems(const std::map<std::string, std::string>& failed,
                     const std::vector<std::string>& missing_connectors,
                     const std::vector<std::string>& missing_plugins,
                     const Status& plugins_status) {
  std::vector<std::string> parts;
  if (!failed.empty()) {
    std::vector<std::string> items;
    for (const auto& [name, trace] : failed) {
      items.push_back(name + ": " + std::string(FirstLine(trace).substr(0, 200)));
    }
    parts.push_back(std::to_string(failed.size()) + " failed (" + Join(items, 3) + ")");
  }
  if (!missing_connectors.empty()) {
    parts.push_back("missing connectors: " + Join(missing_connectors, kMaxDetailNames));
  }
  if (!missing_plugins.empty()) {
    parts.push_back("missing plugins: " + Join(missing_plugins, kMaxDetailNames));
  }
  if (!plugins_status.ok()) {
    parts.push_back("connector plugins unknown: " + plugins_status.detail());
  }
  return Join(parts, parts.size(), "; ");
}

void AddTraceFacts(const std::map<std::string, std::string>& failed,
                   std::map<std::string, std::string>& facts) {
  std::size_t n = 0;
  for (const auto& [name, trace] : failed) {
    if (trace.empty()) continue;
    if (++n > kMaxTraceFacts) break;
    facts["trace/" + name] = trace.substr(0, kMaxTraceFactBytes);
  }
}

// Lists the connectors from the first worker that answers; each worker gets an
// equal share of the time left so one hung worker cannot starve the others.
Result<ConnectConnectors> ListConnectors(const ConnectHttp& http, const KafkaConnectConfig& config,
                                         const ProbeContext& ctx, std::string& listed_by) {
  Status last = Status::Fail(Reason::kOther, "no workers configured");
  std::vector<std::string> failures;
  const std::size_t n = config.workers.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& url = config.workers[i];
    const Clock::time_point now = Clock::now();
    const auto share = (ctx.deadline - now) / static_cast<long>(n - i);
    Result<HttpResponse> got = http.Get(url + std::string(kListPath), std::min(ctx.deadline, now + share));
    Status s = got.status;
    if (s.ok()) s = ConnectHttpFailure("GET /connectors", got.value);
    if (s.ok()) {
      Result<ConnectConnectors> parsed = ParseConnectConnectors(got.value.body, config.max_connectors);
      if (parsed.ok()) {
        listed_by = url;
        return parsed;
      }
      s = parsed.status;
    }
    failures.push_back(url + ": " + s.detail());
    last = s;
  }
  return Result<ConnectConnectors>::Fail(last.reason(), "no worker listed connectors: " +
                                                            Join(failures, failures.size(), "; "));
}

Result<std::vector<ConnectPlugin>> ListPlugins(const ConnectHttp& http, const std::string& url,
                                               Clock::time_point deadline) {
  Result<HttpResponse> got = http.Get(url + "/connector-plugins", deadline);
  if (!got.ok()) return Result<std::vector<ConnectPlugin>>::Fail(got.status);
  Status s = ConnectHttpFailure("GET /connector-plugins", got.value);
  if (!s.ok()) return Result<std::vector<ConnectPlugin>>::Fail(s);
  return ParseConnectPlugins(got.value.body);
}

// GET /: fills obs.reachable (any HTTP answer) and obs.info.
Status ReadRoot(const ConnectHttp& http, const std::string& url, Clock::time_point deadline,
                WorkerObservation& obs) {
  Result<HttpResponse> root = http.Get(url + "/", deadline);
  if (!root.ok()) return root.status;
  obs.reachable = true;
  Status s = ConnectHttpFailure("GET /", root.value);
  if (!s.ok()) return s;
  Result<ConnectServerInfo> info = ParseConnectServerInfo(root.value.body);
  if (info.ok()) obs.info = std::move(info.value);
  return info.status;
}

// GET /health: fills obs.health and the health_message fact; not_serving when the
// worker says it is starting or unhealthy.
Status ReadHealth(const ConnectHttp& http, const std::string& url, Clock::time_point deadline,
                  WorkerObservation& obs, std::map<std::string, std::string>& facts) {
  Result<HttpResponse> got = http.Get(url + "/health", deadline);
  if (!got.ok()) return Status::Fail(got.status.reason(), "GET /health: " + got.status.detail());
  Result<ConnectHealth> health = ParseConnectHealth(got.value.status, got.value.body);
  if (!health.ok()) return health.status;
  obs.health = health.value.state;
  facts["health_message"] = health.value.message.substr(0, 1000);
  if (obs.health == kHealthStarting || obs.health == kHealthUnhealthy) {
    return Status::Fail(Reason::kNotServing,
                        "worker is " + std::string(obs.health) + ": " + health.value.message);
  }
  return Status::Ok();
}

}  // namespace

Result<HttpResponse> ConnectHttp::Get(const std::string& url, Clock::time_point deadline) const {
  HttpRequest request;
  request.url = url;
  request.headers = {"Accept: application/json"};
  request.basic_user = user;
  request.basic_password = password;
  request.tls = tls;
  request.max_body_bytes = max_body_bytes;
  request.deadline = deadline;
  return client->Do(request);
}

ConnectHttp MakeConnectHttp(const KafkaConnectConfig& config, std::shared_ptr<HttpClient> client) {
  return ConnectHttp{std::move(client), config.basic_auth.user, config.basic_auth.password.value, config.tls,
                     config.max_body_bytes};
}

Status ConnectHttpFailure(const std::string& what, const HttpResponse& response) {
  Status s = CheckHttpStatus(response);
  if (s.ok()) return s;
  std::string detail = what + ": HTTP " + std::to_string(response.status);
  if (auto error = ParseRestErrorBody(response.body)) {
    detail += " error_code " + std::to_string(error->error_code) + ": " + error->message.substr(0, 300);
  } else if (!response.body.empty()) {
    detail += " (body is not a Connect error object)";
  }
  return Status::Fail(s.reason(), detail);
}

std::string WorkerIdOfUrl(const std::string& url) {
  const std::size_t scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  if (const std::size_t at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  const bool bracketed = !rest.empty() && rest.front() == '[';
  const std::size_t colon = rest.rfind(':');
  const bool has_port = colon != std::string::npos && (!bracketed || colon > rest.find(']'));
  if (has_port) return rest;
  return rest + (url.rfind("https://", 0) == 0 ? ":443" : ":80");
}

std::string WorkerReachableFactKey(const std::string& worker_id) {
  return "worker_reachable/" + worker_id;
}

KafkaConnectWorkerProbe::KafkaConnectWorkerProbe(std::string cluster, std::string url, ConnectHttp http)
    : cluster_(std::move(cluster)), url_(std::move(url)), http_(std::move(http)) {}

ProbeOutcome KafkaConnectWorkerProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  WorkerObservation obs;
  obs.url = url_;
  out.status = ReadRoot(http_, url_, ctx.deadline, obs);
  if (obs.reachable) {
    const Status health = ReadHealth(http_, url_, ctx.deadline, obs, out.facts);
    if (out.status.ok()) out.status = health;
  }
  const std::string kafka_id =
      ctx.latest ? ctx.latest->Fact(cluster_, "kafka", "cluster_id") : std::string();
  if (obs.info && !obs.info->kafka_cluster_id.empty() && !kafka_id.empty()) {
    obs.kafka_cluster_match = obs.info->kafka_cluster_id == kafka_id;
  }
  if (obs.info) {
    out.facts["version"] = obs.info->version;
    out.facts["kafka_cluster_id"] = obs.info->kafka_cluster_id;
  }
  out.facts["health"] = std::string(obs.health);
  out.facts[WorkerReachableFactKey(WorkerIdOfUrl(url_))] = obs.reachable ? "1" : "0";
  LogHealthChange(obs.reachable ? std::string(obs.health) : "unreachable", out.status);
  RenderWorker(obs, out.metrics);
  return out;
}

void KafkaConnectWorkerProbe::LogHealthChange(const std::string& now, const Status& status) {
  if (now == last_health_) return;
  LogInfo("kafka connect worker health changed",
          {{"cluster", cluster_}, {"worker", url_}, {"from", last_health_}, {"to", now},
           {"detail", status.detail()}});
  last_health_ = now;
}

KafkaConnectConnectorsProbe::KafkaConnectConnectorsProbe(std::string cluster,
                                                         KafkaConnectConfig config, ConnectHttp http)
    : cluster_(std::move(cluster)), config_(std::move(config)), http_(std::move(http)) {}

ProbeOutcome KafkaConnectConnectorsProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  ConnectorsObservation obs;
  obs.expected_connectors = config_.expected_connectors;
  obs.expected_plugins = config_.expected_plugins;
  Result<ConnectConnectors> listing = ListConnectors(http_, config_, ctx, obs.listed_by);
  if (!listing.ok()) {
    out.status = listing.status;
    RenderConnectors(obs, out.metrics);
    return out;
  }
  const std::vector<std::string> moved =
      MarkDownWorkersUnassigned(listing.value, DownWorkers(ctx, cluster_, config_.workers));
  if (!moved.empty()) out.facts["unassigned_on_down_worker"] = Join(moved, kMaxDetailNames);
  Result<std::vector<ConnectPlugin>> plugins = ListPlugins(http_, obs.listed_by, ctx.deadline);
  if (plugins.ok()) obs.plugins = std::move(plugins.value);
  obs.listing = std::move(listing.value);

  const std::map<std::string, std::string> failed = Failures(*obs.listing);
  LogChanges(failed);
  AddTraceFacts(failed, out.facts);
  out.facts["listed_by"] = obs.listed_by;
  const std::string problems =
      Problems(failed, MissingConnectors(*obs.listing, config_.expected_connectors),
               obs.plugins ? MissingPlugins(*obs.plugins, config_.expected_plugins)
                           : std::vector<std::string>{},
               plugins.status);
  if (!problems.empty()) out.facts["problems"] = problems;
  out.status = Status::Ok();
  RenderConnectors(obs, out.metrics);
  return out;
}

void KafkaConnectConnectorsProbe::LogChanges(const std::map<std::string, std::string>& failures) {
  std::map<std::string, std::string> now;
  for (const auto& [name, trace] : failures) {
    const std::string line(FirstLine(trace));
    now[name] = line;
    auto before = logged_failures_.find(name);
    if (before != logged_failures_.end() && before->second == line) continue;
    LogWarn("kafka connect connector or task failed",
            {{"cluster", cluster_}, {"what", name},
             {"trace", std::string_view(trace).substr(0, kMaxTraceFactBytes)}});
  }
  for (const auto& [name, line] : logged_failures_) {
    if (!now.count(name)) {
      LogInfo("kafka connect connector or task no longer failed", {{"cluster", cluster_}, {"what", name}});
    }
  }
  logged_failures_ = std::move(now);
}

}  // namespace streamprobe
