#include "kafka/kafka_status.h"

#include <string>

namespace streamprobe::kafka {
namespace {

constexpr std::string_view kComponent = "kafka_brokers";

std::string Endpoint(const BrokerFacts& b) {
  if (!b.registered_host.empty()) {
    return b.registered_host + ":" + std::to_string(b.registered_port);
  }
  if (b.metadata) return b.metadata->host + ":" + std::to_string(b.metadata->port);
  return "";
}

ComponentUnit Unit(const BrokerFacts& b, Health health, std::string where, std::string cause,
                   std::string hint, std::string runbook) {
  ComponentUnit u;
  u.component = std::string(kComponent);
  u.name = "id " + std::to_string(b.id) + (where.empty() ? "" : " (" + where + ")");
  u.health = health;
  u.cause = std::move(cause);
  u.hint = std::move(hint);
  u.runbook = std::move(runbook);
  return u;
}

ComponentUnit BrokerUnit(const BrokerFacts& b, RegistrationState state) {
  switch (state) {
    case RegistrationState::kOk:
      return Unit(b, Health::kOk, "", "", "", "");
    case RegistrationState::kMissing:
      return Unit(b, Health::kDown, "",
                  "not registered: never started, or crash-looping before it registers",
                  "read the broker's log (kubectl logs --previous); NodeExistsException means "
                  "another registration holds its id",
                  "KafkaExpectedBrokerMissing");
    case RegistrationState::kStale:
      return Unit(b, Health::kDown, Endpoint(b),
                  "registered, but its endpoint refuses: a stale registration left by an "
                  "unclean stop",
                  "it expires with its ZooKeeper session; if it stays, `streamprobe diagnose "
                  "kafka-registration` gives the safe removal",
                  "KafkaBrokerRegistrationStale");
    case RegistrationState::kHostMismatch:
      return Unit(b, Health::kDown, b.registered_host.empty() ? Endpoint(b) : b.registered_host,
                  "registered by a live foreign broker, not the expected host; do not delete "
                  "the znodes",
                  "find and stop the broker on that host (`streamprobe diagnose "
                  "kafka-registration` names its ZooKeeper session)",
                  "KafkaBrokerIdRegisteredByForeignHost");
    case RegistrationState::kUnreachable:
      return Unit(b, Health::kDown, Endpoint(b), "in the cluster metadata, but its endpoint refuses",
                  std::string(ReasonHint(Reason::kRefused)), "KafkaBrokerUnreachable");
    case RegistrationState::kMetadataDisagreement:
      return Unit(b, Health::kDegraded, Endpoint(b),
                  "ZooKeeper's registration and the cluster metadata disagree",
                  "see the runbook: usually a registration that changed since the controller "
                  "last looked",
                  "KafkaBrokerMetadataDisagreement");
    case RegistrationState::kUnexpected:
      break;
  }
  return {};
}

}  // namespace

std::vector<ComponentUnit> BrokerUnits(const KafkaRound& round, std::span<const int> expected_ids,
                                       const Status& round_status) {
  std::vector<ComponentUnit> units;
  for (std::size_t i = 0; i < round.brokers.size() && i < round.states.size(); ++i) {
    if (round.states[i] == RegistrationState::kUnexpected) continue;
    units.push_back(BrokerUnit(round.brokers[i], round.states[i]));
  }
  if (!units.empty() || !round.brokers.empty()) return units;
  for (int id : expected_ids) {
    units.push_back(UnitFromRound(std::string(kComponent), "id " + std::to_string(id),
                                  round_status.ok() ? Status::Fail(Reason::kOther, "not classified")
                                                    : round_status));
  }
  return units;
}

}  // namespace streamprobe::kafka
