// libFuzzer target: the Kubernetes API list bodies (pods, StatefulSets,
// Deployments, Flink operator resources) and error Status bodies, then the
// workload notes built from them. None may crash or throw.
#include "fuzz_check.h"
#include "kubernetes/kubernetes_parse.h"
#include "kubernetes/kubernetes_round.h"

namespace k8s = streamprobe::kubernetes;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = AsText(data, size);
  std::size_t dropped = 0;
  k8s::NamespaceRead ns;
  auto pods = k8s::ParsePodList(body, 50, &dropped);
  if (pods.ok()) Require(pods.value.size() <= 50, "at most max_items pods");
  ns.pods = k8s::Listed<k8s::Pod>{pods.status, false, std::move(pods.value), dropped};
  auto sets = k8s::ParseWorkloadList(body, "StatefulSet", 50, &dropped);
  ns.statefulsets = k8s::Listed<k8s::Workload>{sets.status, false, std::move(sets.value), dropped};
  auto flink = k8s::ParseFlinkList(body, "FlinkDeployment", 50, &dropped);
  ns.flink_deployments = k8s::Listed<k8s::FlinkResource>{flink.status, false, std::move(flink.value), dropped};
  (void)k8s::ParseStatusMessage(body);
  k8s::KubernetesRound round;
  round.namespaces["ns"] = std::move(ns);
  for (const auto& kind : {"StatefulSet", "FlinkDeployment"}) {
    const k8s::WorkloadRef ref{"doris_fe", "ns", kind, "doris-fe"};
    if (auto note = k8s::NoteFor(ref, round)) Require(note->ready <= note->replicas, "ready <= replicas");
  }
  return 0;
}
