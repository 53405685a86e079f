// The `kubernetes` section of a cluster (docs/backends/kubernetes.md): where
// the API server is, how streamprobe authenticates, and which workload runs
// each component.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/decoder.h"
#include "net/http_client.h"

namespace streamprobe::kubernetes {

// Where a ServiceAccount's credentials are mounted in every pod.
inline constexpr const char* kInClusterTokenFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/token";
inline constexpr const char* kInClusterCaFile =
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

// The workload behind one component of the status table.
struct WorkloadRef {
  std::string component;  // a ComponentInfo key, e.g. "doris_fe"
  std::string namespace_;
  std::string kind;       // "StatefulSet", "Deployment", "FlinkDeployment", "FlinkSessionJob"
  std::string name;
};

struct KubernetesConfig {
  std::string api_server;  // https://host:port, no trailing slash
  std::string token_file;  // read every round (bound tokens rotate); "" for none
  TlsOptions tls;
  std::vector<WorkloadRef> workloads;
  std::size_t max_pods = 500;              // pods kept per namespace and round
  std::size_t max_body_bytes = 16u << 20;  // cap on every response body
};

// Reads every field except interval/timeout (see ReadSchedule), reporting
// errors through `section`. `kubeconfig: PATH` (out of a cluster) supplies the
// server, CA file and token file of its current context; without it and
// without api_server, the in-cluster service from KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT. Does not call Finish() on `section`.
KubernetesConfig DecodeKubernetesConfig(Decoder& section);

}  // namespace streamprobe::kubernetes
