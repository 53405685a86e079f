// The Doris SQL probe over the MySQL protocol, behind a small seam so tests
// can substitute fakes. Production uses libmariadb (doris_mariadb.cpp).
#pragma once

#include <memory>
#include <string>

#include "core/probe.h"
#include "doris/doris_config.h"

namespace streamprobe {

// Runs one statement on a fresh connection and returns the first column of the
// first row as text. Name resolution is bounded by `deadline`; connect, read
// and write get the time left in whole seconds, rounded up (libmariadb's unit),
// so a call may overrun `deadline` by under a second; the engine's hard
// deadline still bounds the round. Failures: dns (unknown host),
// refused, timeout, auth (MySQL 1044/1045), bad_payload (no row, NULL),
// other (the server rejected the statement). Thread-safe.
class SqlScalarClient {
 public:
  virtual ~SqlScalarClient() = default;
  virtual Result<std::string> QueryScalar(const DorisSqlConfig& config, const std::string& sql,
                                          Clock::time_point deadline) = 0;
};

std::shared_ptr<SqlScalarClient> NewMariaDbClient();

// Liveness `SELECT 1` decides the target status; then every named query runs
// on its own connection with min(its timeout, what is left of the round).
// A failing query is reported in its own series and leaves the others alone.
class DorisSqlProbe : public Probe {
 public:
  DorisSqlProbe(std::shared_ptr<SqlScalarClient> client, DorisSqlConfig config);
  ProbeOutcome Run(const ProbeContext& ctx) override;

 private:
  std::shared_ptr<SqlScalarClient> client_;
  DorisSqlConfig config_;
};

// "42", "-1.5", " 7 " → the number; anything else → bad_payload.
Result<double> ParseSqlNumber(const std::string& text);

}  // namespace streamprobe
