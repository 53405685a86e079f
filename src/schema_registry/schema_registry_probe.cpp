#include "schema_registry/schema_registry_probe.h"

#include "schema_registry/schema_registry_metrics.h"
#include "schema_registry/schema_registry_parse.h"

namespace streamprobe {
namespace {

// Keeps the first failure.
void Note(Status& first, const Status& s) {
  if (first.ok() && !s.ok()) first = s;
}

// Runs `parse` on a fetched body; a fetch failure is passed through.
template <typename T, typename Parse>
Result<T> Then(Result<std::string> body, Parse parse) {
  if (!body.ok()) return Result<T>::Fail(body.status);
  return parse(body.value);
}

}  // namespace

SchemaRegistryProbe::SchemaRegistryProbe(std::string url, const SchemaRegistryConfig& config,
                                         std::shared_ptr<HttpClient> client)
    : url_(std::move(url)), client_(std::move(client)) {
  base_.headers = {"Accept: application/vnd.schemaregistry.v1+json, application/json"};
  ApplyBasicAuth(config.basic_auth, base_);
  base_.tls = config.tls;
  base_.max_body_bytes = config.max_body_bytes;
}

Result<std::string> SchemaRegistryProbe::Get(const std::string& path, Clock::time_point deadline,
                                             RegistryObservation& obs) const {
  HttpRequest request = base_;
  request.url = url_ + path;
  request.deadline = deadline;
  Result<HttpResponse> got = client_->Do(request);
  if (!got.ok()) {
    return Result<std::string>::Fail(got.status.reason(), "GET " + path + ": " + got.status.detail());
  }
  const Status http = CheckHttpStatus(got.value);
  if (http.ok()) return Result<std::string>::Of(std::move(got.value.body));
  std::string detail = "GET " + path + ": HTTP " + std::to_string(got.value.status);
  if (auto error = ParseRegistryError(got.value.body)) {
    obs.errors.push_back({path, BoundedRegistryErrorCode(error->error_code)});
    detail += " error_code " + std::to_string(error->error_code) + ": " + error->message.substr(0, 300);
  } else if (!got.value.body.empty()) {
    detail += " (body is not a Schema Registry error object)";
  }
  return Result<std::string>::Fail(http.reason(), detail);
}

ProbeOutcome SchemaRegistryProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  RegistryObservation obs;
  obs.url = url_;
  Result<std::string> root = Get("/", ctx.deadline, obs);
  const bool reachable = root.ok() || root.status.reason() == Reason::kHttpStatus ||
                         root.status.reason() == Reason::kAuth;
  if (root.ok()) {
    out.status = ParseRegistryRoot(root.value);
    obs.up = out.status.ok();
  } else {
    out.status = root.status;
  }
  if (reachable) {
    auto mode = Then<std::string_view>(Get("/mode", ctx.deadline, obs), ParseRegistryMode);
    if (mode.ok()) obs.mode = mode.value;
    Note(out.status, mode.status);
    auto subjects = Then<std::size_t>(Get("/subjects", ctx.deadline, obs), ParseRegistrySubjects);
    if (subjects.ok()) obs.subjects = subjects.value;
    Note(out.status, subjects.status);
    auto level = Then<std::string_view>(Get("/config", ctx.deadline, obs), ParseRegistryCompatibility);
    if (level.ok()) obs.compatibility = level.value;
    Note(out.status, level.status);
  }
  if (obs.mode) out.facts["mode"] = std::string(*obs.mode);
  if (obs.compatibility) out.facts["compatibility"] = std::string(*obs.compatibility);
  RenderRegistry(obs, out.metrics);
  return out;
}

}  // namespace streamprobe
