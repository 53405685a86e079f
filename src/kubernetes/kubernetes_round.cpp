#include "kubernetes/kubernetes_round.h"

#include <algorithm>

namespace streamprobe::kubernetes {
namespace {

constexpr std::size_t kMaxMessageBytes = 100;

// The kubelet's message, shortened to its last clause ("... failed to resolve
// reference \"x\": ...: manifest unknown" -> "manifest unknown"); "" when it
// only repeats the image.
std::string ShortMessage(const ContainerStatus& c) {
  std::string m = c.waiting_message;
  if (auto colon = m.rfind(": "); colon != std::string::npos) m = m.substr(colon + 2);
  if (m.empty() || m.find(c.image) != std::string::npos) return "";
  return m.substr(0, kMaxMessageBytes);
}

struct Trouble {
  std::string what;  // "ImagePullBackOff: apache/doris:2.0.3-fe-x86_64 (manifest unknown)"
  std::string hint;
  std::string runbook;
};

// What is wrong with one pod, or nullopt when it is ready.
std::optional<Trouble> PodTrouble(const Pod& pod) {
  for (const ContainerStatus& c : pod.containers) {
    const std::string& r = c.waiting_reason;
    if (r == "ImagePullBackOff" || r == "ErrImagePull" || r == "InvalidImageName") {
      // The kubelet alternates ErrImagePull and ImagePullBackOff: one trouble.
      const std::string name = r == "InvalidImageName" ? r : "ImagePullBackOff";
      const std::string msg = ShortMessage(c);
      return Trouble{name + ": " + c.image + (msg.empty() ? "" : " (" + msg + ")"),
                     "the image or tag does not exist, or the registry refuses it: check the "
                     "image reference and pull secrets (kubectl describe pod " + pod.name + ")",
                     "KubernetesPodImagePullBackOff"};
    }
    if (r == "CrashLoopBackOff") {
      return Trouble{"CrashLoopBackOff, " + std::to_string(c.restart_count) + " restarts" +
                         (c.last_terminated_reason.empty() ? "" : ", last exit " + c.last_terminated_reason),
                     "read the previous run's log: kubectl logs " + pod.name + " -c " + c.name +
                         " --previous",
                     "KubernetesPodCrashLooping"};
    }
    if (r == "CreateContainerConfigError" || r == "CreateContainerError") {
      const std::string msg = ShortMessage(c);
      return Trouble{r + (msg.empty() ? "" : " (" + msg + ")"),
                     "a referenced ConfigMap, Secret or key is missing: kubectl describe pod " + pod.name,
                     "KubernetesPodCrashLooping"};
    }
  }
  if (pod.unschedulable) {
    return Trouble{"Pending, unschedulable" + (pod.unschedulable_message.empty()
                                                   ? std::string()
                                                   : " (" + pod.unschedulable_message.substr(0, kMaxMessageBytes) + ")"),
                   "no node fits: check requests, affinity, taints and volumes (kubectl describe "
                   "pod " + pod.name + ")",
                   "KubernetesPodUnschedulable"};
  }
  const bool all_ready = !pod.containers.empty() &&
                         std::all_of(pod.containers.begin(), pod.containers.end(),
                                     [](const ContainerStatus& c) { return c.ready; });
  if (pod.phase == "Running" && all_ready) return std::nullopt;
  if (pod.phase == "Succeeded") return std::nullopt;
  return Trouble{pod.phase.empty() ? "not ready" : pod.phase + ", not ready",
                 "kubectl describe pod " + pod.name, ""};
}

// "a, b: what" for pods in the same trouble, in pod order.
std::string GroupTroubles(const std::vector<std::pair<std::string, Trouble>>& troubles,
                          std::string* hint, std::string* runbook) {
  std::vector<std::pair<std::string, std::string>> groups;  // what -> pod names
  for (const auto& entry : troubles) {  // no structured binding: clang 14 cannot capture one
    const std::string& pod = entry.first;
    const Trouble& t = entry.second;
    if (hint->empty() || (runbook->empty() && !t.runbook.empty())) {
      *hint = t.hint;
      *runbook = t.runbook;
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == t.what; });
    if (it == groups.end()) {
      groups.emplace_back(t.what, pod);
    } else {
      it->second += ", " + pod;
    }
  }
  std::string out;
  for (const auto& [what, pods] : groups) out += (out.empty() ? "" : "; ") + pods + ": " + what;
  return out;
}

template <typename T>
const Listed<T>* ListOf(const std::optional<Listed<T>>& listed) {
  return listed && listed->status.ok() ? &*listed : nullptr;
}

std::optional<WorkloadNote> FlinkNote(const WorkloadRef& ref, const NamespaceRead& ns, WorkloadNote note) {
  const auto& listed = ref.kind == "FlinkDeployment" ? ns.flink_deployments : ns.flink_session_jobs;
  if (!listed || !listed->status.ok()) return std::nullopt;
  note.replicas = 1;
  if (listed->absent) {
    note.health = Health::kUnknown;
    note.cause = "the Flink operator's " + ref.kind + " resource type is not installed";
    note.hint = "install the Flink Kubernetes Operator's CRDs, or remove this workload";
    return note;
  }
  auto it = std::find_if(listed->items.begin(), listed->items.end(),
                         [&](const FlinkResource& r) { return r.name == ref.name; });
  if (it == listed->items.end()) {
    note.health = Health::kDown;
    note.cause = ref.kind + " " + ref.name + " not found in namespace " + ref.namespace_;
    note.hint = "kubectl -n " + ref.namespace_ + " get " + ref.kind;
    return note;
  }
  const bool running = (it->lifecycle_state == "STABLE" || it->lifecycle_state == "DEPLOYED") &&
                       (it->job_state.empty() || it->job_state == "RUNNING");
  note.ready = running ? 1 : 0;
  if (running) return note;
  note.health = it->lifecycle_state == "FAILED" || it->job_state == "FAILED" ? Health::kDown
                                                                              : Health::kDegraded;
  note.cause = ref.kind + " " + ref.name + ": lifecycle " +
               (it->lifecycle_state.empty() ? "unknown" : it->lifecycle_state) + ", job " +
               (it->job_state.empty() ? "unknown" : it->job_state) +
               (it->error.empty() ? "" : " (" + it->error.substr(0, kMaxMessageBytes) + ")");
  note.hint = "kubectl -n " + ref.namespace_ + " describe " + ref.kind + " " + ref.name +
              "; the operator's log says why";
  note.runbook = "FlinkJobNotRunning";
  return note;
}

}  // namespace

std::vector<const Pod*> SelectPods(const Workload& workload, const std::vector<Pod>& pods) {
  std::vector<const Pod*> out;
  if (workload.match_labels.empty()) return out;
  for (const Pod& pod : pods) {
    const bool selected = std::all_of(
        workload.match_labels.begin(), workload.match_labels.end(), [&](const auto& kv) {
          auto it = pod.labels.find(kv.first);
          return it != pod.labels.end() && it->second == kv.second;
        });
    if (selected) out.push_back(&pod);
  }
  return out;
}

std::optional<WorkloadNote> NoteFor(const WorkloadRef& ref, const KubernetesRound& round) {
  auto ns_it = round.namespaces.find(ref.namespace_);
  if (ns_it == round.namespaces.end()) return std::nullopt;
  const NamespaceRead& ns = ns_it->second;
  WorkloadNote note;
  note.component = ref.component;
  note.workload = ref.kind + " " + ref.namespace_ + "/" + ref.name;
  if (ref.kind == "FlinkDeployment" || ref.kind == "FlinkSessionJob") return FlinkNote(ref, ns, note);
  const Listed<Workload>* workloads = ListOf(ref.kind == "StatefulSet" ? ns.statefulsets : ns.deployments);
  const Listed<Pod>* pods = ListOf(ns.pods);
  if (!workloads || !pods) return std::nullopt;
  auto it = std::find_if(workloads->items.begin(), workloads->items.end(),
                         [&](const Workload& w) { return w.name == ref.name; });
  if (it == workloads->items.end()) {
    note.health = Health::kDown;
    note.cause = ref.kind + " " + ref.name + " not found in namespace " + ref.namespace_;
    note.hint = "kubectl -n " + ref.namespace_ + " get " + ref.kind + "s: is it deployed, and named so?";
    return note;
  }
  note.replicas = it->replicas;
  note.ready = std::min(it->ready_replicas, it->replicas);
  if (note.ready >= note.replicas) return note;
  note.health = note.ready == 0 ? Health::kDown : Health::kDegraded;
  std::vector<std::pair<std::string, Trouble>> troubles;
  const std::vector<const Pod*> selected = SelectPods(*it, pods->items);
  for (const Pod* pod : selected) {
    if (auto t = PodTrouble(*pod)) troubles.emplace_back(pod->name, std::move(*t));
  }
  note.cause = GroupTroubles(troubles, &note.hint, &note.runbook);
  const long long missing = note.replicas - static_cast<long long>(selected.size());
  if (missing > 0) {
    note.cause += (note.cause.empty() ? "" : "; ") + std::to_string(missing) + " of " +
                  std::to_string(note.replicas) + " pods not created";
  }
  if (note.cause.empty()) note.cause = std::to_string(note.ready) + "/" + std::to_string(note.replicas) + " ready";
  if (note.runbook.empty()) {
    note.runbook = ref.kind == "StatefulSet" ? "KubernetesStatefulSetReplicasNotReady"
                                             : "KubernetesDeploymentReplicasUnavailable";
  }
  if (note.hint.empty()) note.hint = "kubectl -n " + ref.namespace_ + " describe " + ref.kind + " " + ref.name;
  return note;
}

}  // namespace streamprobe::kubernetes
