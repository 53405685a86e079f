#include "doris/doris_probe.h"

#include "core/snapshot.h"
#include "doris/doris_metrics.h"
#include "doris/doris_parse.h"

namespace streamprobe {

Result<HttpResponse> DorisGet(HttpClient& http, const DorisConfig& config,
                              const DorisAddress& address, const std::string& path,
                              bool with_auth, Clock::time_point deadline) {
  HttpRequest request;
  request.url = "http://" + address.Name() + path;
  request.headers = {"Accept: application/json"};
  if (with_auth) ApplyBasicAuth(config.basic_auth, request);
  request.max_body_bytes = config.max_body_bytes;
  request.deadline = deadline;
  auto response = http.Do(request);
  if (!response.ok()) return response;
  if (Status s = CheckDorisHttp(response.value); !s.ok()) return Result<HttpResponse>::Fail(s);
  return response;
}

DorisFrontendProbe::DorisFrontendProbe(std::shared_ptr<HttpClient> http,
                                       std::shared_ptr<const DorisConfig> config, DorisAddress fe)
    : http_(std::move(http)), config_(std::move(config)), fe_(std::move(fe)) {}

ProbeOutcome DorisFrontendProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  auto boot = DorisGet(*http_, *config_, fe_, "/api/bootstrap", false, ctx.deadline);
  if (!boot.ok()) {
    out.status = boot.status;
    return out;
  }
  out.status = ParseBootstrap(boot.value.body);
  if (!out.status.ok()) return out;
  // Counts only; /api/health needs auth when enable_all_http_auth is set.
  auto health = DorisGet(*http_, *config_, fe_, "/api/health", true, ctx.deadline);
  if (health.ok()) {
    auto parsed = ParseFeHealth(health.value.body);
    if (parsed.ok()) RenderFrontendHealth(fe_.Name(), parsed.value, out.metrics);
  }
  return out;
}

DorisBackendProbe::DorisBackendProbe(std::shared_ptr<HttpClient> http,
                                     std::shared_ptr<const DorisConfig> config, DorisAddress be)
    : http_(std::move(http)), config_(std::move(config)), be_(std::move(be)) {}

ProbeOutcome DorisBackendProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  auto health = DorisGet(*http_, *config_, be_, "/api/health", false, ctx.deadline);
  out.status = health.ok() ? ParseBeHealth(health.value.body) : health.status;
  return out;
}

DorisClusterProbe::DorisClusterProbe(std::shared_ptr<HttpClient> http,
                                     std::shared_ptr<const DorisConfig> config)
    : http_(std::move(http)), config_(std::move(config)) {}

namespace {

// Reads one node table from `fe`; failures carry their reason.
template <typename Rows, typename ParseRows>
Result<Rows> ReadRows(HttpClient& http, const DorisConfig& c, const DorisAddress& fe,
                      const std::string& path, Clock::time_point deadline, ParseRows parse_rows) {
  auto response = DorisGet(http, c, fe, path, true, deadline);
  if (!response.ok()) return Result<Rows>::Fail(response.status);
  auto table = ParseNodeTable(response.value.body);
  if (!table.ok()) return Result<Rows>::Fail(table.status);
  return parse_rows(table.value, c.time_zone_offset_seconds);
}

// The frontends table from the first expected FE that answers, each attempt
// bounded by an equal share of the time left. On failure: auth if any FE said
// so (it is the same for every FE), else the first FE's reason.
struct FrontendsRead {
  Status status;
  const DorisAddress* answered = nullptr;
  std::vector<DorisFrontendRow> rows;
};

FrontendsRead ReadFrontendsFromAny(HttpClient& http, const DorisConfig& c,
                                   Clock::time_point deadline) {
  FrontendsRead read;
  std::optional<Status> first_failure, auth_failure;
  for (std::size_t i = 0; i < c.fe.size(); ++i) {
    const auto now = Clock::now();
    const auto share = (deadline - now) / static_cast<long>(c.fe.size() - i);
    auto fes = ReadRows<std::vector<DorisFrontendRow>>(
        http, c, c.fe[i], "/rest/v2/manager/node/frontends", now + share, ParseFrontends);
    if (fes.ok()) {
      read.answered = &c.fe[i];
      read.rows = std::move(fes.value);
      return read;
    }
    if (!first_failure) first_failure = fes.status;
    if (!auth_failure && fes.status.reason() == Reason::kAuth) auth_failure = fes.status;
  }
  read.status = auth_failure ? *auth_failure
                             : first_failure.value_or(Status::Fail(Reason::kOther, "no FE"));
  return read;
}

}  // namespace

namespace {

// Facts `streamprobe wait` reads: "master" (the one FE listed as master) and
// "backends_alive" (BEs the FEs list as alive), when the FEs answered.
void AddClusterFacts(const DorisClusterView& view, std::map<std::string, std::string>& facts) {
  if (!view.frontends) return;
  std::vector<std::string> masters;
  for (const DorisFrontendRow& fe : *view.frontends) {
    if (fe.is_master) masters.push_back(fe.host);
  }
  if (masters.size() == 1) facts["master"] = masters.front();
  if (!view.backends) return;
  int alive = 0;
  for (const DorisBackendRow& be : *view.backends) alive += be.alive && !be.decommissioned;
  facts["backends_alive"] = std::to_string(alive);
}

}  // namespace

ProbeOutcome DorisClusterProbe::Run(const ProbeContext& ctx) {
  const DorisConfig& c = *config_;
  ProbeOutcome out;
  DorisClusterView view;
  view.expected_fe = c.fe;
  view.expected_be = c.be;
  view.stale_after_seconds = std::chrono::duration<double>(c.heartbeat_stale_after).count();
  view.max_nodes = c.max_nodes;

  FrontendsRead fes = ReadFrontendsFromAny(*http_, c, ctx.deadline);
  Status backends_status;
  if (fes.answered) {
    view.frontends = std::move(fes.rows);
    auto bes = ReadRows<std::vector<DorisBackendRow>>(
        *http_, c, *fes.answered, "/rest/v2/manager/node/backends", ctx.deadline, ParseBackends);
    if (bes.ok()) view.backends = std::move(bes.value);
    backends_status = bes.status;
  }
  view.now_unix = UnixNow();
  RenderCluster(view, out.metrics);
  AddClusterFacts(view, out.facts);
  if (!fes.answered) {
    out.status = fes.status;
  } else if (Status judged = JudgeCluster(*view.frontends); !judged.ok()) {
    out.status = judged;
  } else {
    out.status = backends_status;
  }
  return out;
}

}  // namespace streamprobe
