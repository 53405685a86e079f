#include "doris/doris_metrics.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "core/reason.h"

namespace streamprobe {
namespace {

constexpr std::array<std::string_view, 3> kFeRoles = {"FOLLOWER", "OBSERVER", "other"};

bool SameHost(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Label of a listed node: the expected address it matches (Host, IP or
// HostName equal, HttpPort equal), else "<host>:<port>" from the row.
template <typename Row>
std::string NodeLabel(const Row& row, const std::vector<DorisAddress>& expected) {
  for (const DorisAddress& a : expected) {
    const bool same_host = SameHost(a.host, row.host) || SameHost(a.host, row.host_name);
    if (a.port == row.http_port && same_host) {
      return a.Name();
    }
  }
  return row.host + ":" + std::to_string(row.http_port);
}

// Expected and listed nodes by label; rows listed twice keep the first.
template <typename Row>
struct NodeEntry {
  bool expected = false;
  const Row* row = nullptr;
};

template <typename Row>
std::map<std::string, NodeEntry<Row>> MergeNodes(const std::vector<DorisAddress>& expected,
                                                 const std::vector<Row>* rows) {
  std::map<std::string, NodeEntry<Row>> nodes;
  for (const DorisAddress& a : expected) nodes[a.Name()].expected = true;
  if (rows) {
    for (const Row& row : *rows) {
      auto& entry = nodes[NodeLabel(row, expected)];
      if (!entry.row) entry.row = &row;
    }
  }
  return nodes;
}

double HeartbeatAge(const std::optional<std::int64_t>& beat, double now) {
  return std::max(0.0, now - static_cast<double>(*beat));
}

void RenderFrontendRow(const Labels& l, const DorisFrontendRow& fe, const DorisClusterView& v,
                       MetricSet& out) {
  out.Gauge("streamprobe_doris_frontend_alive", "FE listed Alive=true by the cluster.", l,
            fe.alive ? 1 : 0);
  out.Gauge("streamprobe_doris_frontend_joined", "FE listed Join=true (joined the group).", l,
            fe.joined ? 1 : 0);
  out.Gauge("streamprobe_doris_frontend_is_master", "FE listed IsMaster=true.", l,
            fe.is_master ? 1 : 0);
  const bool known = fe.role == "FOLLOWER" || fe.role == "OBSERVER";
  out.StateSet("streamprobe_doris_frontend_role", "FE role (other: any unknown value).", l,
               "role", known ? fe.role : "other", kFeRoles);
  if (fe.replayed_journal_id) {
    out.Gauge("streamprobe_doris_frontend_replayed_journal_id",
              "Journal id the FE has replayed up to.", l,
              static_cast<double>(*fe.replayed_journal_id));
  }
  if (fe.last_heartbeat_unix) {
    out.Gauge("streamprobe_doris_frontend_heartbeat_age_seconds",
              "Seconds since the FE's LastHeartbeat.", l,
              HeartbeatAge(fe.last_heartbeat_unix, v.now_unix));
  }
  out.Gauge("streamprobe_doris_frontend_error_message_present",
            "1 if the FE row carries an ErrMsg (text not exported).", l,
            fe.has_error_message ? 1 : 0);
  Labels info = l;
  info.push_back({"version", fe.version});
  out.Info("streamprobe_doris_frontend_info", "FE version as listed by the cluster.", info);
}

void RenderBackendRow(const Labels& l, const DorisBackendRow& be, const DorisClusterView& v,
                      MetricSet& out) {
  out.Gauge("streamprobe_doris_backend_alive", "BE listed Alive=true by the cluster.", l,
            be.alive ? 1 : 0);
  out.Gauge("streamprobe_doris_backend_decommissioned", "BE listed SystemDecommissioned=true.",
            l, be.decommissioned ? 1 : 0);
  const bool stale = !be.last_heartbeat_unix ||
                     HeartbeatAge(be.last_heartbeat_unix, v.now_unix) > v.stale_after_seconds;
  if (be.last_heartbeat_unix) {
    out.Gauge("streamprobe_doris_backend_heartbeat_age_seconds",
              "Seconds since the BE's LastHeartbeat.", l,
              HeartbeatAge(be.last_heartbeat_unix, v.now_unix));
  }
  out.Gauge("streamprobe_doris_backend_heartbeat_stale",
            "1 if the BE never heartbeated or its heartbeat is older than heartbeat_stale_after.",
            l, stale ? 1 : 0);
  if (be.tablets) {
    out.Gauge("streamprobe_doris_backend_tablets", "Tablets on the BE (TabletNum).", l,
              static_cast<double>(*be.tablets));
  }
  if (be.disk_used_ratio) {
    out.Gauge("streamprobe_doris_backend_disk_used_ratio",
              "Used share of the BE's data disks (UsedPct).", l, *be.disk_used_ratio);
  }
  if (be.max_disk_used_ratio) {
    out.Gauge("streamprobe_doris_backend_max_disk_used_ratio",
              "Used share of the BE's fullest disk (MaxDiskUsedPct).", l, *be.max_disk_used_ratio);
  }
  out.Gauge("streamprobe_doris_backend_error_message_present",
            "1 if the BE row carries an ErrMsg (text not exported).", l,
            be.has_error_message ? 1 : 0);
  Labels info = l;
  info.push_back({"version", be.version});
  out.Info("streamprobe_doris_backend_info", "BE version as listed by the cluster.", info);
}

template <typename Row, typename RenderRow>
std::size_t RenderNodes(std::string_view kind, const std::vector<DorisAddress>& expected,
                        const std::optional<std::vector<Row>>& rows, const DorisClusterView& v,
                        RenderRow render_row, MetricSet& out) {
  const std::string label = std::string(kind);
  const std::string prefix = "streamprobe_doris_" + label;
  std::size_t rendered = 0, dropped = 0;
  for (const auto& [name, entry] : MergeNodes(expected, rows ? &*rows : nullptr)) {
    if (!entry.expected && rendered >= v.max_nodes) {
      ++dropped;
      continue;
    }
    ++rendered;
    const Labels l = {{label, name}};
    out.Gauge(prefix + "_expected", "1 if the node is declared in the configuration.", l,
              entry.expected ? 1 : 0);
    if (rows) {
      out.Gauge(prefix + "_present_in_cluster",
                "1 if the cluster lists the node (absent when no FE could be asked).", l,
                entry.row ? 1 : 0);
    }
    if (entry.row) render_row(l, *entry.row, v, out);
  }
  return dropped;
}

void RenderFrontendAggregates(const std::vector<DorisFrontendRow>& fes, MetricSet& out) {
  int masters = 0, followers = 0, followers_alive = 0, alive = 0;
  std::optional<std::int64_t> lo, hi;
  for (const DorisFrontendRow& fe : fes) {
    masters += fe.is_master;
    followers += fe.role == "FOLLOWER";
    followers_alive += fe.role == "FOLLOWER" && fe.alive;
    alive += fe.alive;
    if (fe.alive && fe.replayed_journal_id) {
      lo = std::min(lo.value_or(*fe.replayed_journal_id), *fe.replayed_journal_id);
      hi = std::max(hi.value_or(*fe.replayed_journal_id), *fe.replayed_journal_id);
    }
  }
  out.Gauge("streamprobe_doris_cluster_masters", "FEs listed IsMaster=true (healthy: 1).", {},
            masters);
  out.Gauge("streamprobe_doris_cluster_frontends_alive", "FEs listed Alive=true.", {}, alive);
  out.Gauge("streamprobe_doris_cluster_followers", "FEs listed with Role FOLLOWER.", {}, followers);
  out.Gauge("streamprobe_doris_cluster_followers_alive", "FOLLOWER FEs listed Alive=true.", {},
            followers_alive);
  out.Gauge("streamprobe_doris_cluster_follower_quorum",
            "Alive followers needed for a BDBJE majority (followers / 2 + 1).", {},
            followers / 2 + 1);
  if (lo && hi) {
    out.Gauge("streamprobe_doris_cluster_journal_id_spread",
              "Max minus min ReplayedJournalId over alive FEs.", {},
              static_cast<double>(*hi - *lo));
  }
}

void RenderBackendAggregates(const std::vector<DorisBackendRow>& bes, MetricSet& out) {
  int alive = 0;
  for (const DorisBackendRow& be : bes) alive += be.alive;
  out.Gauge("streamprobe_doris_cluster_backends_listed", "BEs listed by the cluster.", {},
            static_cast<double>(bes.size()));
  out.Gauge("streamprobe_doris_cluster_backends_alive", "BEs listed Alive=true.", {}, alive);
}

}  // namespace

Status JudgeCluster(const std::vector<DorisFrontendRow>& frontends) {
  int masters = 0, followers = 0, followers_alive = 0;
  for (const DorisFrontendRow& fe : frontends) {
    masters += fe.is_master;
    followers += fe.role == "FOLLOWER";
    followers_alive += fe.role == "FOLLOWER" && fe.alive;
  }
  if (masters != 1) {
    return Status::Fail(Reason::kNotServing, std::to_string(masters) + " masters listed");
  }
  if (followers_alive < followers / 2 + 1) {
    return Status::Fail(Reason::kNotServing, std::to_string(followers_alive) + " of " +
                                                 std::to_string(followers) +
                                                 " followers alive: no quorum");
  }
  return Status::Ok();
}

void RenderFrontendHealth(const std::string& frontend, const DorisFeHealth& health,
                          MetricSet& out) {
  const Labels l = {{"frontend", frontend}};
  out.Gauge("streamprobe_doris_frontend_backends_online",
            "Online BEs as counted by this FE (/api/health).", l,
            static_cast<double>(health.online_backends));
  out.Gauge("streamprobe_doris_frontend_backends_known",
            "BEs known to this FE (/api/health).", l, static_cast<double>(health.total_backends));
}

void RenderCluster(const DorisClusterView& v, MetricSet& out) {
  const std::size_t dropped =
      RenderNodes("frontend", v.expected_fe, v.frontends, v, RenderFrontendRow, out) +
      RenderNodes("backend", v.expected_be, v.backends, v, RenderBackendRow, out);
  out.Gauge("streamprobe_doris_cluster_frontends_expected", "FEs declared in the configuration.",
            {}, static_cast<double>(v.expected_fe.size()));
  out.Gauge("streamprobe_doris_cluster_backends_expected", "BEs declared in the configuration.",
            {}, static_cast<double>(v.expected_be.size()));
  out.Gauge("streamprobe_doris_cluster_nodes_dropped",
            "Listed but undeclared nodes not rendered (max_nodes budget).", {},
            static_cast<double>(dropped));
  if (v.frontends) RenderFrontendAggregates(*v.frontends, out);
  if (v.backends) RenderBackendAggregates(*v.backends, out);
}

void RenderSqlQueries(const std::vector<DorisQueryResult>& results, MetricSet& out) {
  std::vector<std::string_view> reasons;
  for (Reason r : kAllReasons) reasons.push_back(ReasonName(r));
  for (const DorisQueryResult& q : results) {
    const Labels l = {{"query", q.name}};
    out.Gauge("streamprobe_doris_sql_query_success", "1 if the named query returned a number.", l,
              q.status.ok() ? 1 : 0);
    out.Gauge("streamprobe_doris_sql_query_duration_seconds", "Time the named query took.", l,
              q.duration_seconds);
    out.StateSet("streamprobe_doris_sql_query_failure_reason",
                 "Why the named query failed (none: it succeeded).", l, "reason",
                 ReasonName(q.status.reason()), reasons);
    if (q.status.ok()) {
      out.Gauge("streamprobe_doris_sql_query_value", "The number the named query returned.", l,
                q.value);
    }
  }
}

}  // namespace streamprobe
