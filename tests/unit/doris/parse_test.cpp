// Parsers on recorded simulator payloads (tests/fixtures/doris/README.md).
#include <gtest/gtest.h>

#include "doris/doris_parse.h"
#include "support/fake_http.h"

namespace streamprobe {
namespace {

using testing::ReadFixture;

constexpr std::int64_t kRecordedNow = 1718000000;  // clock of the recordings, UTC

std::string Doris(const std::string& name) { return ReadFixture("doris/" + name); }

DorisTable Table(const std::string& name) {
  auto t = ParseNodeTable(Doris(name));
  EXPECT_TRUE(t.ok()) << name << ": " << t.status.detail();
  return t.value;
}

TEST(DorisBootstrap, ReadyWithDataObject) {
  EXPECT_TRUE(ParseBootstrap(Doris("api_bootstrap__ready.json")).ok());
}

TEST(DorisBootstrap, ReadyWithDataNull) {
  EXPECT_TRUE(ParseBootstrap(Doris("api_bootstrap__ready_data_null.json")).ok());
}

TEST(DorisBootstrap, WithTokenFilledData) {
  EXPECT_TRUE(ParseBootstrap(Doris("api_bootstrap__with_token.json")).ok());
}

TEST(DorisBootstrap, NotReadyIsNotServing) {
  EXPECT_EQ(ParseBootstrap(Doris("api_bootstrap__not_ready.json")).reason(),
            Reason::kNotServing);
  EXPECT_EQ(ParseBootstrap(Doris("api_bootstrap__invalid_token.json")).reason(),
            Reason::kNotServing);
}

TEST(DorisBootstrap, MsgIsNeverCompared) {
  EXPECT_TRUE(ParseBootstrap(R"({"msg":"OK","code":0,"data":null})").ok());
  EXPECT_EQ(ParseBootstrap(R"({"msg":"success","code":1,"data":"x"})").reason(),
            Reason::kNotServing);
}

TEST(DorisBootstrap, GarbageIsBadPayload) {
  for (const char* body : {"", "<html>", "[]", R"({"code":"0"})", R"({"code":0,"data":5})",
                           R"({"msg":"success"})"}) {
    EXPECT_EQ(ParseBootstrap(body).reason(), Reason::kBadPayload) << body;
  }
  EXPECT_EQ(ParseBootstrap(Doris("api_bootstrap__html_502.html")).reason(),
            Reason::kBadPayload);
}

TEST(DorisHttp, HtmlErrorPageIsBadPayloadNotHttpStatus) {
  HttpResponse r{502, Doris("api_bootstrap__html_502.html"), "text/html"};
  EXPECT_EQ(CheckDorisHttp(r).reason(), Reason::kBadPayload);
  r.content_type = "";
  EXPECT_EQ(CheckDorisHttp(r).reason(), Reason::kBadPayload);
  EXPECT_EQ(CheckDorisHttp({401, "{}", "application/json"}).reason(), Reason::kAuth);
  EXPECT_EQ(CheckDorisHttp({403, "", ""}).reason(), Reason::kAuth);
  EXPECT_EQ(CheckDorisHttp({500, "{}", "application/json"}).reason(), Reason::kHttpStatus);
  EXPECT_TRUE(CheckDorisHttp({200, "{}", "application/json"}).ok());
}

TEST(DorisFeHealth, Counts) {
  auto ok = ParseFeHealth(Doris("api_health__ok.json"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value.online_backends, 3);
  EXPECT_EQ(ok.value.total_backends, 3);
  auto dead = ParseFeHealth(Doris("api_health__be_not_alive.json"));
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead.value.online_backends, 2);
}

TEST(DorisFeHealth, NotReadyAndUnauthorized) {
  EXPECT_EQ(ParseFeHealth(Doris("api_health__not_ready_code503.json")).status.reason(),
            Reason::kNotServing);
  EXPECT_EQ(ParseFeHealth(Doris("api_health__unauthorized.json")).status.reason(), Reason::kAuth);
}

TEST(DorisBeHealth, CodeAndDocBodies) {
  EXPECT_TRUE(ParseBeHealth(Doris("be_api_health__ok.json")).ok());
  EXPECT_TRUE(ParseBeHealth(Doris("be_api_health__doc_empty_msg.json")).ok());
  EXPECT_EQ(ParseBeHealth(R"({"status": "FAIL"})").reason(), Reason::kNotServing);
  EXPECT_EQ(ParseBeHealth("Not Found").reason(), Reason::kBadPayload);
}

TEST(DorisNodeTable, BothColumnKeysGiveTheSameTable) {
  for (const char* kind : {"frontends", "backends"}) {
    for (const char* layout : {"current", "v21"}) {
      const std::string suffix = std::string(layout) + ".json";
      DorisTable snake = Table("manager_node_" + std::string(kind) + "__column_names_" + suffix);
      DorisTable camel = Table("manager_node_" + std::string(kind) + "__columnNames_" + suffix);
      EXPECT_EQ(snake.columns, camel.columns) << kind << layout;
      EXPECT_EQ(snake.rows, camel.rows) << kind << layout;
      EXPECT_EQ(snake.rows.size(), 3u);
    }
  }
}

TEST(DorisNodeTable, UnauthorizedBodyIsAuth) {
  EXPECT_EQ(ParseNodeTable(Doris("manager_node_frontends__unauthorized.json")).status.reason(),
            Reason::kAuth);
  EXPECT_EQ(ParseNodeTable(Doris("manager_node_backends__unauthorized.json")).status.reason(),
            Reason::kAuth);
}

TEST(DorisNodeTable, MissingColumnsOrRowsIsBadPayload) {
  EXPECT_EQ(ParseNodeTable(R"({"code":0,"data":{"rows":[]}})").status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseNodeTable(R"({"code":0,"data":{"columnNames":["A"],"rows":[5]}})").status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseNodeTable(R"({"code":0,"data":null})").status.reason(), Reason::kBadPayload);
}

TEST(DorisFrontends, AllLayoutsByName) {
  for (const char* file : {"manager_node_frontends__column_names_current.json",
                           "manager_node_frontends__column_names_procnode.json",
                           "manager_node_frontends__columnNames_v21.json"}) {
    auto fes = ParseFrontends(Table(file), 0);
    ASSERT_TRUE(fes.ok()) << file;
    ASSERT_EQ(fes.value.size(), 3u) << file;
    const DorisFrontendRow& master = fes.value[0];
    EXPECT_EQ(master.host, "127.0.0.1") << file;
    EXPECT_EQ(master.http_port, 8030) << file;
    EXPECT_EQ(master.role, "FOLLOWER") << file;
    EXPECT_TRUE(master.is_master) << file;
    EXPECT_TRUE(master.alive && master.joined) << file;
    EXPECT_EQ(master.replayed_journal_id, 1234567) << file;
    EXPECT_EQ(master.last_heartbeat_unix, kRecordedNow - 2) << file;
    EXPECT_FALSE(master.has_error_message) << file;
    EXPECT_EQ(fes.value[2].http_port, 8032) << file;
    EXPECT_FALSE(fes.value[2].is_master) << file;
  }
}

TEST(DorisFrontends, Scenarios) {
  auto count_masters = [](const std::string& file) {
    int n = 0;
    for (const auto& fe : ParseFrontends(Table(file), 0).value) n += fe.is_master;
    return n;
  };
  EXPECT_EQ(count_masters("manager_node_frontends__no_master.json"), 0);
  EXPECT_EQ(count_masters("manager_node_frontends__two_masters.json"), 2);
  auto lag = ParseFrontends(Table("manager_node_frontends__journal_lagging.json"), 0).value;
  EXPECT_EQ(*lag[0].replayed_journal_id - *lag[2].replayed_journal_id, 50000);
  auto down = ParseFrontends(Table("manager_node_frontends__fe_down.json"), 0).value;
  EXPECT_FALSE(down[2].alive);
  EXPECT_TRUE(down[2].has_error_message);
}

TEST(DorisFrontends, MissingRequiredColumnIsBadPayload) {
  DorisTable t;
  t.columns = {"Name", "Host", "HttpPort", "Alive"};
  EXPECT_EQ(ParseFrontends(t, 0).status.reason(), Reason::kBadPayload);
}

TEST(DorisBackends, CurrentLayout) {
  auto bes = ParseBackends(Table("manager_node_backends__column_names_current.json"), 0);
  ASSERT_TRUE(bes.ok());
  ASSERT_EQ(bes.value.size(), 3u);
  const DorisBackendRow& be = bes.value[0];
  EXPECT_EQ(be.host, "127.0.0.1");
  EXPECT_EQ(be.http_port, 8040);
  EXPECT_TRUE(be.alive);
  EXPECT_FALSE(be.decommissioned);
  EXPECT_EQ(be.tablets, 1200);
  EXPECT_DOUBLE_EQ(*be.disk_used_ratio, 0.301);
  EXPECT_DOUBLE_EQ(*be.max_disk_used_ratio, 0.332);
  EXPECT_EQ(be.last_heartbeat_unix, kRecordedNow - 2);
  EXPECT_EQ(be.version, "doris-2.1.7-rc03-443e87e203");
}

TEST(DorisBackends, OldLayoutUsesIpColumn) {
  auto bes = ParseBackends(Table("manager_node_backends__columnNames_v21.json"), 0);
  ASSERT_TRUE(bes.ok());
  EXPECT_EQ(bes.value[1].host, "127.0.0.1");
  EXPECT_EQ(bes.value[1].host_name, "localhost");
  EXPECT_EQ(bes.value[1].http_port, 8041);
  EXPECT_EQ(bes.value[1].tablets, 1207);
}

TEST(DorisBackends, Scenarios) {
  auto dead = ParseBackends(Table("manager_node_backends__be_not_alive.json"), 0).value;
  EXPECT_FALSE(dead[1].alive);
  EXPECT_TRUE(dead[1].has_error_message);
  auto stale = ParseBackends(Table("manager_node_backends__heartbeat_stale.json"), 0).value;
  EXPECT_TRUE(stale[1].alive);
  EXPECT_EQ(stale[1].last_heartbeat_unix, kRecordedNow - 300);
  auto full = ParseBackends(Table("manager_node_backends__disk_95.json"), 0).value;
  EXPECT_DOUBLE_EQ(*full[2].max_disk_used_ratio, 0.95);
  auto never = ParseBackends(Table("manager_node_backends__never_heartbeat_null.json"), 0).value;
  EXPECT_FALSE(never[2].last_heartbeat_unix);
  EXPECT_FALSE(never[2].alive);
}

TEST(DorisTime, ZonesAndZeroes) {
  EXPECT_EQ(ParseDorisTime("2024-06-10 06:13:20", 0), kRecordedNow);
  EXPECT_EQ(ParseDorisTime("2024-06-10 14:13:20", 8 * 3600), kRecordedNow);
  EXPECT_FALSE(ParseDorisTime("1970-01-01 08:00:00", 8 * 3600));
  EXPECT_EQ(ParseDorisTime("1970-01-01 00:00:01", 0), 1);
  for (const char* zero : {"NULL", "", "N/A", "1970-01-01 00:00:00", "2024-13-01 00:00:00",
                           "2024-06-10T06:13:20", "2024-06-10 06:13"}) {
    EXPECT_FALSE(ParseDorisTime(zero, 0)) << zero;
  }
}

TEST(DorisPercent, Formats) {
  EXPECT_DOUBLE_EQ(*ParsePercentRatio("12.34 %"), 0.1234);
  EXPECT_DOUBLE_EQ(*ParsePercentRatio("95.00 %"), 0.95);
  EXPECT_DOUBLE_EQ(*ParsePercentRatio("0"), 0.0);
  EXPECT_FALSE(ParsePercentRatio(""));
  EXPECT_FALSE(ParsePercentRatio("N/A"));
  EXPECT_FALSE(ParsePercentRatio("-3 %"));
}

}  // namespace
}  // namespace streamprobe
