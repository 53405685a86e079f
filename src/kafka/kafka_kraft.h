// The KRaft controller quorum (system "kafka_kraft"): one target per configured
// controller endpoint (`kafka.kraft.controllers`) and a quorum view over them.
//
// Each round a controller is asked ApiVersions v0 (proving a live controller
// listener, and that it speaks DescribeQuorum v1) and then DescribeQuorum v1.
// Only the leader describes the quorum; the others answer NOT_LEADER_OR_FOLLOWER.
// The view counts the voters that are caught up with the leader, and whether
// the leader's high watermark still advances: a KRaft leader appends a NoOp
// record every metadata.max.idle.interval.ms (500 ms by default, KIP-835), so a
// quorum that commits metadata writes moves its high watermark continuously.
// That is the metadata-write check, without writing anything ourselves.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/metric_set.h"
#include "core/probe.h"
#include "kafka/kafka_frame.h"
#include "kafka/kafka_kraft_wire.h"

namespace streamprobe::kafka {

// Seam over one controller exchange: ApiVersions then DescribeQuorum, by
// `deadline`. Failures: dns, refused, timeout, bad_payload, other (an endpoint
// that is a broker listener, or too old for DescribeQuorum v1). Kafka error
// codes come back in the description. Thread-safe.
class ControllerClient {
 public:
  virtual ~ControllerClient() = default;
  virtual Result<QuorumDescription> Describe(const std::string& host, int port, Deadline deadline) = 0;
};

std::shared_ptr<ControllerClient> NewTcpControllerClient();

// A voter is caught up when the leader saw it fetch up to the leader's log end
// within this many ms of the leader's own clock (followers fetch every 500 ms at most).
inline constexpr std::int64_t kCaughtUpWithinMs = 10000;
// The quorum commits when its high watermark advanced within this many seconds.
inline constexpr double kCommitStallSeconds = 30.0;

// One round of one controller; also the state the quorum view reads.
struct ControllerResult {
  std::string controller;  // "host:port" as configured
  Status status;           // ok when it answered DescribeQuorum, as leader or not
  bool leader = false;     // it answered as the quorum's leader
  QuorumDescription quorum;                 // meaningful when leader
  std::optional<double> commit_age_seconds; // when leader: since its high watermark last advanced
};

class ControllerProbe final : public Probe {
 public:
  ControllerProbe(std::string controller, std::shared_ptr<ControllerClient> client);
  ProbeOutcome Run(const ProbeContext& ctx) override;
  ControllerResult RunRound(Deadline deadline);

 private:
  std::string controller_, host_;
  int port_ = 0;
  std::shared_ptr<ControllerClient> client_;
  // The leader's high watermark as last seen, and when it last changed. Kept
  // through failed rounds (a missed answer is not a commit); reset when this
  // controller answers as a follower. Run() is never concurrent: no lock.
  std::optional<std::int64_t> last_high_watermark_;
  Clock::time_point last_advance_{};
};

// Per controller (label controller="host:port"): up, leader.
void RenderController(const ControllerResult& result, MetricSet& out);

// The quorum view over all configured controllers in configuration order; a
// null entry is a controller without a finished round.
void RenderQuorum(std::span<const ControllerResult* const> controllers, MetricSet& out);

}  // namespace streamprobe::kafka
