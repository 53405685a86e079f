// The `doris` section of a cluster (docs/backends/doris.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/decoder.h"
#include "config/http_options.h"

namespace streamprobe {

// A "host:port" address, split once at load time.
struct DorisAddress {
  std::string host;
  int port = 0;
  std::string Name() const { return host + ":" + std::to_string(port); }
};

// One named query of the SQL probe; its result must be a single number.
struct DorisSqlQuery {
  std::string name;     // label value `query`, unique
  std::string sql;
  Millis timeout{5000};  // bounded further by the probe deadline
};

// Optional SQL probe over the MySQL protocol (FE query port, default 9030).
struct DorisSqlConfig {
  DorisAddress address;
  std::string user;
  Secret password;       // may be empty (no password)
  std::string database;  // may be empty
  std::vector<DorisSqlQuery> queries;
};

struct DorisConfig {
  std::vector<DorisAddress> fe;    // expected FEs, HTTP port (8030)
  std::vector<DorisAddress> be;    // expected BEs, webserver port (8040)
  BasicAuth basic_auth;            // `basic_auth`, for /rest/v2/manager/node/*
  Millis heartbeat_stale_after{30000};
  // Offset of the FE's local time zone from UTC, in seconds: LastHeartbeat is
  // printed in the FE JVM's zone without an offset.
  int time_zone_offset_seconds = 0;
  std::size_t max_body_bytes = 4u << 20;
  std::size_t max_nodes = 500;     // series budget: FE + BE rows rendered each
  std::optional<DorisSqlConfig> sql;
};

// Reads every field of the section except interval/timeout (see ReadSchedule),
// reporting errors through `section`. Does not call Finish() on `section`.
DorisConfig DecodeDorisConfig(Decoder& section);

// "+08:00", "-05:30", "UTC" or "Z" → seconds east of UTC; nullopt if malformed.
std::optional<int> ParseUtcOffset(const std::string& text);

}  // namespace streamprobe
