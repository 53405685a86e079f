#include "core/component.h"

#include <array>

namespace streamprobe {
namespace {

constexpr std::string_view kOnKafkaBrokers[] = {"kafka_brokers"};
constexpr std::string_view kOnCoordination[] = {"zookeeper", "kafka_kraft"};
constexpr std::string_view kOnKafkaAndRegistry[] = {"kafka_brokers", "schema_registry"};
constexpr std::string_view kOnDorisFe[] = {"doris_fe"};

// The table's order is the deployment report's: coordination, brokers, the
// services on top of them, then Doris and Flink.
constexpr std::array<ComponentInfo, 9> kComponents = {{
    {"zookeeper", "ZooKeeper ensemble", true, {}, "ZookeeperQuorumLost", "ZookeeperMemberDown"},
    {"kafka_kraft", "KRaft controllers", true, {}, "KafkaKraftQuorumLost", "KafkaKraftQuorumAtRisk"},
    {"kafka_brokers", "Kafka brokers", false, kOnCoordination, "KafkaClusterUnreachable", "KafkaBrokerUnreachable"},
    {"schema_registry", "Schema Registry", false, kOnKafkaBrokers, "SchemaRegistryDown", "SchemaRegistryDown"},
    {"kafka_connect", "Kafka Connect", false, kOnKafkaAndRegistry, "KafkaConnectClusterUnavailable", "KafkaConnectWorkerDown"},
    {"doris_fe", "Doris FE", false, {}, "DorisFrontendDown", "DorisFrontendDown"},
    {"doris_be", "Doris BE", false, kOnDorisFe, "DorisBackendDown", "DorisBackendDown"},
    {"flink", "Flink", false, kOnKafkaBrokers, "FlinkJobManagerDown", "FlinkJobManagerDown"},
    // The API server streamprobe reads workloads from (the kubernetes backend).
    {"kubernetes", "Kubernetes API", false, {}, "", ""},
}};

std::string_view ReasonCause(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "";
    case Reason::kDns: return "name does not resolve (no pod behind it?)";
    case Reason::kRefused: return "connection refused (process down or restarting)";
    case Reason::kTimeout: return "no answer before the deadline";
    case Reason::kTls: return "TLS handshake failed";
    case Reason::kAuth: return "credentials rejected";
    case Reason::kHttpStatus: return "answered with an unexpected HTTP status";
    case Reason::kBadPayload: return "answered in an unexpected format";
    case Reason::kNotServing: return "answers, but is not serving";
    case Reason::kOther: return "could not ask";
  }
  return "could not ask";
}

}  // namespace

std::string_view HealthName(Health health) {
  switch (health) {
    case Health::kOk: return "ok";
    case Health::kDegraded: return "degraded";
    case Health::kDown: return "down";
    case Health::kUnknown: return "unknown";
  }
  return "unknown";
}

std::span<const ComponentInfo> Components() { return kComponents; }

const ComponentInfo* FindComponent(std::string_view key) {
  for (const ComponentInfo& c : kComponents) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

std::string_view ReasonHint(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "";
    case Reason::kDns:
      return "check that its pod exists and runs (kubectl get pods): a pod in ImagePullBackOff "
             "or Pending never gets a name";
    case Reason::kRefused:
      return "check the process and why it restarts (kubectl logs --previous)";
    case Reason::kTimeout:
      return "check the host's load, the network path and NetworkPolicies";
    case Reason::kTls: return "check the certificate chain and the CA streamprobe trusts";
    case Reason::kAuth: return "check the credentials streamprobe is given";
    case Reason::kHttpStatus:
    case Reason::kBadPayload:
      return "check the service's log, and that the configured endpoint is the right one";
    case Reason::kNotServing: return "see the detail and the runbook";
    case Reason::kOther: return "see streamprobe's log for the detail";
  }
  return "";
}

ComponentUnit UnitFromRound(std::string component, std::string name, const Status& status) {
  constexpr std::size_t kMaxCauseBytes = 200;
  ComponentUnit unit;
  unit.component = std::move(component);
  unit.name = std::move(name);
  const Reason reason = status.reason();
  if (reason == Reason::kNone) return unit;
  unit.health = reason == Reason::kOther ? Health::kUnknown : Health::kDown;
  unit.cause = reason == Reason::kNotServing && !status.detail().empty()
                   ? status.detail().substr(0, kMaxCauseBytes)
                   : std::string(ReasonCause(reason));
  unit.hint = std::string(ReasonHint(reason));
  if (const ComponentInfo* info = FindComponent(unit.component)) {
    unit.runbook = std::string(info->unit_runbook);
  }
  return unit;
}

}  // namespace streamprobe
