#include "kafka/kafka_registration.h"

#include <algorithm>
#include <set>

#include "kafka/kafka_parse.h"

namespace streamprobe::kafka {
namespace {

// Clock skew tolerated between ZooKeeper, the broker and streamprobe before a
// registration time in the future is flagged rather than read as "just now".
constexpr double kFutureToleranceSeconds = 10;

struct Endpoint {
  std::string listener, host;
  int port = -1;
};

// Every endpoint of a registration: its "LISTENER://host:port" list, or the
// legacy host/port fields when the list is empty.
std::vector<Endpoint> EndpointsOf(const zookeeper::BrokerRegistration& reg) {
  std::vector<Endpoint> out;
  for (const std::string& text : reg.endpoints) {
    Endpoint e;
    if (!ParseEndpoint(text, &e.host, &e.port)) continue;
    const auto scheme = text.find("://");
    if (scheme != std::string::npos) e.listener = text.substr(0, scheme);
    out.push_back(std::move(e));
  }
  if (out.empty() && !reg.host.empty()) out.push_back({"", reg.host, reg.port});
  return out;
}

const Endpoint* MatchingMetadata(const std::vector<Endpoint>& endpoints,
                                 const std::optional<BrokerMeta>& meta) {
  if (!meta) return nullptr;
  for (const Endpoint& e : endpoints) {
    if (e.host == meta->host && e.port == meta->port) return &e;
  }
  return nullptr;
}

// The endpoint to compare and check: the one metadata names, else one on
// `listener`, else the legacy host/port, else the first.
Endpoint ChooseEndpoint(const zookeeper::BrokerRegistration& reg,
                        const std::vector<Endpoint>& endpoints,
                        const std::optional<BrokerMeta>& meta, const std::string& listener) {
  if (const Endpoint* e = MatchingMetadata(endpoints, meta)) return *e;
  if (!listener.empty()) {
    for (const Endpoint& e : endpoints) {
      if (e.listener == listener) return e;
    }
  }
  if (!reg.host.empty()) return {"", reg.host, reg.port};
  return endpoints.empty() ? Endpoint{} : endpoints.front();
}

void FillRegistration(const zookeeper::BrokerRegistration& reg, const Endpoint& endpoint,
                      long long now_unix_ms, BrokerFacts& f) {
  f.registered = true;
  f.registration_parsed = reg.parse_status.ok();
  f.registered_listener = endpoint.listener;
  f.registered_host = endpoint.host;
  f.registered_port = endpoint.port;
  f.registration_session = reg.stat.ephemeral_owner;
  const long long since = reg.timestamp_ms > 0 ? reg.timestamp_ms : reg.stat.ctime_ms;
  if (since <= 0) return;
  const double age = static_cast<double>(now_unix_ms - since) / 1000.0;
  if (age < -kFutureToleranceSeconds) {
    f.registration_ahead_seconds = -age;
  } else {
    f.registration_age_seconds = std::max(0.0, age);
  }
}

// The listener whose endpoint matched metadata for some broker: the one
// streamprobe's own bootstrap servers belong to ("" if none matched).
// `endpoints[i]` are the endpoints of `registry.brokers[i]`.
std::string ListenerInUse(const zookeeper::KafkaRegistry& registry,
                          const std::vector<std::vector<Endpoint>>& endpoints,
                          const std::map<int, BrokerFacts>& by_id) {
  for (std::size_t i = 0; i < registry.brokers.size(); ++i) {
    auto it = by_id.find(registry.brokers[i].id);
    if (it == by_id.end()) continue;
    const Endpoint* e = MatchingMetadata(endpoints[i], it->second.metadata);
    if (e != nullptr && !e->listener.empty()) return e->listener;
  }
  return "";
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
  for (const auto& b : meta.brokers) at(b.id).metadata = b;
  if (registry != nullptr) {
    std::vector<std::vector<Endpoint>> endpoints;
    for (const auto& reg : registry->brokers) endpoints.push_back(EndpointsOf(reg));
    const std::string listener = ListenerInUse(*registry, endpoints, by_id);
    for (std::size_t i = 0; i < registry->brokers.size(); ++i) {
      const auto& reg = registry->brokers[i];
      BrokerFacts& f = at(reg.id);
      FillRegistration(reg, ChooseEndpoint(reg, endpoints[i], f.metadata, listener),
                       now_unix_ms, f);
    }
  }
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
