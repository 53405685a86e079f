#include "kubernetes/kubernetes_probe.h"

#include <set>

#include "config/file_read.h"
#include "kubernetes/kubernetes_metrics.h"

namespace streamprobe::kubernetes {
namespace {

constexpr std::size_t kMaxTokenBytes = 64u << 10;

Result<std::string> ReadToken(const std::string& path) {
  if (path.empty()) return Result<std::string>::Of("");
  std::string token;
  if (std::string error = ReadConfigFile(path, kMaxTokenBytes, &token); !error.empty()) {
    return Result<std::string>::Fail(Reason::kAuth, "token_file: " + error);
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  return Result<std::string>::Of(std::move(token));
}

// A failed list as a status naming what was asked: "list pods in namespace x".
Status ListFailure(const HttpResponse& r, const std::string& resource, const std::string& ns) {
  const std::string asked = "list " + resource + " in namespace " + ns;
  const std::string message = ParseStatusMessage(r.body);
  if (r.status == 401) return Status::Fail(Reason::kAuth, asked + ": 401, the token is not accepted");
  if (r.status == 403) {
    return Status::Fail(Reason::kAuth, asked + ": 403 forbidden (the Role needs get/list on " +
                                           resource + ")" + (message.empty() ? "" : ": " + message));
  }
  return Status::Fail(Reason::kHttpStatus, asked + ": HTTP " + std::to_string(r.status) +
                                               (message.empty() ? "" : ": " + message));
}

bool Wants(const KubernetesConfig& c, const std::string& ns, std::string_view kind) {
  for (const WorkloadRef& w : c.workloads) {
    if (w.namespace_ == ns && w.kind == kind) return true;
  }
  return false;
}

template <typename T>
void NoteFailure(const std::optional<Listed<T>>& listed, Status& first) {
  if (!listed || listed->status.ok() || !first.ok()) return;
  first = listed->status;
}

}  // namespace

KubernetesProbe::KubernetesProbe(std::shared_ptr<HttpClient> http, KubernetesConfig config)
    : http_(std::move(http)), config_(std::move(config)) {}

template <typename T, typename Parse>
Listed<T> KubernetesProbe::List(const std::string& path, const std::string& resource,
                                const std::string& ns, const std::string& token,
                                Clock::time_point deadline, bool may_be_absent, Parse parse) {
  HttpRequest request;
  request.url = config_.api_server + path;
  request.headers = {"Accept: application/json"};
  if (!token.empty()) request.headers.push_back("Authorization: Bearer " + token);
  request.tls = config_.tls;
  request.max_body_bytes = config_.max_body_bytes;
  request.deadline = deadline;
  Listed<T> out;
  auto response = http_->Do(request);
  if (!response.ok()) {
    out.status = Status::Fail(response.status.reason(),
                              "list " + resource + " in namespace " + ns + ": " + response.status.detail());
    return out;
  }
  if (may_be_absent && response.value.status == 404) {
    out.absent = true;
    return out;
  }
  if (response.value.status < 200 || response.value.status > 299) {
    out.status = ListFailure(response.value, resource, ns);
    return out;
  }
  auto parsed = parse(response.value.body, &out.dropped);
  if (!parsed.ok()) {
    out.status = Status::Fail(parsed.status.reason(),
                              "list " + resource + " in namespace " + ns + ": " + parsed.status.detail());
    return out;
  }
  out.items = std::move(parsed.value);
  return out;
}

NamespaceRead KubernetesProbe::ReadNamespace(const std::string& ns, const std::string& token,
                                             Clock::time_point deadline) {
  NamespaceRead read;
  const std::size_t cap = config_.max_pods;
  const std::string apps = "/apis/apps/v1/namespaces/" + ns;
  const std::string flink = "/apis/flink.apache.org/v1beta1/namespaces/" + ns;
  auto workloads = [cap](std::string_view kind) {
    return [cap, kind](std::string_view body, std::size_t* dropped) {
      return ParseWorkloadList(body, kind, cap, dropped);
    };
  };
  auto flink_list = [cap](std::string_view kind) {
    return [cap, kind](std::string_view body, std::size_t* dropped) {
      return ParseFlinkList(body, kind, cap, dropped);
    };
  };
  if (Wants(config_, ns, "StatefulSet") || Wants(config_, ns, "Deployment")) {
    read.pods = List<Pod>("/api/v1/namespaces/" + ns + "/pods", "pods", ns, token, deadline, false,
                          [cap](std::string_view body, std::size_t* dropped) {
                            return ParsePodList(body, cap, dropped);
                          });
  }
  if (Wants(config_, ns, "StatefulSet")) {
    read.statefulsets = List<Workload>(apps + "/statefulsets", "statefulsets", ns, token, deadline,
                                       false, workloads("StatefulSet"));
  }
  if (Wants(config_, ns, "Deployment")) {
    read.deployments = List<Workload>(apps + "/deployments", "deployments", ns, token, deadline,
                                      false, workloads("Deployment"));
  }
  if (Wants(config_, ns, "FlinkDeployment")) {
    read.flink_deployments = List<FlinkResource>(flink + "/flinkdeployments", "flinkdeployments",
                                                 ns, token, deadline, true,
                                                 flink_list("FlinkDeployment"));
  }
  if (Wants(config_, ns, "FlinkSessionJob")) {
    read.flink_session_jobs = List<FlinkResource>(flink + "/flinksessionjobs", "flinksessionjobs",
                                                  ns, token, deadline, true,
                                                  flink_list("FlinkSessionJob"));
  }
  return read;
}

ProbeOutcome KubernetesProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  auto token = ReadToken(config_.token_file);
  if (!token.ok()) {
    out.status = token.status;
    return out;
  }
  std::set<std::string> namespaces;
  for (const WorkloadRef& w : config_.workloads) namespaces.insert(w.namespace_);
  KubernetesRound round;
  Status first = Status::Ok();
  for (const std::string& ns : namespaces) {
    NamespaceRead read = ReadNamespace(ns, token.value, ctx.deadline);
    NoteFailure(read.pods, first);
    NoteFailure(read.statefulsets, first);
    NoteFailure(read.deployments, first);
    NoteFailure(read.flink_deployments, first);
    NoteFailure(read.flink_session_jobs, first);
    round.namespaces[ns] = std::move(read);
  }
  for (const WorkloadRef& w : config_.workloads) {
    if (auto note = NoteFor(w, round)) out.notes.push_back(std::move(*note));
  }
  RenderKubernetes(config_, round, out.metrics);
  out.status = first;
  return out;
}

}  // namespace streamprobe::kubernetes
