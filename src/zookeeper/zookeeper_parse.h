// Pure parsers for ZooKeeper's health answers (PROTOCOLS.md §2): the 4lw
// `srvr`, `mntr` and `ruok` texts and the AdminServer `/commands/monitor` JSON.
// Bytes in, typed value or Status out; they never throw.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace streamprobe::zookeeper {

// Server modes, as ZooKeeper names them, plus our "not_serving".
inline constexpr std::string_view kModeNotServing = "not_serving";
inline constexpr std::array<std::string_view, 6> kModes = {
    "leader", "follower", "observer", "standalone", "read-only", kModeNotServing};

// What one member told us. Latencies are in milliseconds, as ZooKeeper reports
// them; fields the answer did not carry stay empty.
struct ServerStats {
  std::string version;                  // short form, e.g. "3.8.4"; "" if unknown
  std::string mode;                     // one of kModes, or another text ZooKeeper sent
  std::optional<double> latency_min_ms, latency_avg_ms, latency_max_ms;
  std::optional<double> outstanding_requests;
  std::optional<long long> zxid;        // srvr only
  std::optional<double> znode_count;
  std::optional<double> ephemerals_count;
  std::optional<double> watch_count;
  std::optional<double> alive_connections;
  std::optional<double> learners;       // leader only; "zk_followers" on 3.5
  std::optional<double> synced_followers;
  std::optional<double> pending_syncs;
  std::optional<double> quorum_size;
};

// The 4lw reply of a command missing from 4lw.commands.whitelist.
bool IsNotWhitelisted(std::string_view reply);
// The reply of a member without quorum ("... not currently serving requests").
bool IsNotServing(std::string_view reply);

// `srvr` (or `stat`) text. kNotServing for the not-serving sentence,
// kBadPayload when there is no "Mode:" line.
Result<ServerStats> ParseSrvr(std::string_view text);

// `mntr` text ("zk_<key>\t<value>" lines). kNotServing for the not-serving
// sentence, kBadPayload for the whitelist sentence or without zk_server_state.
Result<ServerStats> ParseMntr(std::string_view text);

// AdminServer `GET /commands/monitor` body. Judged by the `error` field, not
// the HTTP status: a not-serving error is kNotServing, any other error or a
// body that is not the expected JSON object is kBadPayload.
Result<ServerStats> ParseAdminMonitor(std::string_view body);

// `ruok`: true for "imok".
bool IsImOk(std::string_view reply);

// "3.8.4-9316c2a..., built on ..." and Debian's "3.8.0-${mvngit.commit.id}"
// both give "3.8.4" / "3.8.0"; "" when no version number leads the text.
std::string ShortVersion(std::string_view full);

}  // namespace streamprobe::zookeeper
