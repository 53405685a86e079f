// The kubernetes probe: per round and configured namespace, LIST pods and the
// StatefulSets, Deployments and Flink operator resources the workloads name,
// through the API server with a bearer token read from token_file each round
// (ServiceAccount tokens rotate). Read-only: list on exactly those resources
// (the chart's Role: deploy/helm/streamprobe/templates/rbac.yaml). I/O only through HttpClient; every
// request ends by ctx.deadline. The token never reaches a log, label or page.
#pragma once

#include <memory>
#include <string>

#include "core/probe.h"
#include "kubernetes/kubernetes_config.h"
#include "kubernetes/kubernetes_round.h"
#include "net/http_client.h"

namespace streamprobe::kubernetes {

// Status: the first failure of a list call (403 names the verb, resource and
// namespace the Role lacks), else ok; a 404 for a Flink operator resource
// type is not a failure (its CRDs are not installed). Notes: one per workload
// that could be read.
class KubernetesProbe : public Probe {
 public:
  KubernetesProbe(std::shared_ptr<HttpClient> http, KubernetesConfig config);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  // GET one list; `resource` and `ns` name it in failures.
  template <typename T, typename Parse>
  Listed<T> List(const std::string& path, const std::string& resource, const std::string& ns,
                 const std::string& token, Clock::time_point deadline, bool may_be_absent,
                 Parse parse);
  NamespaceRead ReadNamespace(const std::string& ns, const std::string& token,
                              Clock::time_point deadline);

  std::shared_ptr<HttpClient> http_;
  KubernetesConfig config_;
};

}  // namespace streamprobe::kubernetes
