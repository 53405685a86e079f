// The doris section: defaults, every field, and every error naming its field.
#include <gtest/gtest.h>

#include <cstdlib>

#include "doris/doris_config.h"
#include "doris/doris_plan.h"

namespace streamprobe {
namespace {

struct Decoded {
  DorisConfig config;
  ErrorList errors;
};

Decoded Decode(const std::string& yaml) {
  Decoded d;
  Decoder section(YAML::Load(yaml), "doris", &d.errors);
  d.config = DecodeDorisConfig(section);
  section.Finish();
  return d;
}

std::string Errors(const ErrorList& errors) { return FormatErrors(errors); }

TEST(DorisConfig, FullSection) {
  setenv("DORIS_TEST_PASSWORD", "pw", 1);
  Decoded d = Decode(R"(
fe: ["fe-0:8030", "fe-1:8030"]
be: ["be-0:8040"]
basic_auth: {user: root, password: {env: DORIS_TEST_PASSWORD}}
heartbeat_stale_after: 45s
time_zone: "+08:00"
max_nodes: 50
sql:
  address: "fe-0:9030"
  user: probe
  password: {env: DORIS_TEST_PASSWORD}
  database: analytics
  queries:
    - {name: fresh, sql: "SELECT 1", timeout: 2s}
)");
  ASSERT_TRUE(d.errors.empty()) << Errors(d.errors);
  EXPECT_EQ(d.config.fe.size(), 2u);
  EXPECT_EQ(d.config.fe[1].Name(), "fe-1:8030");
  EXPECT_EQ(d.config.basic_auth.password.value, "pw");
  EXPECT_EQ(d.config.heartbeat_stale_after, Millis(45000));
  EXPECT_EQ(d.config.time_zone_offset_seconds, 8 * 3600);
  ASSERT_TRUE(d.config.sql);
  EXPECT_EQ(d.config.sql->address.port, 9030);
  EXPECT_EQ(d.config.sql->queries[0].timeout, Millis(2000));
}

TEST(DorisConfig, Defaults) {
  Decoded d = Decode("fe: [\"fe-0:8030\"]");
  ASSERT_TRUE(d.errors.empty()) << Errors(d.errors);
  EXPECT_EQ(d.config.heartbeat_stale_after, Millis(30000));
  EXPECT_EQ(d.config.time_zone_offset_seconds, 0);
  EXPECT_TRUE(d.config.basic_auth.user.empty());
  EXPECT_FALSE(d.config.sql);
}

TEST(DorisConfig, ErrorsNameTheirFields) {
  Decoded d = Decode(R"(
fe: ["fe-0", "fe-1:8030", "fe-1:8030"]
be: ["fe-1:8030"]
basic_auth: {user: root, password: inline}
time_zone: Mars/Olympus
mystery: 1
sql:
  address: nowhere
  queries:
    - {name: a, sql: "SELECT 1"}
    - {name: a, sql: "SELECT 2", extra: true}
)");
  const std::string text = Errors(d.errors);
  for (const char* want :
       {"doris.fe: \"fe-0\" is not host:port", "doris.fe: \"fe-1:8030\" is listed twice",
        "doris.be: \"fe-1:8030\" is also an FE", "doris.basic_auth.password",
        "doris.time_zone", "doris.mystery: unknown field", "doris.sql.address",
        "doris.sql.user", "doris.sql.queries[1].name: \"a\" is used twice",
        "doris.sql.queries[1].extra: unknown field"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST(DorisConfig, FeIsRequired) {
  EXPECT_NE(Errors(Decode("be: []").errors).find("doris.fe"), std::string::npos);
}

TEST(DorisPlan, TargetsPerNodePlusClusterAndSql) {
  ErrorList errors;
  Decoder section(YAML::Load(R"(
interval: 10s
timeout: 3s
fe: ["fe-0:8030"]
be: ["be-0:8040", "be-1:8040"]
sql: {address: "fe-0:9030", user: u}
)"), "doris", &errors);
  Plan plan;
  PlanDoris(section, ClusterContext{"prod", Millis(15000), Millis(5000)}, plan);
  ASSERT_TRUE(errors.empty()) << Errors(errors);
  std::vector<std::string> names;
  for (const auto& t : plan.targets) {
    names.push_back(t.name);
    EXPECT_EQ(t.system, "doris");
    EXPECT_EQ(t.cluster, "prod");
    EXPECT_EQ(t.timeout, Millis(3000));
    EXPECT_EQ(t.interval, Millis(10000));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"fe-0:8030", "be-0:8040", "be-1:8040", "cluster",
                                             "sql"}));
}

TEST(DorisConfig, UtcOffsets) {
  EXPECT_EQ(ParseUtcOffset("-05:30"), -(5 * 3600 + 30 * 60));
  EXPECT_EQ(ParseUtcOffset("Z"), 0);
  EXPECT_FALSE(ParseUtcOffset("+8"));
  EXPECT_FALSE(ParseUtcOffset("+15:00"));
}

}  // namespace
}  // namespace streamprobe
