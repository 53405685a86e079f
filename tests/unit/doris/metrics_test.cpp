// Exact series for typed Doris results, and the cluster judgement.
#include <gtest/gtest.h>

#include <sstream>

#include "doris/doris_metrics.h"

namespace streamprobe {
namespace {

// Sample lines (no HELP/TYPE) of the rendered text.
std::vector<std::string> Samples(const MetricSet& set) {
  std::vector<std::string> out;
  std::istringstream text(RenderText(set.Families()));
  for (std::string line; std::getline(text, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

DorisFrontendRow Fe(std::string host, int port, bool master, bool alive, std::int64_t journal) {
  DorisFrontendRow fe;
  fe.host = std::move(host);
  fe.http_port = port;
  fe.role = "FOLLOWER";
  fe.is_master = master;
  fe.joined = true;
  fe.alive = alive;
  fe.replayed_journal_id = journal;
  fe.last_heartbeat_unix = 990;
  fe.version = "2.1.7";
  return fe;
}

TEST(DorisJudge, MastersAndQuorum) {
  EXPECT_TRUE(JudgeCluster({Fe("a", 1, true, true, 5), Fe("b", 1, false, true, 5),
                            Fe("c", 1, false, false, 5)}).ok());
  EXPECT_EQ(JudgeCluster({Fe("a", 1, false, true, 5)}).reason(), Reason::kNotServing);
  EXPECT_EQ(JudgeCluster({Fe("a", 1, true, true, 5), Fe("b", 1, true, true, 5)}).reason(),
            Reason::kNotServing);
  EXPECT_EQ(JudgeCluster({Fe("a", 1, true, true, 5), Fe("b", 1, false, false, 5),
                          Fe("c", 1, false, false, 5)}).reason(),
            Reason::kNotServing);
  DorisFrontendRow observer = Fe("d", 1, false, false, 5);
  observer.role = "OBSERVER";
  EXPECT_TRUE(JudgeCluster({Fe("a", 1, true, true, 5), observer}).ok());
}

TEST(DorisMetrics, ExpectedButMissingWhenNoFeAnswered) {
  DorisClusterView v;
  v.expected_fe = {{"fe-0", 8030}};
  v.expected_be = {{"be-0", 8040}};
  MetricSet m;
  RenderCluster(v, m);
  EXPECT_EQ(Samples(m), (std::vector<std::string>{
                            "streamprobe_doris_backend_expected{backend=\"be-0:8040\"} 1",
                            "streamprobe_doris_cluster_backends_expected 1",
                            "streamprobe_doris_cluster_frontends_expected 1",
                            "streamprobe_doris_cluster_nodes_dropped 0",
                            "streamprobe_doris_frontend_expected{frontend=\"fe-0:8030\"} 1",
                        }));
}

TEST(DorisMetrics, ClusterExactSeries) {
  DorisClusterView v;
  v.expected_fe = {{"FE-0", 8030}, {"fe-1", 8030}};
  v.expected_be = {{"be-0", 8040}};
  v.now_unix = 1000;
  v.stale_after_seconds = 30;
  v.frontends = std::vector<DorisFrontendRow>{Fe("fe-0", 8030, true, true, 100)};
  DorisBackendRow be;
  be.host = "10.0.0.9";
  be.host_name = "be-0";
  be.http_port = 8040;
  be.alive = true;
  be.last_heartbeat_unix = 900;
  be.tablets = 12;
  be.disk_used_ratio = 0.25;
  be.max_disk_used_ratio = 0.95;
  be.has_error_message = true;
  be.version = "2.1.7";
  v.backends = std::vector<DorisBackendRow>{be};
  MetricSet m;
  RenderCluster(v, m);
  EXPECT_EQ(Samples(m), (std::vector<std::string>{
      "streamprobe_doris_backend_alive{backend=\"be-0:8040\"} 1",
      "streamprobe_doris_backend_decommissioned{backend=\"be-0:8040\"} 0",
      "streamprobe_doris_backend_disk_used_ratio{backend=\"be-0:8040\"} 0.25",
      "streamprobe_doris_backend_error_message_present{backend=\"be-0:8040\"} 1",
      "streamprobe_doris_backend_expected{backend=\"be-0:8040\"} 1",
      "streamprobe_doris_backend_heartbeat_age_seconds{backend=\"be-0:8040\"} 100",
      "streamprobe_doris_backend_heartbeat_stale{backend=\"be-0:8040\"} 1",
      "streamprobe_doris_backend_info{backend=\"be-0:8040\",version=\"2.1.7\"} 1",
      "streamprobe_doris_backend_max_disk_used_ratio{backend=\"be-0:8040\"} 0.95",
      "streamprobe_doris_backend_present_in_cluster{backend=\"be-0:8040\"} 1",
      "streamprobe_doris_backend_tablets{backend=\"be-0:8040\"} 12",
      "streamprobe_doris_cluster_backends_alive 1",
      "streamprobe_doris_cluster_backends_expected 1",
      "streamprobe_doris_cluster_backends_listed 1",
      "streamprobe_doris_cluster_follower_quorum 1",
      "streamprobe_doris_cluster_followers 1",
      "streamprobe_doris_cluster_followers_alive 1",
      "streamprobe_doris_cluster_frontends_alive 1",
      "streamprobe_doris_cluster_frontends_expected 2",
      "streamprobe_doris_cluster_journal_id_spread 0",
      "streamprobe_doris_cluster_masters 1",
      "streamprobe_doris_cluster_nodes_dropped 0",
      "streamprobe_doris_frontend_alive{frontend=\"FE-0:8030\"} 1",
      "streamprobe_doris_frontend_error_message_present{frontend=\"FE-0:8030\"} 0",
      "streamprobe_doris_frontend_expected{frontend=\"FE-0:8030\"} 1",
      "streamprobe_doris_frontend_expected{frontend=\"fe-1:8030\"} 1",
      "streamprobe_doris_frontend_heartbeat_age_seconds{frontend=\"FE-0:8030\"} 10",
      "streamprobe_doris_frontend_info{frontend=\"FE-0:8030\",version=\"2.1.7\"} 1",
      "streamprobe_doris_frontend_is_master{frontend=\"FE-0:8030\"} 1",
      "streamprobe_doris_frontend_joined{frontend=\"FE-0:8030\"} 1",
      "streamprobe_doris_frontend_present_in_cluster{frontend=\"FE-0:8030\"} 1",
      "streamprobe_doris_frontend_present_in_cluster{frontend=\"fe-1:8030\"} 0",
      "streamprobe_doris_frontend_replayed_journal_id{frontend=\"FE-0:8030\"} 100",
      "streamprobe_doris_frontend_role{frontend=\"FE-0:8030\",role=\"FOLLOWER\"} 1",
      "streamprobe_doris_frontend_role{frontend=\"FE-0:8030\",role=\"OBSERVER\"} 0",
      "streamprobe_doris_frontend_role{frontend=\"FE-0:8030\",role=\"other\"} 0",
  }));
}

TEST(DorisMetrics, UndeclaredNodesBeyondBudgetAreCounted) {
  DorisClusterView v;
  v.max_nodes = 2;
  std::vector<DorisFrontendRow> fes;
  for (int i = 0; i < 5; ++i) fes.push_back(Fe("h" + std::to_string(i), 8030, i == 0, true, 1));
  v.frontends = fes;
  MetricSet m;
  RenderCluster(v, m);
  int alive_series = 0;
  for (const std::string& s : Samples(m)) {
    alive_series += s.rfind("streamprobe_doris_frontend_alive{", 0) == 0;
  }
  EXPECT_EQ(alive_series, 2);
  EXPECT_NE(std::find(Samples(m).begin(), Samples(m).end(),
                      "streamprobe_doris_cluster_nodes_dropped 3"),
            Samples(m).end());
}

TEST(DorisMetrics, SqlQueries) {
  std::vector<DorisQueryResult> results(2);
  results[0] = {"fresh", Status::Ok(), 0.5, 42};
  results[1] = {"broken", Status::Fail(Reason::kTimeout, "slow"), 1, 0};
  MetricSet m;
  RenderSqlQueries(results, m);
  const auto samples = Samples(m);
  auto has = [&](const std::string& line) {
    return std::find(samples.begin(), samples.end(), line) != samples.end();
  };
  EXPECT_TRUE(has("streamprobe_doris_sql_query_value{query=\"fresh\"} 42"));
  EXPECT_TRUE(has("streamprobe_doris_sql_query_success{query=\"fresh\"} 1"));
  EXPECT_TRUE(has("streamprobe_doris_sql_query_success{query=\"broken\"} 0"));
  EXPECT_TRUE(has("streamprobe_doris_sql_query_duration_seconds{query=\"broken\"} 1"));
  EXPECT_TRUE(has("streamprobe_doris_sql_query_failure_reason{query=\"broken\",reason=\"timeout\"} 1"));
  EXPECT_TRUE(has("streamprobe_doris_sql_query_failure_reason{query=\"fresh\",reason=\"none\"} 1"));
  EXPECT_FALSE(has("streamprobe_doris_sql_query_value{query=\"broken\"} 0"));
  EXPECT_EQ(samples.size(), 2u * 2 + 1 + 2u * 10);
}

TEST(DorisMetrics, FrontendHealth) {
  MetricSet m;
  RenderFrontendHealth("fe-0:8030", {2, 3}, m);
  EXPECT_EQ(Samples(m), (std::vector<std::string>{
                            "streamprobe_doris_frontend_backends_known{frontend=\"fe-0:8030\"} 3",
                            "streamprobe_doris_frontend_backends_online{frontend=\"fe-0:8030\"} 2",
                        }));
}

}  // namespace
}  // namespace streamprobe
