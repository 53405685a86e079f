// ControllerResult -> metric families. The metric list with meanings is in
// docs/backends/kafka.md ("KRaft controller quorum").
#include <algorithm>

#include "kafka/kafka_kraft.h"

namespace streamprobe::kafka {
namespace {

constexpr std::string_view kP = "streamprobe_kafka_kraft_";

std::string Name(std::string_view suffix) { return std::string(kP) + std::string(suffix); }

// The leader's clock: its own voter entry's LastCaughtUpTimestamp is its
// current time (DescribeQuorumResponse.json); else the latest any voter shows.
std::int64_t LeaderNowMs(const QuorumDescription& q) {
  std::int64_t latest = -1;
  for (const ReplicaState& v : q.voters) {
    if (v.replica_id == q.leader_id) return v.last_caught_up_ms;
    latest = std::max(latest, v.last_caught_up_ms);
  }
  return latest;
}

bool CaughtUp(const ReplicaState& v, std::int64_t leader_now_ms) {
  return v.last_caught_up_ms >= 0 && leader_now_ms - v.last_caught_up_ms <= kCaughtUpWithinMs;
}

// The answer of the leader with the highest epoch (two controllers claiming
// leadership means one of them has not yet learned of the newer epoch).
const ControllerResult* Leader(std::span<const ControllerResult* const> controllers) {
  const ControllerResult* best = nullptr;
  for (const ControllerResult* r : controllers) {
    if (r == nullptr || !r->status.ok() || !r->leader) continue;
    if (best == nullptr || r->quorum.leader_epoch > best->quorum.leader_epoch) best = r;
  }
  return best;
}

std::size_t RenderVoters(const QuorumDescription& q, MetricSet& out) {
  const std::int64_t now_ms = LeaderNowMs(q);
  std::size_t caught_up = 0;
  for (const ReplicaState& v : q.voters) {
    const Labels voter{{"voter_id", std::to_string(v.replica_id)}};
    const bool ok = CaughtUp(v, now_ms);
    caught_up += ok ? 1 : 0;
    out.Gauge(Name("quorum_voter_caught_up"),
              "1 when the leader saw this voter fetch up to its log end within the last 10 s", voter, ok ? 1 : 0);
    if (v.log_end_offset >= 0) {
      out.Gauge(Name("quorum_voter_lag_records"), "Leader's high watermark minus the voter's log end offset",
                voter, static_cast<double>(std::max<std::int64_t>(0, q.high_watermark - v.log_end_offset)));
    }
  }
  return caught_up;
}

}  // namespace

void RenderController(const ControllerResult& r, MetricSet& out) {
  const Labels c{{"controller", r.controller}};
  out.Gauge(Name("controller_up"), "1 when the controller answered ApiVersions and DescribeQuorum", c,
            r.status.ok() ? 1 : 0);
  if (r.status.ok()) {
    out.Gauge(Name("controller_leader"), "1 when the controller answered as the quorum's leader", c,
              r.leader ? 1 : 0);
  }
}

void RenderQuorum(std::span<const ControllerResult* const> controllers, MetricSet& out) {
  const auto up = std::count_if(controllers.begin(), controllers.end(),
                                [](const ControllerResult* r) { return r != nullptr && r->status.ok(); });
  out.Gauge(Name("quorum_controllers_configured"), "Controller endpoints configured (kafka.kraft.controllers)",
            {}, static_cast<double>(controllers.size()));
  out.Gauge(Name("quorum_controllers_up"), "Configured controllers that answered DescribeQuorum", {},
            static_cast<double>(up));
  const ControllerResult* leader = Leader(controllers);
  std::size_t voters = controllers.size(), caught_up = 0;
  bool committing = false;
  if (leader != nullptr) {
    const QuorumDescription& q = leader->quorum;
    voters = q.voters.size();
    caught_up = RenderVoters(q, out);
    committing = leader->commit_age_seconds.value_or(0) <= kCommitStallSeconds;
    out.Gauge(Name("quorum_leader_epoch"), "Epoch of the current quorum leader", {}, q.leader_epoch);
    out.Gauge(Name("quorum_high_watermark"), "Committed offset of the metadata log on the leader", {},
              static_cast<double>(q.high_watermark));
    out.Gauge(Name("quorum_commit_age_seconds"),
              "Seconds since streamprobe last saw the leader's high watermark advance (0 while it advances "
              "between rounds: the leader commits a NoOp record every 500 ms)",
              {}, leader->commit_age_seconds.value_or(0));
    out.Gauge(Name("quorum_observers"), "Observers (brokers replicating the metadata log) the leader knows of",
              {}, static_cast<double>(q.observers.size()));
  }
  out.Gauge(Name("quorum_leader_id"), "Node id of the quorum leader, -1 when no controller answers as leader",
            {}, leader != nullptr ? leader->quorum.leader_id : -1);
  out.Gauge(Name("quorum_voters"), "Voters in the quorum as the leader reports them, else the configured controllers",
            {}, static_cast<double>(voters));
  out.Gauge(Name("quorum_voters_caught_up"), "Voters caught up with the leader, the leader included", {},
            static_cast<double>(caught_up));
  const bool quorum = leader != nullptr && caught_up * 2 > voters && committing;
  out.Gauge(Name("quorum"),
            "1 when a leader answers, a majority of voters is caught up with it and its high watermark advances",
            {}, quorum ? 1 : 0);
}

}  // namespace streamprobe::kafka
