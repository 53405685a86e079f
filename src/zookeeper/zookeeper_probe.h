// Probes of the zookeeper backend: one per ensemble member (4lw srvr/mntr/ruok
// with an AdminServer fallback) and one `znodes` target per ensemble (Kafka's
// registry and generic znode checks through a ZnodeReader).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/probe.h"
#include "net/http_client.h"
#include "zookeeper/kafka_registry.h"
#include "zookeeper/zookeeper_config.h"
#include "zookeeper/zookeeper_parse.h"

namespace streamprobe::zookeeper {

// Seam over ZooKeeper's four-letter words: send `word`, read the reply until
// the server closes. Returns by `deadline` with reason dns, refused, timeout,
// bad_payload (reply over the size cap) or other. Thread-safe.
class FourLetterClient {
 public:
  virtual ~FourLetterClient() = default;
  virtual Result<std::string> Ask(const std::string& host, int port, std::string_view word,
                                  Deadline deadline) = 0;
};

// The production client over TcpRequest (replies capped at 1 MiB).
std::shared_ptr<FourLetterClient> NewTcpFourLetterClient();

// Where a member's statistics came from, richest first: mntr, the AdminServer
// monitor command (when mntr is not whitelisted), or srvr alone.
inline constexpr std::array<std::string_view, 3> kStatsSources = {"srvr", "mntr", "admin_server"};

// One round of one member; also the state the ensemble view reads.
struct MemberResult {
  std::string member;            // "host:port"
  Status status;                 // ok only when the member answered and serves
  std::string mode;              // one of kModes once srvr answered; "" otherwise
  std::optional<ServerStats> stats;  // when serving
  std::string_view source;       // one of kStatsSources when stats are set
  std::optional<bool> ruok;      // asked only when the whitelist allows mntr
  // A non-voting member: mode observer this round or, while it does not serve,
  // in its last round that did (ZooKeeper says nothing about a member that is down).
  bool observer = false;
};

class MemberProbe final : public Probe {
 public:
  MemberProbe(std::string member, std::optional<int> admin_port,
              std::shared_ptr<FourLetterClient> four, std::shared_ptr<HttpClient> http);
  ProbeOutcome Run(const ProbeContext& ctx) override;
  // The round without rendering (for tests).
  MemberResult RunRound(Deadline deadline);

 private:
  MemberResult Ask(Deadline deadline);
  void AddMonitorStats(MemberResult& result, Deadline deadline);
  // GET /commands/monitor on the member's host, judged by its `error` field.
  Result<ServerStats> AdminMonitor(Deadline deadline);
  std::string member_, host_;
  int port_ = 0;
  std::optional<int> admin_port_;
  std::shared_ptr<FourLetterClient> four_;
  std::shared_ptr<HttpClient> http_;
  bool last_seen_observer_ = false;  // Run() is never concurrent: no lock
};

// One generic znode check after a round.
struct CheckResult {
  ZnodeCheck check;
  bool exists = false;
  int children = 0;
  std::optional<double> data_age_seconds;  // when it exists
  bool passed = false;
};

// Judges `check` against a node's stat (nullopt: node missing) at `now_unix_ms`.
CheckResult EvaluateCheck(const ZnodeCheck& check, const std::optional<ZnodeStat>& stat,
                          long long now_unix_ms);

// One round of the znodes target.
struct ZnodesResult {
  Status status;                             // first I/O failure, or ok
  std::optional<KafkaRegistry> registry;     // when kafka_chroot is set and it was read
  std::vector<CheckResult> checks;           // checks whose node could be read
  long long now_unix_ms = 0;
};

class ZnodesProbe final : public Probe {
 public:
  ZnodesProbe(ZookeeperConfig config, std::shared_ptr<ZnodeReader> reader);
  ProbeOutcome Run(const ProbeContext& ctx) override;
  ZnodesResult RunRound(Deadline deadline);

 private:
  ZookeeperConfig config_;
  std::shared_ptr<ZnodeReader> reader_;
};

}  // namespace streamprobe::zookeeper
