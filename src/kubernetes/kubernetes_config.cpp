#include "kubernetes/kubernetes_config.h"

#include <cstdlib>
#include <set>

#include <yaml-cpp/yaml.h>

#include "config/file_read.h"
#include "config/http_options.h"
#include "core/component.h"

namespace streamprobe::kubernetes {
namespace {

constexpr std::size_t kMaxKubeconfigBytes = 1u << 20;

struct KindKey {
  const char* key;
  const char* kind;
};
constexpr KindKey kKinds[] = {{"statefulset", "StatefulSet"},
                              {"deployment", "Deployment"},
                              {"flinkdeployment", "FlinkDeployment"},
                              {"flinksessionjob", "FlinkSessionJob"}};

std::string Scalar(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

// The named entry of a kubeconfig list ("clusters", "users", "contexts").
YAML::Node Named(const YAML::Node& doc, const char* list, const std::string& name,
                 const char* inner) {
  const YAML::Node entries = doc[list];
  if (!entries || !entries.IsSequence()) return {};
  for (const YAML::Node& e : entries) {
    if (e.IsMap() && Scalar(e, "name") == name && e[inner] && e[inner].IsMap()) return e[inner];
  }
  return {};
}

// A relative path in a kubeconfig is relative to the kubeconfig's directory.
std::string Resolve(const std::string& kubeconfig, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  const auto slash = kubeconfig.rfind('/');
  return slash == std::string::npos ? path : kubeconfig.substr(0, slash + 1) + path;
}

// Fills server, CA and token file from the kubeconfig's current context. Only
// what a file can say is taken (certificate-authority, tokenFile, token is
// refused inline: credentials stay in files, as everywhere in streamprobe).
void ReadKubeconfig(Decoder& section, const std::string& path, KubernetesConfig& c) {
  std::string text;
  if (std::string error = ReadConfigFile(path, kMaxKubeconfigBytes, &text); !error.empty()) {
    section.Error("kubeconfig", error);
    return;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception&) {
    section.Error("kubeconfig", path + " is not YAML");
    return;
  }
  if (!doc.IsMap()) {
    section.Error("kubeconfig", path + " is not a kubeconfig");
    return;
  }
  const std::string context_name = Scalar(doc, "current-context");
  const YAML::Node context = Named(doc, "contexts", context_name, "context");
  const YAML::Node cluster = Named(doc, "clusters", Scalar(context, "cluster"), "cluster");
  const YAML::Node user = Named(doc, "users", Scalar(context, "user"), "user");
  if (!context || !cluster) {
    section.Error("kubeconfig", path + ": current-context \"" + context_name +
                                    "\" names no cluster");
    return;
  }
  c.api_server = Scalar(cluster, "server");
  c.tls.ca_file = Resolve(path, Scalar(cluster, "certificate-authority"));
  c.tls.insecure_skip_verify = Scalar(cluster, "insecure-skip-tls-verify") == "true";
  if (cluster["certificate-authority-data"]) {
    section.Error("kubeconfig", path + ": certificate-authority-data is not supported; give the "
                                       "CA as a file (certificate-authority)");
  }
  if (user && (user["token"] || user["client-key-data"] || user["client-key"])) {
    section.Error("kubeconfig", path + ": only a tokenFile user is supported (no inline token "
                                       "or client certificate)");
  }
  c.token_file = user ? Resolve(path, Scalar(user, "tokenFile")) : "";
}

void ReadWorkloads(Decoder& section, KubernetesConfig& c, const std::string& default_namespace) {
  std::set<std::string> components;
  for (Decoder w : section.Sequence("workloads")) {
    WorkloadRef ref;
    ref.component = w.RequiredString("component");
    if (!ref.component.empty() && (!FindComponent(ref.component) || ref.component == "kubernetes")) {
      w.Error("component", "\"" + ref.component + "\" is not a component (see docs/web.md)");
    }
    if (!ref.component.empty() && !components.insert(ref.component).second) {
      w.Error("component", "\"" + ref.component + "\" is listed twice");
    }
    ref.namespace_ = w.String("namespace", default_namespace);
    if (ref.namespace_.empty()) w.Error("namespace", "required (here or in the section)");
    for (const KindKey& k : kKinds) {
      if (!w.Has(k.key)) continue;
      if (!ref.kind.empty()) w.Error(k.key, "give one of statefulset, deployment, flinkdeployment, flinksessionjob");
      ref.kind = k.kind;
      ref.name = w.RequiredString(k.key);
    }
    if (ref.kind.empty()) {
      w.Error("statefulset", "one of statefulset, deployment, flinkdeployment, flinksessionjob is required");
    }
    w.Finish();
    c.workloads.push_back(std::move(ref));
  }
  if (c.workloads.empty()) section.Error("workloads", "required: at least one workload");
}

}  // namespace

KubernetesConfig DecodeKubernetesConfig(Decoder& section) {
  KubernetesConfig c;
  const std::string kubeconfig = section.String("kubeconfig");
  if (!kubeconfig.empty()) {
    if (section.Has("api_server") || section.Has("token_file") || section.Has("tls")) {
      section.Error("kubeconfig", "give kubeconfig or api_server/token_file/tls, not both");
    }
    ReadKubeconfig(section, kubeconfig, c);
  } else {
    if (section.Has("api_server")) {
      c.api_server = section.RequiredAddress("api_server", "use token_file");
    } else {
      const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
      const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
      if (host && *host) {
        c.api_server = std::string("https://") + host + ":" + (port && *port ? port : "443");
      }
    }
    c.token_file = section.String("token_file", kInClusterTokenFile);
    c.tls = DecodeTls(section);
    if (!section.Has("tls")) c.tls.ca_file = kInClusterCaFile;
  }
  if (c.api_server.rfind("https://", 0) != 0 && c.api_server.rfind("http://", 0) != 0) {
    section.Error(kubeconfig.empty() ? "api_server" : "kubeconfig",
                  c.api_server.empty() ? "required outside a cluster (KUBERNETES_SERVICE_HOST is "
                                         "not set)"
                                       : "\"" + c.api_server + "\" is not an http(s):// URL");
  }
  while (!c.api_server.empty() && c.api_server.back() == '/') c.api_server.pop_back();
  ReadWorkloads(section, c, section.String("namespace"));
  c.max_pods = static_cast<std::size_t>(
      section.Int("max_pods", static_cast<long long>(c.max_pods), 1, 100000));
  c.max_body_bytes = static_cast<std::size_t>(section.Int(
      "max_body_bytes", static_cast<long long>(c.max_body_bytes), 1024, 256ll << 20));
  return c;
}

}  // namespace streamprobe::kubernetes
