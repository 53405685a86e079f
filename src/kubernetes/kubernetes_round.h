// What one kubernetes probe round read, per namespace, and the pure functions
// that turn it into the status table's workload notes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/component.h"
#include "kubernetes/kubernetes_config.h"
#include "kubernetes/kubernetes_parse.h"

namespace streamprobe::kubernetes {

// One list call's outcome: the items, or why not. `absent`: the resource type
// does not exist (404: the Flink operator's CRDs are not installed).
template <typename T>
struct Listed {
  Status status;
  bool absent = false;
  std::vector<T> items;
  std::size_t dropped = 0;  // over max_pods
};

struct NamespaceRead {
  std::optional<Listed<Pod>> pods;
  std::optional<Listed<Workload>> statefulsets, deployments;
  std::optional<Listed<FlinkResource>> flink_deployments, flink_session_jobs;
};

struct KubernetesRound {
  std::map<std::string, NamespaceRead> namespaces;
};

// The pods a workload selects (spec.selector.matchLabels all present with the
// same values). A selector with matchExpressions only selects nothing here.
std::vector<const Pod*> SelectPods(const Workload& workload, const std::vector<Pod>& pods);

// The note for one configured workload. Null when it could not be read this
// round (the list failed: the target's status says why).
std::optional<WorkloadNote> NoteFor(const WorkloadRef& ref, const KubernetesRound& round);

}  // namespace streamprobe::kubernetes
