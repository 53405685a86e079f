#include "core/status_table.h"

#include <algorithm>
#include <map>
#include <utility>

namespace streamprobe {
namespace {

constexpr std::size_t kMaxDetailBytes = 500;  // per target line

// Worse first: down, degraded, unknown, ok.
int Severity(Health h) {
  switch (h) {
    case Health::kDown: return 3;
    case Health::kDegraded: return 2;
    case Health::kUnknown: return 1;
    case Health::kOk: return 0;
  }
  return 1;
}

StatusTarget TargetLine(const std::string& id, const TargetResult& r) {
  StatusTarget t;
  t.id = id;
  t.system = r.system;
  t.name = r.name;
  t.up = r.status.ok();
  t.reason = std::string(ReasonName(r.status.reason()));
  t.detail = r.status.detail().substr(0, kMaxDetailBytes);
  t.last_success_unix = r.last_success_unix;
  return t;
}

// Units failing with the same cause, listed together in first-seen order:
// "1 (127.0.0.31), 2 (127.0.0.32): registered by a live foreign broker".
std::string JoinCauses(const std::vector<ComponentUnit>& units,
                       const std::vector<std::string>& check_causes) {
  std::vector<std::pair<std::string, std::string>> groups;  // cause -> names
  for (const ComponentUnit& u : units) {
    if (u.health == Health::kOk) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == u.cause; });
    if (it == groups.end()) {
      groups.emplace_back(u.cause, u.name);
    } else {
      it->second += ", " + u.name;
    }
  }
  std::string out;
  for (const auto& [cause, names] : groups) {
    if (!out.empty()) out += "; ";
    out += names + ": " + cause;
  }
  for (const std::string& c : check_causes) {
    if (!out.empty()) out += "; ";
    out += c;
  }
  return out;
}

Health RowHealth(const ComponentInfo& info, const ComponentRow& row, bool check_failed,
                 bool check_unknown) {
  int down = 0, unknown = 0;
  for (const ComponentUnit& u : row.units) {
    if (u.health == Health::kDown) ++down;
    if (u.health == Health::kUnknown) ++unknown;
  }
  if (row.expected == 0) {
    if (check_failed) return Health::kDegraded;
    return check_unknown ? Health::kUnknown : Health::kOk;
  }
  if (row.ready == row.expected) {
    if (check_failed) return Health::kDegraded;
    return check_unknown ? Health::kUnknown : Health::kOk;
  }
  if (unknown == row.expected) return Health::kUnknown;
  if (row.ready == 0) return down > 0 ? Health::kDown : Health::kUnknown;
  if (info.quorum && row.ready * 2 <= row.expected) return Health::kDown;
  return Health::kDegraded;
}

// The workloads' health: ok when every replica is ready, down when none is.
Health WorkloadHealth(const std::vector<WorkloadNote>& notes) {
  Health worst = Health::kOk;
  for (const WorkloadNote& n : notes) {
    if (Severity(n.health) > Severity(worst)) worst = n.health;
  }
  return worst;
}

// True when a unit in trouble names a cause of its own (a runbook other than
// the component's generic one for a unit down), e.g. a foreign broker
// registration: then it leads the row, before what Kubernetes says.
bool UnitsNameTheirCause(const ComponentInfo& info, const ComponentRow& row) {
  return std::any_of(row.units.begin(), row.units.end(), [&](const ComponentUnit& u) {
    return u.health != Health::kOk && !u.runbook.empty() && u.runbook != info.unit_runbook;
  });
}

std::string Joined(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + "; " + b;
}

// Sets cause, hint and runbook. The workloads' word (a pod that cannot pull its
// image: the service probes only see a name that does not resolve) leads,
// unless the units name a cause of their own; `probed` is the units' and
// checks' causes.
void NameTheCause(const ComponentInfo& info, ComponentRow& row, const std::string& probed,
                  const TargetResult* first_failed_check) {
  std::string workloads;
  for (const WorkloadNote& n : row.workloads) workloads = Joined(workloads, n.cause);
  const bool units_first = UnitsNameTheirCause(info, row);
  row.cause = (units_first ? Joined(probed, workloads) : Joined(workloads, probed))
                  .substr(0, 2 * kMaxDetailBytes);
  auto take = [&](const std::string& hint, const std::string& runbook) {
    if (row.hint.empty()) row.hint = hint;
    if (row.runbook.empty()) row.runbook = runbook;
  };
  auto from_units = [&] {
    for (const ComponentUnit& u : row.units) {
      if (u.health != Health::kOk) take(u.hint, u.runbook);
    }
  };
  auto from_workloads = [&] {
    for (const WorkloadNote& n : row.workloads) {
      if (!n.cause.empty()) take(n.hint, n.runbook);
    }
  };
  if (units_first) {
    from_units();
    from_workloads();
  } else {
    from_workloads();
    from_units();
  }
  if (row.hint.empty() && first_failed_check) {
    row.hint = std::string(ReasonHint(first_failed_check->status.reason()));
  }
  const bool root_named = units_first || (!workloads.empty() && !row.runbook.empty());
  if (!root_named && (row.health == Health::kDown || row.runbook.empty())) {
    row.runbook = std::string(info.down_runbook);
  }
}

// Fills expected, ready, health, cause, hint and runbook from units, checks
// and workload notes. Units count the row when a service probe reports them;
// otherwise the workloads' replicas do.
void Summarize(const ComponentInfo& info, ComponentRow& row,
               const std::vector<const TargetResult*>& checks) {
  row.expected = static_cast<int>(row.units.size());
  row.ready = static_cast<int>(std::count_if(row.units.begin(), row.units.end(), [](const auto& u) {
    return u.health == Health::kOk;
  }));
  if (row.units.empty()) {
    for (const WorkloadNote& n : row.workloads) {
      row.expected += static_cast<int>(n.replicas);
      row.ready += static_cast<int>(n.ready);
    }
  }
  std::vector<std::string> check_causes;
  bool check_failed = false, check_unknown = false;
  const TargetResult* first_failed_check = nullptr;
  for (const TargetResult* c : checks) {
    if (c->status.ok()) continue;
    const ComponentUnit as_unit = UnitFromRound(row.key, c->name, c->status);
    (as_unit.health == Health::kUnknown ? check_unknown : check_failed) = true;
    check_causes.push_back(c->name + ": " + (c->status.detail().empty() ? as_unit.cause
                                                                        : c->status.detail()));
    if (!first_failed_check) first_failed_check = c;
  }
  row.health = RowHealth(info, row, check_failed, check_unknown);
  const Health workloads = WorkloadHealth(row.workloads);
  if (Severity(workloads) > Severity(row.health)) {
    // With service units counted, Kubernetes' word alone makes the row degraded.
    row.health = row.units.empty() || workloads != Health::kDown ? workloads : Health::kDegraded;
  }
  if (row.health == Health::kOk) return;
  NameTheCause(info, row, JoinCauses(row.units, check_causes), first_failed_check);
}

// Sets follows_from: the first dependency of the same cluster not ok.
void LinkDependencies(std::vector<ComponentRow>& rows) {
  for (ComponentRow& row : rows) {
    if (row.health == Health::kOk) continue;
    const ComponentInfo* info = FindComponent(row.key);
    for (std::string_view dep : info->depends_on) {
      auto it = std::find_if(rows.begin(), rows.end(), [&](const ComponentRow& r) {
        return r.cluster == row.cluster && r.key == dep && r.health != Health::kOk;
      });
      if (it != rows.end()) {
        row.follows_from = it->key;
        break;
      }
    }
  }
}

int Group(const ComponentRow& row) {
  if (row.health == Health::kOk) return 2;
  return row.follows_from.empty() ? 0 : 1;
}

}  // namespace

StatusTable ComposeStatus(const Snapshot& snapshot) {
  struct Acc {
    ComponentRow row;
    std::vector<const TargetResult*> checks;
  };
  std::map<std::pair<std::string, std::size_t>, Acc> acc;  // (cluster, table index)
  auto slot = [&](const std::string& cluster, std::string_view key) -> Acc* {
    const auto all = Components();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].key != key) continue;
      Acc& a = acc[{cluster, i}];
      a.row.cluster = cluster;
      a.row.key = std::string(all[i].key);
      a.row.title = std::string(all[i].title);
      return &a;
    }
    return nullptr;
  };
  const TargetResults results = snapshot.results();
  for (const auto& [id, r] : results) {
    for (const ComponentUnit& u : r->units) {
      if (Acc* a = slot(r->cluster, u.component)) a->row.units.push_back(u);
    }
    for (const WorkloadNote& n : r->notes) {
      if (Acc* a = slot(r->cluster, n.component)) a->row.workloads.push_back(n);
    }
    if (r->component.empty()) continue;
    Acc* a = slot(r->cluster, r->component);
    if (!a) continue;
    a->row.targets.push_back(TargetLine(id, *r));
    if (!r->units.empty()) {
      // Its units tell the component's shape; a failed round (partitions
      // offline) is a check on it besides.
      if (!r->status.ok()) a->checks.push_back(r.get());
      continue;
    }
    if (r->role == ComponentRole::kUnit) {
      a->row.units.push_back(UnitFromRound(r->component, r->name, r->status));
    } else if (r->role == ComponentRole::kCheck) {
      a->checks.push_back(r.get());
    }
  }
  StatusTable table;
  table.built_unix = snapshot.built_unix();
  for (auto& [where, a] : acc) {
    Summarize(Components()[where.second], a.row, a.checks);
    table.rows.push_back(std::move(a.row));
  }
  LinkDependencies(table.rows);
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [](const ComponentRow& a, const ComponentRow& b) { return Group(a) < Group(b); });
  table.overall = Health::kOk;
  for (const ComponentRow& row : table.rows) {
    if (!row.follows_from.empty()) continue;
    if (Severity(row.health) > Severity(table.overall)) table.overall = row.health;
  }
  return table;
}

int CheckExitCode(Health overall) {
  switch (overall) {
    case Health::kOk: return 0;
    case Health::kDown: return 2;
    case Health::kDegraded:
    case Health::kUnknown: return 1;
  }
  return 1;
}

}  // namespace streamprobe
