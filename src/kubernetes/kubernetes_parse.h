// Pure parsers for the Kubernetes API bodies the kubernetes probe reads. Bytes
// in, typed value or a Status with a bounded reason out; they never throw.
// Field names are the API reference's (core/v1 Pod, PodStatus, ContainerStatus;
// apps/v1 StatefulSet and Deployment; meta/v1 Status) and the Flink Kubernetes
// Operator's FlinkDeployment/FlinkSessionJob status (see docs/backends/kubernetes.md).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace streamprobe::kubernetes {

// ContainerStateWaiting.reason values the kubelet sets (kubelet's
// images/types.go and kuberuntime); anything else is exported as "other".
inline constexpr std::array<std::string_view, 9> kWaitingReasons = {
    "ContainerCreating", "PodInitializing",        "CrashLoopBackOff",
    "ErrImagePull",      "ImagePullBackOff",       "InvalidImageName",
    "CreateContainerConfigError", "CreateContainerError", "other"};

// ContainerStateTerminated.reason values; anything else is "other".
inline constexpr std::array<std::string_view, 6> kTerminatedReasons = {
    "Completed", "Error", "OOMKilled", "ContainerCannotRun", "DeadlineExceeded", "other"};

// PodStatus.phase values; anything else is "other".
inline constexpr std::array<std::string_view, 6> kPodPhases = {"Pending", "Running", "Succeeded",
                                                               "Failed", "Unknown", "other"};

// The label value of `reason` in `known` (which ends with "other").
template <std::size_t N>
std::string_view Bounded(std::string_view reason, const std::array<std::string_view, N>& known) {
  for (std::string_view k : known) {
    if (k == reason) return k;
  }
  return known.back();
}

struct ContainerStatus {
  std::string name;
  std::string image;  // status.containerStatuses[].image (the spec's, as pulled)
  bool ready = false;
  std::int64_t restart_count = 0;
  std::string waiting_reason;    // "" when not waiting
  std::string waiting_message;   // the kubelet's words, e.g. "... manifest unknown"
  std::string last_terminated_reason;  // lastState.terminated.reason, "" if none
};

struct Pod {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string phase;
  bool unschedulable = false;     // condition PodScheduled=False, reason Unschedulable
  std::string unschedulable_message;
  std::vector<ContainerStatus> containers;  // init containers first, then containers
};

// A StatefulSet or Deployment: spec replicas vs ready, and the pod selector.
struct Workload {
  std::string kind;  // "StatefulSet" or "Deployment"
  std::string name;
  std::int64_t replicas = 1;        // spec.replicas (defaults to 1)
  std::int64_t ready_replicas = 0;  // status.readyReplicas (absent: 0)
  std::map<std::string, std::string> match_labels;  // spec.selector.matchLabels
  bool has_match_expressions = false;               // spec.selector.matchExpressions given
};

// A FlinkDeployment or FlinkSessionJob of the Flink Kubernetes Operator.
struct FlinkResource {
  std::string kind;
  std::string name;
  std::string lifecycle_state;  // status.lifecycleState, e.g. STABLE, FAILED
  std::string job_state;        // status.jobStatus.state, e.g. RUNNING
  std::string error;            // status.error, first 300 bytes
};

// ResourceLifecycleState of the operator; anything else is "other".
inline constexpr std::array<std::string_view, 9> kLifecycleStates = {
    "CREATED", "SUSPENDED", "UPGRADING", "DEPLOYED", "STABLE", "ROLLING_BACK", "ROLLED_BACK",
    "FAILED", "other"};

// A list body (PodList, StatefulSetList, DeploymentList, a custom resource
// list); `max_items` caps what is kept (the rest is counted in *dropped).
Result<std::vector<Pod>> ParsePodList(std::string_view body, std::size_t max_items,
                                      std::size_t* dropped);
Result<std::vector<Workload>> ParseWorkloadList(std::string_view body, std::string_view kind,
                                                std::size_t max_items, std::size_t* dropped);
Result<std::vector<FlinkResource>> ParseFlinkList(std::string_view body, std::string_view kind,
                                                  std::size_t max_items, std::size_t* dropped);

// meta/v1 Status.message of an error body ("pods is forbidden: User ... cannot
// list resource \"pods\" ..."), first 300 bytes; "" when the body is not one.
std::string ParseStatusMessage(std::string_view body);

}  // namespace streamprobe::kubernetes
