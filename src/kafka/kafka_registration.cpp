#include "kafka/kafka_registration.h"

#include <algorithm>
#include <set>

#include "kafka/kafka_parse.h"

namespace streamprobe::kafka {
namespace {

void FillRegistration(const zookeeper::BrokerRegistration& reg, long long now_unix_ms,
                      BrokerFacts& f) {
  f.registered = true;
  f.registration_parsed = reg.parse_status.ok();
  f.registered_host = reg.host;
  f.registered_port = reg.port;
  if (f.registered_host.empty() && !reg.endpoints.empty()) {
    ParseEndpoint(reg.endpoints.front(), &f.registered_host, &f.registered_port);
  }
  const long long since = reg.timestamp_ms > 0 ? reg.timestamp_ms : reg.stat.ctime_ms;
  if (since > 0) f.registration_age_seconds = std::max(0.0, (now_unix_ms - since) / 1000.0);
}

bool HostMismatch(const std::string& expected_host, const std::string& actual) {
  return !expected_host.empty() && !actual.empty() && expected_host != actual;
}

}  // namespace

std::string_view RegistrationStateName(RegistrationState s) {
  return kRegistrationStates[static_cast<int>(s)];
}

std::vector<BrokerFacts> JoinBrokerFacts(std::span<const int> expected_ids,
                                         const std::map<int, std::string>& expected_hosts,
                                         const zookeeper::KafkaRegistry* registry,
                                         const ClusterMeta& meta, long long now_unix_ms) {
  std::map<int, BrokerFacts> by_id;
  auto at = [&](int id) -> BrokerFacts& {
    BrokerFacts& f = by_id[id];
    f.id = id;
    return f;
  };
  for (int id : expected_ids) {
    BrokerFacts& f = at(id);
    f.expected = true;
    if (auto it = expected_hosts.find(id); it != expected_hosts.end()) f.expected_host = it->second;
  }
  if (registry != nullptr) {
    for (const auto& reg : registry->brokers) FillRegistration(reg, now_unix_ms, at(reg.id));
  }
  for (const auto& b : meta.brokers) at(b.id).metadata = b;
  std::vector<BrokerFacts> out;
  for (auto& [id, f] : by_id) out.push_back(std::move(f));
  return out;
}

std::optional<BrokerMeta> EndpointToCheck(const BrokerFacts& f) {
  if (f.registered && !f.registered_host.empty() && f.registered_port > 0) {
    return BrokerMeta{f.id, f.registered_host, f.registered_port};
  }
  if (f.metadata) return f.metadata;
  return std::nullopt;
}

RegistrationState ClassifyBroker(const BrokerFacts& f, const ClassifyContext& ctx) {
  using S = RegistrationState;
  const bool dead = f.reachability == Reachability::kUnreachable;
  if (ctx.have_expectations && !f.expected) return S::kUnexpected;
  if (!ctx.zookeeper_mode) {
    if (!f.metadata) return S::kMissing;
    if (dead) return S::kUnreachable;
    if (HostMismatch(f.expected_host, f.metadata->host)) return S::kHostMismatch;
    return S::kOk;
  }
  if (!f.registered) return f.metadata ? S::kMetadataDisagreement : S::kMissing;
  if (dead) return S::kStale;
  if (HostMismatch(f.expected_host, f.registered_host)) return S::kHostMismatch;
  if (!ctx.metadata_known) return S::kOk;
  if (!f.metadata || !f.registration_parsed || f.metadata->host != f.registered_host ||
      f.metadata->port != f.registered_port) {
    return S::kMetadataDisagreement;
  }
  return S::kOk;
}

}  // namespace streamprobe::kafka
