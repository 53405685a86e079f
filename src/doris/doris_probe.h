// Doris HTTP probes: one per expected FE, one per expected BE, one for the
// cluster view. I/O only through HttpClient; every request ends by ctx.deadline.
#pragma once

#include <memory>
#include <string>

#include "core/probe.h"
#include "doris/doris_config.h"
#include "net/http_client.h"

namespace streamprobe {

// FE liveness: /api/bootstrap decides the status (code 0 ok, code 1 not_serving);
// /api/health adds backend counts when it answers.
class DorisFrontendProbe : public Probe {
 public:
  DorisFrontendProbe(std::shared_ptr<HttpClient> http, std::shared_ptr<const DorisConfig> config,
                     DorisAddress fe);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<const DorisConfig> config_;
  DorisAddress fe_;
};

// BE liveness: webserver /api/health with status "OK".
class DorisBackendProbe : public Probe {
 public:
  DorisBackendProbe(std::shared_ptr<HttpClient> http, std::shared_ptr<const DorisConfig> config,
                    DorisAddress be);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<const DorisConfig> config_;
  DorisAddress be_;
};

// The cluster as the FEs list it (/rest/v2/manager/node/frontends|backends),
// asked of the expected FEs in order until one answers. Each attempt gets an
// equal share of the remaining time, so one hung FE cannot use it all.
// Status: the first FE's failure if none answered (auth preferred, since it
// is the same for every FE), else JudgeCluster, else the backends' failure.
class DorisClusterProbe : public Probe {
 public:
  DorisClusterProbe(std::shared_ptr<HttpClient> http, std::shared_ptr<const DorisConfig> config);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<const DorisConfig> config_;
};

// GET http://<address><path> with the section's body cap, basic auth when
// `with_auth` and a user is configured, and CheckDorisHttp applied.
Result<HttpResponse> DorisGet(HttpClient& http, const DorisConfig& config,
                              const DorisAddress& address, const std::string& path,
                              bool with_auth, Clock::time_point deadline);

}  // namespace streamprobe
