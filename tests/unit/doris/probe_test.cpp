// Doris probes over a fake HttpClient and a fake SQL client: healthy,
// not ready, auth, HTML, transport failures, fail-over between FEs, oversize.
#include <gtest/gtest.h>

#include <map>

#include "core/snapshot.h"
#include "doris/doris_probe.h"
#include "doris/doris_sql.h"
#include "support/fake_http.h"

namespace streamprobe {
namespace {

using testing::FakeHttp;
using testing::ReadFixture;

std::string Doris(const std::string& name) { return ReadFixture("doris/" + name); }

std::shared_ptr<DorisConfig> Config() {
  auto c = std::make_shared<DorisConfig>();
  c->fe = {{"127.0.0.1", 8030}, {"127.0.0.1", 8031}, {"127.0.0.1", 8032}};
  c->be = {{"127.0.0.1", 8040}};
  c->basic_auth.user = "root";
  c->basic_auth.password.value = "secret";
  return c;
}

ProbeContext Ctx() { return ProbeContext{Clock::now() + std::chrono::seconds(5), nullptr}; }

double Value(const ProbeOutcome& out, const std::string& name, const Labels& labels = {}) {
  for (const auto& family : out.metrics.Families()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      if (metric.label == labels) return metric.gauge.value;
    }
  }
  return -1;
}

const std::string kFe0 = "http://127.0.0.1:8030";
const std::string kFe1 = "http://127.0.0.1:8031";

TEST(DorisFrontendProbe, ReadyExportsBackendCounts) {
  auto http = std::make_shared<FakeHttp>();
  http->Answer(kFe0 + "/api/bootstrap", 200, Doris("api_bootstrap__ready.json"));
  http->Answer(kFe0 + "/api/health", 200, Doris("api_health__be_not_alive.json"));
  DorisFrontendProbe probe(http, Config(), {"127.0.0.1", 8030});
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok());
  EXPECT_EQ(Value(out, "streamprobe_doris_frontend_backends_online", {{"frontend", "127.0.0.1:8030"}}), 2);
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_TRUE(http->requests[0].basic_user.empty()) << "bootstrap needs no auth";
  EXPECT_EQ(http->requests[1].basic_user, "root");
}

TEST(DorisFrontendProbe, Reasons) {
  struct Case {
    long status;
    std::string body, content_type;
    Reason want;
  };
  const std::vector<Case> cases = {
      {200, Doris("api_bootstrap__not_ready.json"), "application/json", Reason::kNotServing},
      {502, Doris("api_bootstrap__html_502.html"), "text/html", Reason::kBadPayload},
      {401, "", "", Reason::kAuth},
      {200, R"({"msg":"Unauthorized","code":401,"data":"x","count":0})", "application/json",
       Reason::kAuth},
      {404, R"({"msg":"Not Found","code":404})", "application/json", Reason::kHttpStatus},
      {200, std::string(5u << 20, 'x'), "application/json", Reason::kBadPayload},
  };
  for (const Case& c : cases) {
    auto http = std::make_shared<FakeHttp>();
    http->Answer(kFe0 + "/api/bootstrap", c.status, c.body, c.content_type);
    DorisFrontendProbe probe(http, Config(), {"127.0.0.1", 8030});
    EXPECT_EQ(probe.Run(Ctx()).status.reason(), c.want) << c.status << " " << c.body.substr(0, 40);
  }
}

TEST(DorisFrontendProbe, TransportFailuresPassThrough) {
  for (Reason r : {Reason::kDns, Reason::kRefused, Reason::kTimeout}) {
    auto http = std::make_shared<FakeHttp>();
    http->Fail(kFe0 + "/api/bootstrap", r);
    DorisFrontendProbe probe(http, Config(), {"127.0.0.1", 8030});
    ProbeOutcome out = probe.Run(Ctx());
    EXPECT_EQ(out.status.reason(), r);
    EXPECT_TRUE(out.metrics.empty());
  }
}

TEST(DorisBackendProbe, HealthAndFailures) {
  auto http = std::make_shared<FakeHttp>();
  http->Answer("http://127.0.0.1:8040/api/health", 200, Doris("be_api_health__ok.json"));
  DorisBackendProbe ok(http, Config(), {"127.0.0.1", 8040});
  EXPECT_TRUE(ok.Run(Ctx()).status.ok());
  http->Answer("http://127.0.0.1:8040/api/health", 200, R"({"status": "FAIL","msg": ""})");
  EXPECT_EQ(ok.Run(Ctx()).status.reason(), Reason::kNotServing);
  http->Answer("http://127.0.0.1:8040/api/health", 404, "Not Found", "text/plain");
  EXPECT_EQ(ok.Run(Ctx()).status.reason(), Reason::kHttpStatus);
  http->Answer("http://127.0.0.1:8040/api/health", 200, "Not Found", "text/plain");
  EXPECT_EQ(ok.Run(Ctx()).status.reason(), Reason::kBadPayload);
  http->Fail("http://127.0.0.1:8040/api/health", Reason::kDns);
  EXPECT_EQ(ok.Run(Ctx()).status.reason(), Reason::kDns);
}

void AnswerCluster(FakeHttp& http, const std::string& base, const std::string& fes,
                   const std::string& bes) {
  http.Answer(base + "/rest/v2/manager/node/frontends", 200, Doris(fes));
  http.Answer(base + "/rest/v2/manager/node/backends", 200, Doris(bes));
}

TEST(DorisClusterProbe, HealthyClusterWithAuth) {
  auto http = std::make_shared<FakeHttp>();
  AnswerCluster(*http, kFe0, "manager_node_frontends__columnNames_current.json",
                "manager_node_backends__columnNames_current.json");
  auto config = Config();
  config->heartbeat_stale_after = std::chrono::hours(24 * 365 * 100);
  DorisClusterProbe probe(http, config);
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_EQ(http->requests[0].basic_password, "secret");
  EXPECT_EQ(Value(out, "streamprobe_doris_cluster_masters"), 1);
  EXPECT_EQ(Value(out, "streamprobe_doris_cluster_backends_alive"), 3);
  EXPECT_EQ(Value(out, "streamprobe_doris_frontend_present_in_cluster",
                  {{"frontend", "127.0.0.1:8032"}}), 1);
  EXPECT_EQ(Value(out, "streamprobe_doris_backend_present_in_cluster",
                  {{"backend", "127.0.0.1:8040"}}), 1);
  EXPECT_EQ(Value(out, "streamprobe_doris_backend_expected", {{"backend", "127.0.0.1:8041"}}), 0);
}

TEST(DorisClusterProbe, FailsOverToTheNextFe) {
  auto http = std::make_shared<FakeHttp>();
  http->Fail(kFe0 + "/rest/v2/manager/node/frontends", Reason::kDns);
  AnswerCluster(*http, kFe1, "manager_node_frontends__column_names_v21.json",
                "manager_node_backends__column_names_v21.json");
  DorisClusterProbe probe(http, Config());
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_EQ(Value(out, "streamprobe_doris_cluster_backends_listed"), 3);
}

TEST(DorisClusterProbe, NoFeAnsweringKeepsExpectedSeries) {
  auto http = std::make_shared<FakeHttp>();
  for (const auto& base : {kFe0, kFe1, std::string("http://127.0.0.1:8032")}) {
    http->Fail(base + "/rest/v2/manager/node/frontends", Reason::kDns);
  }
  DorisClusterProbe probe(http, Config());
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kDns);
  EXPECT_EQ(Value(out, "streamprobe_doris_frontend_expected", {{"frontend", "127.0.0.1:8031"}}), 1);
  EXPECT_EQ(Value(out, "streamprobe_doris_backend_expected", {{"backend", "127.0.0.1:8040"}}), 1);
  EXPECT_EQ(Value(out, "streamprobe_doris_cluster_masters"), -1) << "unknown, not 0";
}

TEST(DorisClusterProbe, AuthFailureWinsOverOtherFailures) {
  auto http = std::make_shared<FakeHttp>();
  http->Fail(kFe0 + "/rest/v2/manager/node/frontends", Reason::kRefused);
  http->Answer(kFe1 + "/rest/v2/manager/node/frontends", 200,
               Doris("manager_node_frontends__unauthorized.json"));
  DorisClusterProbe probe(http, Config());
  EXPECT_EQ(probe.Run(Ctx()).status.reason(), Reason::kAuth);
}

TEST(DorisClusterProbe, JudgesMastersAndReportsBackendFailure) {
  auto http = std::make_shared<FakeHttp>();
  AnswerCluster(*http, kFe0, "manager_node_frontends__two_masters.json",
                "manager_node_backends__column_names_current.json");
  DorisClusterProbe probe(http, Config());
  EXPECT_EQ(probe.Run(Ctx()).status.reason(), Reason::kNotServing);

  AnswerCluster(*http, kFe0, "manager_node_frontends__column_names_current.json",
                "manager_node_backends__unauthorized.json");
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kAuth);
  EXPECT_EQ(Value(out, "streamprobe_doris_cluster_masters"), 1) << "frontends still exported";
}

TEST(DorisClusterProbe, EachFeAttemptGetsAShareOfTheDeadline) {
  auto http = std::make_shared<FakeHttp>();
  DorisClusterProbe probe(http, Config());
  const ProbeContext ctx = Ctx();
  probe.Run(ctx);
  ASSERT_EQ(http->requests.size(), 3u);
  EXPECT_LT(http->requests[0].deadline, ctx.deadline - std::chrono::seconds(3));
  EXPECT_LE(http->requests[2].deadline, ctx.deadline);
}

class FakeSql : public SqlScalarClient {
 public:
  std::map<std::string, Result<std::string>> answers;
  std::vector<Clock::time_point> deadlines;
  Result<std::string> QueryScalar(const DorisSqlConfig&, const std::string& sql,
                                  Clock::time_point deadline) override {
    deadlines.push_back(deadline);
    auto it = answers.find(sql);
    return it == answers.end() ? Result<std::string>::Fail(Reason::kOther, "no answer")
                               : it->second;
  }
};

DorisSqlConfig SqlConfig() {
  DorisSqlConfig c;
  c.queries = {{"fresh", "SELECT fresh", Millis(1000)}, {"bad", "SELECT bad", Millis(1000)},
               {"text", "SELECT text", Millis(60000)}};
  return c;
}

TEST(DorisSqlProbe, QueriesFailIndependently) {
  auto sql = std::make_shared<FakeSql>();
  sql->answers["SELECT 1"] = Result<std::string>::Of("1");
  sql->answers["SELECT fresh"] = Result<std::string>::Of("17.5");
  sql->answers["SELECT bad"] = Result<std::string>::Fail(Reason::kTimeout, "slow");
  sql->answers["SELECT text"] = Result<std::string>::Of("abc");
  DorisSqlProbe probe(sql, SqlConfig());
  const ProbeContext ctx = Ctx();
  ProbeOutcome out = probe.Run(ctx);
  EXPECT_TRUE(out.status.ok());
  EXPECT_EQ(Value(out, "streamprobe_doris_sql_query_value", {{"query", "fresh"}}), 17.5);
  EXPECT_EQ(Value(out, "streamprobe_doris_sql_query_success", {{"query", "bad"}}), 0);
  EXPECT_EQ(Value(out, "streamprobe_doris_sql_query_failure_reason",
                  {{"query", "text"}, {"reason", "bad_payload"}}), 1);
  ASSERT_EQ(sql->deadlines.size(), 4u);
  EXPECT_LT(sql->deadlines[1], ctx.deadline - std::chrono::seconds(3)) << "query timeout applies";
  EXPECT_EQ(sql->deadlines[3], ctx.deadline) << "round deadline bounds a long query timeout";
}

TEST(DorisSqlProbe, LivenessFailureIsTheTargetReason) {
  for (Reason r : {Reason::kAuth, Reason::kDns, Reason::kTimeout}) {
    auto sql = std::make_shared<FakeSql>();
    sql->answers["SELECT 1"] = Result<std::string>::Fail(r, "x");
    DorisSqlProbe probe(sql, SqlConfig());
    ProbeOutcome out = probe.Run(Ctx());
    EXPECT_EQ(out.status.reason(), r);
    EXPECT_EQ(sql->deadlines.size(), 1u);
  }
}

TEST(DorisSqlNumber, Parses) {
  EXPECT_EQ(ParseSqlNumber("42").value, 42);
  EXPECT_EQ(ParseSqlNumber(" -1.5 ").value, -1.5);
  EXPECT_EQ(ParseSqlNumber("").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseSqlNumber("12abc").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseSqlNumber("nan").status.reason(), Reason::kBadPayload);
}

}  // namespace
}  // namespace streamprobe
