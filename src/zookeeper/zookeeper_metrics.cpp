#include "zookeeper/zookeeper_metrics.h"

#include <algorithm>
#include <cstdio>

namespace streamprobe::zookeeper {
namespace {

constexpr std::string_view kP = "streamprobe_zookeeper_";
constexpr std::array<std::string_view, 2> kPayloadReasons = {"none", "bad_payload"};

std::string Name(std::string_view suffix) { return std::string(kP) + std::string(suffix); }

// Emits `value` when set, scaled by `factor`.
void Optional(MetricSet& out, std::string_view suffix, std::string_view help, const Labels& labels,
              const std::optional<double>& value, double factor = 1.0) {
  if (value) out.Gauge(Name(suffix), help, labels, *value * factor);
}

void RenderStats(const ServerStats& s, const Labels& m, MetricSet& out) {
  constexpr double kMs = 0.001;
  Optional(out, "latency_average_seconds", "Average request latency the member reports", m, s.latency_avg_ms, kMs);
  Optional(out, "latency_max_seconds", "Maximum request latency the member reports", m, s.latency_max_ms, kMs);
  Optional(out, "latency_min_seconds", "Minimum request latency the member reports", m, s.latency_min_ms, kMs);
  Optional(out, "outstanding_requests", "Requests queued on the member", m, s.outstanding_requests);
  Optional(out, "znodes", "Znodes in the member's data tree", m, s.znode_count);
  Optional(out, "ephemeral_znodes", "Ephemeral znodes on the member", m, s.ephemerals_count);
  Optional(out, "watches", "Watches set on the member", m, s.watch_count);
  Optional(out, "alive_connections", "Client connections to the member", m, s.alive_connections);
  Optional(out, "quorum_size", "Voting members the member knows of (mntr zk_quorum_size)", m, s.quorum_size);
  Optional(out, "learners", "Learners connected to this leader (zk_learners; zk_followers on 3.5)", m, s.learners);
  Optional(out, "synced_followers", "Followers in sync with this leader", m, s.synced_followers);
  Optional(out, "pending_syncs", "Pending syncs on this leader", m, s.pending_syncs);
  if (s.zxid) {
    out.Gauge(Name("last_zxid"), "Last processed zxid of the member (srvr)", m, static_cast<double>(*s.zxid));
    out.Gauge(Name("zxid_epoch"), "Epoch (high 32 bits) of the member's last zxid", m,
              static_cast<double>(static_cast<unsigned long long>(*s.zxid) >> 32));
  }
  if (!s.version.empty()) {
    Labels info = m;
    info.push_back({"version", s.version});
    out.Info(Name("server_info"), "ZooKeeper version the member reports", info);
  }
}

bool Serving(const MemberResult* r) { return r != nullptr && r->status.ok(); }
bool Leading(const MemberResult* r) {
  return Serving(r) && (r->mode == "leader" || r->mode == "standalone");
}

void PayloadReason(MetricSet& out, const std::string& znode, const Status& status) {
  out.StateSet(Name("znode_payload_reason"),
               "Whether the znode holds what Kafka writes (reason none) or not (bad_payload)",
               {{"znode", znode}}, "reason", status.ok() ? "none" : "bad_payload", kPayloadReasons);
}

void RenderBroker(const BrokerRegistration& b, long long now_ms, MetricSet& out) {
  const Labels id = {{"broker_id", std::to_string(b.id)}};
  out.Gauge(Name("kafka_broker_registered"), "1 for each broker registered under /brokers/ids", id, 1);
  out.Info(Name("kafka_broker_registration_info"),
           "Registration of the broker: host, port, rack and the owning ZooKeeper session",
           {{"broker_id", std::to_string(b.id)}, {"host", b.host}, {"port", std::to_string(b.port)},
            {"rack", b.rack}, {"session", HexSessionId(b.stat.ephemeral_owner)}});
  out.Gauge(Name("kafka_broker_epoch"), "czxid of the registration znode (Kafka's broker epoch)", id,
            static_cast<double>(b.stat.czxid));
  const long long since = b.timestamp_ms > 0 ? b.timestamp_ms : b.stat.ctime_ms;
  if (since > 0) {
    out.Gauge(Name("kafka_broker_registration_timestamp_seconds"),
              "When the broker registered (its JSON timestamp, else the znode ctime)", id, since / 1000.0);
    out.Gauge(Name("kafka_broker_registration_age_seconds"), "Seconds since the broker registered", id,
              std::max(0.0, (now_ms - since) / 1000.0));
  }
  PayloadReason(out, "/brokers/ids/" + std::to_string(b.id), b.parse_status);
}

// Znode labels are paths relative to the configured kafka_chroot.
void RenderRegistry(const KafkaRegistry& r, long long now_ms, MetricSet& out) {
  out.Gauge(Name("kafka_brokers_registered"), "Brokers registered under /brokers/ids", {},
            static_cast<double>(r.brokers.size()));
  for (const auto& b : r.brokers) RenderBroker(b, now_ms, out);
  const auto& c = r.controller;
  out.Gauge(Name("kafka_controller_present"), "1 when /controller exists", {}, c.present ? 1 : 0);
  if (c.present) {
    PayloadReason(out, "/controller", c.parse_status);
    if (c.parse_status.ok()) {
      out.Gauge(Name("kafka_controller_broker_id"), "Broker id in /controller", {}, c.broker_id);
    }
    if (c.kraft_controller_epoch) {
      out.Gauge(Name("kafka_kraft_controller_epoch"),
                "kraftControllerEpoch in /controller (-1 when a ZooKeeper-mode broker is controller)", {},
                static_cast<double>(*c.kraft_controller_epoch));
    }
  }
  if (!r.controller_epoch_status.ok() || r.controller_epoch) {
    PayloadReason(out, "/controller_epoch", r.controller_epoch_status);
  }
  if (r.controller_epoch) {
    out.Gauge(Name("kafka_controller_epoch"), "Value of /controller_epoch", {},
              static_cast<double>(*r.controller_epoch));
  }
  if (!r.cluster_id_status.ok() || !r.cluster_id.empty()) {
    PayloadReason(out, "/cluster/id", r.cluster_id_status);
  }
  if (!r.cluster_id.empty()) {
    out.Info(Name("kafka_cluster_info"), "Kafka cluster id from /cluster/id", {{"cluster_id", r.cluster_id}});
  }
  out.Gauge(Name("kafka_pending_topic_deletions"), "Children of /admin/delete_topics (deletions pending)", {},
            static_cast<double>(r.pending_topic_deletions.size()));
  out.Gauge(Name("kafka_isr_change_notifications"),
            "Children of /isr_change_notification (backlog the controller has not consumed)", {},
            static_cast<double>(r.isr_change_notifications));
}

void RenderCheck(const CheckResult& c, MetricSet& out) {
  const Labels path = {{"path", c.check.path}};
  out.Gauge(Name("znode_exists"), "1 when the checked znode exists", path, c.exists ? 1 : 0);
  if (c.exists) {
    out.Gauge(Name("znode_children"), "Children of the checked znode", path, c.children);
    if (c.data_age_seconds) {
      out.Gauge(Name("znode_data_age_seconds"), "Seconds since the checked znode's data last changed (mtime)",
                path, *c.data_age_seconds);
    }
  }
  out.Gauge(Name("znode_check_passed"), "1 when the znode check passes all its thresholds", path,
            c.passed ? 1 : 0);
}

}  // namespace

std::string HexSessionId(long long id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(id));
  return buf;
}

void RenderMember(const MemberResult& r, MetricSet& out) {
  const Labels m = {{"member", r.member}};
  out.Gauge(Name("up"), "1 when the member answered srvr and serves requests", m, r.status.ok() ? 1 : 0);
  if (!r.mode.empty()) {
    out.StateSet(Name("mode"), "Server mode the member reports (not_serving: no quorum)", m, "mode", r.mode,
                 kModes);
  }
  if (r.stats) {
    out.StateSet(Name("stats_source"), "Which command provided the member's statistics", m, "source", r.source,
                 kStatsSources);
    RenderStats(*r.stats, m, out);
  }
  if (r.ruok) out.Gauge(Name("ruok"), "1 when the member answered ruok with imok", m, *r.ruok ? 1 : 0);
}

// Voters: the ensemble's own count (zk_quorum_size, reported by every serving
// member through mntr or the AdminServer, counts voters only); without it, the
// members not known to be observers.
std::size_t VotersConfigured(std::span<const MemberResult* const> members) {
  std::optional<double> reported;
  std::size_t not_observers = 0;
  for (const MemberResult* r : members) {
    if (r == nullptr || !r->observer) ++not_observers;
    if (Serving(r) && r->stats && r->stats->quorum_size) {
      reported = std::max(reported.value_or(0), *r->stats->quorum_size);
    }
  }
  // A reported count is used only when plausible (a member may send anything; a
  // double outside size_t's range would also make the cast undefined).
  constexpr double kMaxVoters = 1000;
  const bool plausible = reported && *reported >= 1 && *reported <= kMaxVoters;
  return plausible ? static_cast<std::size_t>(*reported) : not_observers;
}

void RenderEnsemble(std::span<const MemberResult* const> members, MetricSet& out) {
  std::size_t serving = 0, voters_serving = 0, observers_serving = 0, leaders = 0;
  std::optional<long long> min_zxid, max_zxid;
  for (const MemberResult* r : members) {
    if (!Serving(r)) continue;
    ++serving;
    ++(r->mode == "observer" ? observers_serving : voters_serving);
    if (Leading(r)) ++leaders;
    if (r->stats && r->stats->zxid) {
      min_zxid = std::min(min_zxid.value_or(*r->stats->zxid), *r->stats->zxid);
      max_zxid = std::max(max_zxid.value_or(*r->stats->zxid), *r->stats->zxid);
    }
  }
  const std::size_t voters = VotersConfigured(members);
  const bool quorum = voters_serving * 2 > voters && leaders == 1;
  out.Gauge(Name("ensemble_members_configured"), "Members configured for the ensemble (voters and observers)",
            {}, static_cast<double>(members.size()));
  out.Gauge(Name("ensemble_members_serving"), "Members that answered and serve requests", {},
            static_cast<double>(serving));
  out.Gauge(Name("ensemble_voters_configured"),
            "Voting members: zk_quorum_size as the ensemble reports it, else the members not seen as observers",
            {}, static_cast<double>(voters));
  out.Gauge(Name("ensemble_voters_serving"), "Serving members in mode leader, follower or standalone", {},
            static_cast<double>(voters_serving));
  out.Gauge(Name("ensemble_observers_serving"), "Serving members in mode observer (they do not vote)", {},
            static_cast<double>(observers_serving));
  out.Gauge(Name("ensemble_leaders"), "Serving members in mode leader or standalone (healthy: exactly 1)", {},
            static_cast<double>(leaders));
  out.Gauge(Name("ensemble_quorum"), "1 when more than half the voters serve and exactly one leads", {},
            quorum ? 1 : 0);
  if (min_zxid) {
    out.Gauge(Name("ensemble_zxid_spread"), "Largest minus smallest last zxid among serving members", {},
              static_cast<double>(*max_zxid - *min_zxid));
  }
}

void RenderZnodes(const ZnodesResult& r, MetricSet& out) {
  if (r.registry) RenderRegistry(*r.registry, r.now_unix_ms, out);
  for (const CheckResult& c : r.checks) RenderCheck(c, out);
}

}  // namespace streamprobe::zookeeper
