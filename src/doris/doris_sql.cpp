#include "doris/doris_sql.h"

#include <cmath>
#include <cstdlib>

#include "doris/doris_metrics.h"

namespace streamprobe {

Result<double> ParseSqlNumber(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t");
  std::size_t end = text.find_last_not_of(" \t");
  if (begin == std::string::npos || end - begin > 64) {
    return Result<double>::Fail(Reason::kBadPayload, "empty or overlong value");
  }
  const std::string trimmed = text.substr(begin, end - begin + 1);
  char* stop = nullptr;
  const double v = std::strtod(trimmed.c_str(), &stop);
  if (stop != trimmed.c_str() + trimmed.size() || !std::isfinite(v)) {
    return Result<double>::Fail(Reason::kBadPayload, "value is not a number");
  }
  return Result<double>::Of(v);
}

DorisSqlProbe::DorisSqlProbe(std::shared_ptr<SqlScalarClient> client, DorisSqlConfig config)
    : client_(std::move(client)), config_(std::move(config)) {}

ProbeOutcome DorisSqlProbe::Run(const ProbeContext& ctx) {
  ProbeOutcome out;
  auto alive = client_->QueryScalar(config_, "SELECT 1", ctx.deadline);
  out.status = alive.status;
  if (!alive.ok()) return out;
  std::vector<DorisQueryResult> results;
  for (const DorisSqlQuery& q : config_.queries) {
    const auto start = Clock::now();
    const auto deadline = std::min(ctx.deadline, start + q.timeout);
    DorisQueryResult r;
    r.name = q.name;
    auto text = client_->QueryScalar(config_, q.sql, deadline);
    r.status = text.status;
    if (text.ok()) {
      auto number = ParseSqlNumber(text.value);
      r.status = number.status;
      r.value = number.value;
    }
    r.duration_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    results.push_back(std::move(r));
  }
  RenderSqlQueries(results, out.metrics);
  return out;
}

}  // namespace streamprobe
