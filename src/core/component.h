// Components: what the deployment report's status table lists (ZooKeeper
// ensemble, Kafka brokers, Doris FE, ...), and the units probes report of them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace streamprobe {

// A component's or a unit's health. kUnknown: streamprobe could not ask.
enum class Health { kOk, kDegraded, kDown, kUnknown };

// "ok", "degraded", "down", "unknown".
std::string_view HealthName(Health health);

// One unit of a component (a broker id, an FE, a ZooKeeper member) as one probe
// round saw it. `cause` is shared wording, so units failing the same way are
// listed together ("1 (10.0.0.7), 2 (10.0.0.8): <cause>"); empty when ok.
struct ComponentUnit {
  std::string component;  // a ComponentInfo::key
  std::string name;       // e.g. "1 (127.0.0.31)", "doris-fe-0:8030"
  Health health = Health::kOk;
  std::string cause;      // words for a person; empty when ok
  std::string hint;       // one line: what to do; may be empty
  std::string runbook;    // runbook (alert) name, e.g. "KafkaBrokerRegistrationStale"; may be empty
};

// What the platform under a component (Kubernetes) says of it: replicas
// asked for and ready, and why some are not ("doris-fe-0, doris-fe-1:
// ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 (manifest unknown)"). Its
// cause comes first in the component's row (it is the root of what the
// service probes see), and its counts stand in when no service probe counts
// the component's units.
struct WorkloadNote {
  std::string component;  // a ComponentInfo::key
  std::string workload;   // e.g. "StatefulSet data-platform/doris-fe"
  long long replicas = 0;
  long long ready = 0;
  Health health = Health::kOk;
  std::string cause;    // "" when every replica is ready
  std::string hint;
  std::string runbook;
};

// How a target's own round counts for a component when its probe reports no
// units itself: as one unit (a ZooKeeper member, a Connect worker), as a check
// on the component (Connect's connectors, Doris's cluster view: a failure
// degrades it), or not at all.
enum class ComponentRole { kNone, kUnit, kCheck };

// What the status table knows of a component kind. `depends_on` lists the
// components whose trouble explains this one's (Connect on Kafka brokers and
// Schema Registry), in order; `quorum`: down unless a majority of units is ok.
struct ComponentInfo {
  std::string_view key;
  std::string_view title;
  bool quorum;
  std::span<const std::string_view> depends_on;
  std::string_view down_runbook;  // runbook of the component down, when no unit names one
  std::string_view unit_runbook;  // runbook of one unit down (UnitFromRound)
};

// Every component kind, in the table's order.
std::span<const ComponentInfo> Components();
// The kind with `key`, or null.
const ComponentInfo* FindComponent(std::string_view key);

// A unit for a target whose round failed or succeeded without units of its
// own: `name` down with the reason's wording (for not_serving, the status's
// detail: what the service said) and the component's unit runbook, or ok.
// kOther (streamprobe could not tell) is unknown.
ComponentUnit UnitFromRound(std::string component, std::string name, const Status& status);

// One line on what to do about a failure of this reason.
std::string_view ReasonHint(Reason reason);

}  // namespace streamprobe
