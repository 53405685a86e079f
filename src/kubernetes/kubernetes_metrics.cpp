#include "kubernetes/kubernetes_metrics.h"

#include <algorithm>

namespace streamprobe::kubernetes {
namespace {

constexpr std::string_view kJobStates[] = {"INITIALIZING", "CREATED",  "RUNNING",   "FAILING",
                                           "FAILED",       "CANCELLING", "CANCELED", "FINISHED",
                                           "RESTARTING",   "SUSPENDED", "RECONCILING", "other"};

std::string_view BoundedJobState(std::string_view s) {
  for (std::string_view k : kJobStates) {
    if (k == s) return k;
  }
  return "other";
}

void RenderPod(const Labels& base, const Pod& pod, MetricSet& out) {
  Labels l = base;
  l.push_back({"pod", pod.name});
  out.StateSet("streamprobe_kubernetes_pod_phase", "The pod's phase (other: an unknown value).", l,
               "phase", Bounded(pod.phase, kPodPhases), kPodPhases);
  out.Gauge("streamprobe_kubernetes_pod_unschedulable",
            "1 if the scheduler found no node for the pod (PodScheduled=False, Unschedulable).", l,
            pod.unschedulable ? 1 : 0);
  for (const ContainerStatus& c : pod.containers) {
    Labels cl = l;
    cl.push_back({"container", c.name});
    out.Gauge("streamprobe_kubernetes_container_ready", "1 if the container is ready.", cl,
              c.ready ? 1 : 0);
    out.Gauge("streamprobe_kubernetes_container_restarts",
              "Restarts of the container (restartCount; starts again at 0 with a new pod).", cl,
              static_cast<double>(c.restart_count));
    Labels info = cl;
    info.push_back({"image", c.image});
    out.Info("streamprobe_kubernetes_container_info", "The container's image.", info);
    if (!c.waiting_reason.empty()) {
      Labels w = cl;
      w.push_back({"reason", std::string(Bounded(c.waiting_reason, kWaitingReasons))});
      out.Gauge("streamprobe_kubernetes_container_waiting",
                "1 while the container waits, with the kubelet's reason (other: outside the "
                "known set; the message is on the status page).",
                w, 1);
    }
    if (!c.last_terminated_reason.empty()) {
      Labels t = cl;
      t.push_back({"reason", std::string(Bounded(c.last_terminated_reason, kTerminatedReasons))});
      out.Gauge("streamprobe_kubernetes_container_last_terminated",
                "1 with the reason the container's previous run ended.", t, 1);
    }
  }
}

void RenderWorkload(const WorkloadRef& ref, const NamespaceRead& ns, MetricSet& out) {
  const Labels l = {{"component", ref.component}, {"namespace", ref.namespace_},
                    {"kind", ref.kind}, {"workload", ref.name}};
  if (ref.kind == "FlinkDeployment" || ref.kind == "FlinkSessionJob") {
    const auto& listed = ref.kind == "FlinkDeployment" ? ns.flink_deployments : ns.flink_session_jobs;
    if (!listed || !listed->status.ok() || listed->absent) return;
    auto it = std::find_if(listed->items.begin(), listed->items.end(),
                           [&](const FlinkResource& r) { return r.name == ref.name; });
    out.Gauge("streamprobe_kubernetes_workload_found", "1 if the configured workload exists.", l,
              it != listed->items.end() ? 1 : 0);
    if (it == listed->items.end()) return;
    out.StateSet("streamprobe_kubernetes_flink_lifecycle_state",
                 "The Flink operator's lifecycle state of the resource (other: unknown value).", l,
                 "state", Bounded(it->lifecycle_state, kLifecycleStates), kLifecycleStates);
    out.StateSet("streamprobe_kubernetes_flink_job_state",
                 "The job state the Flink operator reports (other: unknown value).", l, "state",
                 BoundedJobState(it->job_state), kJobStates);
    return;
  }
  const auto& listed = ref.kind == "StatefulSet" ? ns.statefulsets : ns.deployments;
  if (!listed || !listed->status.ok() || !ns.pods || !ns.pods->status.ok()) return;
  auto it = std::find_if(listed->items.begin(), listed->items.end(),
                         [&](const Workload& w) { return w.name == ref.name; });
  out.Gauge("streamprobe_kubernetes_workload_found", "1 if the configured workload exists.", l,
            it != listed->items.end() ? 1 : 0);
  if (it == listed->items.end()) return;
  out.Gauge("streamprobe_kubernetes_workload_replicas", "Replicas asked for (spec.replicas).", l,
            static_cast<double>(it->replicas));
  out.Gauge("streamprobe_kubernetes_workload_ready_replicas",
            "Replicas ready (status.readyReplicas).", l, static_cast<double>(it->ready_replicas));
  const Labels pod_base = {{"component", ref.component}, {"namespace", ref.namespace_}};
  for (const Pod* pod : SelectPods(*it, ns.pods->items)) RenderPod(pod_base, *pod, out);
}

}  // namespace

void RenderKubernetes(const KubernetesConfig& config, const KubernetesRound& round, MetricSet& out) {
  for (const WorkloadRef& ref : config.workloads) {
    auto ns = round.namespaces.find(ref.namespace_);
    if (ns != round.namespaces.end()) RenderWorkload(ref, ns->second, out);
  }
  for (const auto& [name, ns] : round.namespaces) {
    const Labels l = {{"namespace", name}};
    std::size_t dropped = ns.pods ? ns.pods->dropped : 0;
    out.Gauge("streamprobe_kubernetes_pods_dropped",
              "Pods of the namespace not read this round: over max_pods.", l,
              static_cast<double>(dropped));
  }
}

}  // namespace streamprobe::kubernetes
