// The deployment report's status table, live: one row per component and
// cluster, composed from a snapshot. Pure functions of the snapshot; the web
// server renders the result as HTML and JSON, `streamprobe check` as text.
#pragma once

#include <string>
#include <vector>

#include "core/component.h"
#include "core/snapshot.h"

namespace streamprobe {

// One target behind a component row, as its latest round saw it.
struct StatusTarget {
  std::string id;       // TargetSpec::Id()
  std::string system;   // backend name
  std::string name;     // target label value
  bool up = false;
  std::string reason;   // ReasonName
  std::string detail;   // the failure's detail, "" when up
  double last_success_unix = 0;
};

struct ComponentRow {
  std::string cluster;
  std::string key;    // ComponentInfo::key
  std::string title;  // ComponentInfo::title
  int expected = 0;   // units known (declared or seen)
  int ready = 0;      // units ok
  Health health = Health::kUnknown;
  std::string cause;  // words, "" when ok
  std::string hint;   // one line, "" when ok
  std::string runbook;  // runbook (alert) name, "" when ok
  // Key of a component of the same cluster whose trouble explains this row's
  // (Connect down because Kafka brokers are), "" for a root cause or when ok.
  std::string follows_from;
  std::vector<ComponentUnit> units;
  std::vector<WorkloadNote> workloads;  // what Kubernetes says of its workloads
  std::vector<StatusTarget> targets;
};

struct StatusTable {
  double built_unix = 0;
  Health overall = Health::kOk;  // worst root row; unknown counts below down
  // Rows in trouble that are root causes first, then rows whose trouble
  // follows from another, then healthy rows; each group in cluster order and
  // the table order of Components().
  std::vector<ComponentRow> rows;
};

StatusTable ComposeStatus(const Snapshot& snapshot);

// Exit code of `streamprobe check` for `overall`: 0 ok, 1 degraded or
// unknown, 2 down.
int CheckExitCode(Health overall);

}  // namespace streamprobe
