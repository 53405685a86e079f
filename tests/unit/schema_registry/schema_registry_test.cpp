// Schema Registry: parsers on the simulator's fixtures (tests/fixtures/schema_registry,
// recorded from tests/sim/schema_registry_sim.py, not from a real registry), the
// probe against fake and faulty HttpClients, exact metric series, and config errors.
#include <gtest/gtest.h>

#include "support/fake_http.h"
#include "config/config.h"
#include "schema_registry/schema_registry_metrics.h"
#include "schema_registry/schema_registry_parse.h"
#include "schema_registry/schema_registry_plan.h"
#include "schema_registry/schema_registry_probe.h"

namespace streamprobe {
namespace {

using testing::FakeHttp;

constexpr char kUrl[] = "http://sr:8081";

std::string Fixture(const std::string& name) { return testing::ReadFixture("schema_registry/" + name); }

TEST(SchemaRegistryParseTest, SimulatorFixtures) {
  EXPECT_TRUE(ParseRegistryRoot(Fixture("root__ok.json")).ok());
  EXPECT_EQ(ParseRegistryMode(Fixture("mode__ok.json")).value, "READWRITE");
  EXPECT_EQ(ParseRegistryCompatibility(Fixture("config__ok.json")).value, "BACKWARD");
  EXPECT_EQ(ParseRegistrySubjects(Fixture("subjects__ok.json")).value, 2u);
  EXPECT_EQ(ParseRegistrySubjects(Fixture("subjects__deleted.json")).value, 3u);
  auto error = ParseRegistryError(Fixture("subjects__store_error.json"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error_code, 50001);
  EXPECT_EQ(BoundedRegistryErrorCode(error->error_code), "50001");
  EXPECT_FALSE(ParseRegistryError(Fixture("subjects__html_502.html")));
}

TEST(SchemaRegistryParseTest, HandWrittenEdgeCases) {
  EXPECT_EQ(ParseRegistryRoot("<html></html>").reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseRegistryRoot("[]").reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseRegistryMode("{\"mode\":\"SOMETHING_NEW\"}").value, kRegistryUnknown);
  EXPECT_EQ(ParseRegistryMode("{\"mode\":1}").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseRegistryCompatibility(
                "{\"compatibilityLevel\":\"FULL_TRANSITIVE\",\"normalize\":true}").value,
            "FULL_TRANSITIVE");
  EXPECT_EQ(ParseRegistryCompatibility("{\"compat").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseRegistrySubjects("[1]").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseRegistrySubjects("{}").status.reason(), Reason::kBadPayload);
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(ParseRegistryMode("{\"mode\":" + deep + "}").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseRegistrySubjects(deep).status.reason(), Reason::kBadPayload);
  EXPECT_FALSE(ParseRegistryError("{\"error_code\":" + deep + "}"));
  EXPECT_EQ(BoundedRegistryErrorCode(50099), "other");
  EXPECT_EQ(BoundedRegistryErrorCode(404), "other");
}

std::shared_ptr<FakeHttp> Healthy() {
  auto fake = std::make_shared<FakeHttp>();
  fake->Answer(std::string(kUrl) + "/", 200, Fixture("root__ok.json"));
  fake->Answer(std::string(kUrl) + "/mode", 200, Fixture("mode__ok.json"));
  fake->Answer(std::string(kUrl) + "/subjects", 200, Fixture("subjects__ok.json"));
  fake->Answer(std::string(kUrl) + "/config", 200, Fixture("config__ok.json"));
  return fake;
}

ProbeOutcome RunProbe(std::shared_ptr<FakeHttp> fake, std::size_t cap = 4u << 20) {
  SchemaRegistryConfig config;
  config.max_body_bytes = cap;
  SchemaRegistryProbe probe(kUrl, config, std::move(fake));
  return probe.Run(ProbeContext{Clock::now() + std::chrono::seconds(5), nullptr});
}

std::string Text(const ProbeOutcome& out) { return RenderText(out.metrics.Families()); }

TEST(SchemaRegistryProbeTest, HealthyRegistry) {
  auto out = RunProbe(Healthy());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  EXPECT_NE(Text(out).find("streamprobe_schema_registry_subjects{registry=\"http://sr:8081\"} 2"),
            std::string::npos);
}

TEST(SchemaRegistryProbeTest, StoreErrorBodyGivesHttpStatusAndBoundedCode) {
  auto fake = Healthy();
  fake->Answer(std::string(kUrl) + "/subjects", 500, Fixture("subjects__store_error.json"));
  fake->Answer(std::string(kUrl) + "/config", 500, Fixture("config__store_error.json"));
  auto out = RunProbe(fake);
  EXPECT_EQ(out.status.reason(), Reason::kHttpStatus);
  EXPECT_NE(out.status.detail().find("GET /subjects: HTTP 500 error_code 50001"), std::string::npos)
      << out.status.detail();
  const std::string text = Text(out);
  EXPECT_NE(text.find("error_info{registry=\"http://sr:8081\",endpoint=\"/subjects\",error_code=\"50001\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("mode=\"READWRITE\"} 1"), std::string::npos);  // the rest still exported
  EXPECT_EQ(text.find("store error"), std::string::npos);            // message never in labels
}

TEST(SchemaRegistryProbeTest, FaultsGiveReasons) {
  struct Case { std::string name; std::function<void(FakeHttp&)> setup; Reason want; };
  const std::string root = std::string(kUrl) + "/";
  for (const Case& c : std::vector<Case>{
           {"refused", [&](FakeHttp& f) { f.Fail(root, Reason::kRefused, "refused"); }, Reason::kRefused},
           {"timeout", [&](FakeHttp& f) { f.Fail(root, Reason::kTimeout, "timed out"); }, Reason::kTimeout},
           {"html", [&](FakeHttp& f) { f.Answer(root, 200, Fixture("subjects__html_502.html")); },
            Reason::kBadPayload},
           {"html 502", [&](FakeHttp& f) { f.Answer(root, 502, Fixture("subjects__html_502.html")); },
            Reason::kHttpStatus},
           {"truncated", [&](FakeHttp& f) { f.Answer(std::string(kUrl) + "/mode", 200, "{\"mo"); },
            Reason::kBadPayload},
           {"auth", [&](FakeHttp& f) { f.Answer(root, 401, "{\"error_code\":40101,\"message\":\"x\"}"); },
            Reason::kAuth}}) {
    auto fake = Healthy();
    c.setup(*fake);
    auto out = RunProbe(fake);
    EXPECT_EQ(out.status.reason(), c.want) << c.name << ": " << out.status.detail();
  }
}

TEST(SchemaRegistryProbeTest, TransportFailureSkipsTheOtherCallsAndOversizeIsBadPayload) {
  auto fake = Healthy();
  fake->Fail(std::string(kUrl) + "/", Reason::kTimeout, "timed out");
  auto out = RunProbe(fake);
  EXPECT_EQ(fake->requests.size(), 1u);
  EXPECT_EQ(Text(out).find("subjects"), std::string::npos);
  auto big = Healthy();
  big->Answer(std::string(kUrl) + "/subjects", 200, "[\"" + std::string(4096, 'x') + "\"]");
  EXPECT_EQ(RunProbe(big, 1024).status.reason(), Reason::kBadPayload);
}

TEST(SchemaRegistryMetricsTest, ExactSeries) {
  MetricSet set;
  RegistryObservation obs;
  obs.url = "http://sr:8081";
  obs.up = true;
  obs.mode = "READONLY";
  obs.compatibility = "NONE";
  obs.subjects = 7;
  obs.errors.push_back({"/config", "50002"});
  RenderRegistry(obs, set);
  std::string series;
  const std::string text = RenderText(set.Families());
  for (std::size_t pos = 0, end; pos < text.size(); pos = end + 1) {
    end = text.find('\n', pos);
    if (text[pos] != '#') series += text.substr(pos, end - pos + 1);
  }
  const std::string r = "registry=\"http://sr:8081\"";
  EXPECT_EQ(series,
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"BACKWARD\"} 0\n"
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"BACKWARD_TRANSITIVE\"} 0\n"
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"FORWARD\"} 0\n"
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"FORWARD_TRANSITIVE\"} 0\n"
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"FULL\"} 0\n"
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"FULL_TRANSITIVE\"} 0\n"
            "streamprobe_schema_registry_compatibility{" + r + ",level=\"NONE\"} 1\n"
            "streamprobe_schema_registry_error_info{" + r + ",endpoint=\"/config\",error_code=\"50002\"} 1\n"
            "streamprobe_schema_registry_mode{" + r + ",mode=\"READWRITE\"} 0\n"
            "streamprobe_schema_registry_mode{" + r + ",mode=\"READONLY\"} 1\n"
            "streamprobe_schema_registry_mode{" + r + ",mode=\"READONLY_OVERRIDE\"} 0\n"
            "streamprobe_schema_registry_mode{" + r + ",mode=\"IMPORT\"} 0\n"
            "streamprobe_schema_registry_subjects{" + r + "} 7\n"
            "streamprobe_schema_registry_up{" + r + "} 1\n");
}

LoadedConfig Load(const std::string& section) {
  static const Backend kBackends[] = {{"schema_registry", &PlanSchemaRegistry}};
  return LoadConfigText("clusters:\n  - name: dp\n    schema_registry:\n" + section, kBackends);
}

TEST(SchemaRegistryConfigTest, PlansOneTargetPerUrl) {
  auto c = Load("      timeout: 2s\n      urls: [\"http://a:8081/\", \"http://b:8081\"]\n");
  ASSERT_TRUE(c.ok()) << FormatErrors(c.errors);
  ASSERT_EQ(c.plan.targets.size(), 2u);
  EXPECT_EQ(c.plan.targets[0].Id(), "dp/schema_registry/http://a:8081");
  EXPECT_EQ(c.plan.targets[1].timeout, Millis(2000));
}

TEST(SchemaRegistryConfigTest, ErrorsNameTheirFields) {
  for (auto [yaml, want] : std::vector<std::pair<std::string, std::string>>{
           {"      timeout: 2s\n", "clusters[0].schema_registry.urls: is required"},
           {"      urls: [\"sr:8081\"]\n", "clusters[0].schema_registry.urls: \"sr:8081\" is not"},
           {"      urls: [\"http://a\"]\n      basic_auth: {user: u, password: p}\n",
            "clusters[0].schema_registry.basic_auth.password"},
           {"      urls: [\"http://a\"]\n      url: x\n", "clusters[0].schema_registry.url"}}) {
    auto c = Load(yaml);
    EXPECT_NE(FormatErrors(c.errors).find(want), std::string::npos) << yaml << FormatErrors(c.errors);
  }
}

}  // namespace
}  // namespace streamprobe
