// Pure parsers for Doris FE/BE HTTP answers (PROTOCOLS.md §4). Bytes in, typed
// value or a Status with a bounded reason out; they never throw.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "net/http_client.h"

namespace streamprobe {

// HTTP-level judgement shared by every Doris request: HTTP 401/403 → auth; an
// HTML or otherwise non-JSON body → bad_payload; other non-2xx → http_status.
Status CheckDorisHttp(const HttpResponse& response);

// GET /api/bootstrap (§4.3): ok when `code == 0` (`data` null or an object;
// `msg` is never compared); code 1 ("not ready", invalid token) → not_serving;
// code 401 → auth. Without cluster_id/token its fields hold defaults, so none
// is read.
Status ParseBootstrap(std::string_view body);

// FE GET /api/health (§4.4): backend counts. code 503 → not_serving.
struct DorisFeHealth {
  std::int64_t online_backends = 0;
  std::int64_t total_backends = 0;
};
Result<DorisFeHealth> ParseFeHealth(std::string_view body);

// BE GET /api/health (§4.8): ok when `status == "OK"`, else not_serving.
Status ParseBeHealth(std::string_view body);

// The manager API table (§4.5): `columnNames` or `column_names`, rows of strings.
struct DorisTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // Index of the first listed column present, or -1.
  int Column(std::initializer_list<std::string_view> names) const;
};
Result<DorisTable> ParseNodeTable(std::string_view body);

// One row of /rest/v2/manager/node/frontends, columns looked up by name.
struct DorisFrontendRow {
  std::string host;       // Host, else IP
  std::string host_name;  // HostName (older layouts), may be ""
  int http_port = 0;
  std::string role;       // FOLLOWER / OBSERVER / ...
  bool is_master = false;
  bool joined = false;
  bool alive = false;
  std::optional<std::int64_t> replayed_journal_id;
  std::optional<std::int64_t> last_heartbeat_unix;  // nullopt: never / unparsable
  bool has_error_message = false;
  std::string version;
};
// Requires the columns Host|IP, HttpPort, Role, IsMaster, Alive.
Result<std::vector<DorisFrontendRow>> ParseFrontends(const DorisTable& table,
                                                     int utc_offset_seconds);

// One row of /rest/v2/manager/node/backends (both layouts of §4.7).
struct DorisBackendRow {
  std::string host;       // Host, else IP
  std::string host_name;  // HostName (older layout), may be ""
  int http_port = 0;
  bool alive = false;
  bool decommissioned = false;
  std::optional<std::int64_t> last_heartbeat_unix;
  std::optional<std::int64_t> tablets;
  std::optional<double> disk_used_ratio;      // UsedPct "12.34 %" → 0.1234
  std::optional<double> max_disk_used_ratio;  // MaxDiskUsedPct
  bool has_error_message = false;
  std::string version;
};
// Requires the columns Host|IP, HttpPort, Alive.
Result<std::vector<DorisBackendRow>> ParseBackends(const DorisTable& table,
                                                   int utc_offset_seconds);

// "yyyy-MM-dd HH:mm:ss" in a zone `utc_offset_seconds` east of UTC → unix
// seconds. "NULL", "", "N/A" and 1970-01-01 00:00:00 (never) → nullopt.
std::optional<std::int64_t> ParseDorisTime(std::string_view text, int utc_offset_seconds);

// "12.34 %" → 0.1234; nullopt when malformed.
std::optional<double> ParsePercentRatio(std::string_view text);

}  // namespace streamprobe
