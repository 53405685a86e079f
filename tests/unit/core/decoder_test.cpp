#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/config.h"
#include "config/decoder.h"

namespace streamprobe {
namespace {

// A backend that reads one field, so tests can see section errors reported.
void PlanEcho(Decoder& section, const ClusterContext& cluster, Plan& plan) {
  Schedule schedule = ReadSchedule(section, cluster);
  TargetSpec target;
  target.cluster = cluster.name;
  target.system = "echo";
  target.name = section.RequiredString("target");
  target.interval = schedule.interval;
  target.timeout = schedule.timeout;
  section.Finish();
  plan.targets.push_back(target);
}
const Backend kEcho[] = {{"echo", &PlanEcho}};

std::vector<std::string> Fields(const ErrorList& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field + ": " + e.message);
  return out;
}

TEST(ParseDurationTest, AcceptsPrometheusStyleDurations) {
  EXPECT_EQ(ParseDuration("500ms").value, Millis(500));
  EXPECT_EQ(ParseDuration("15s").value, Millis(15000));
  EXPECT_EQ(ParseDuration("1m30s").value, Millis(90000));
  EXPECT_EQ(ParseDuration("2h").value, Millis(7200000));
  EXPECT_FALSE(ParseDuration("15").value);
  EXPECT_FALSE(ParseDuration("s").value);
  EXPECT_FALSE(ParseDuration("1.5s").value);
  EXPECT_FALSE(ParseDuration("").value);
}

TEST(ParseDurationTest, OverflowIsToldApartFromMalformed) {
  // Digits beyond long long, and products/sums beyond 64-bit milliseconds.
  for (const char* text : {"99999999999999999999s", "2562047788015216h", "106751991167301d",
                           "9223372036854775807ms1ms"}) {
    const DurationParse parsed = ParseDuration(text);
    EXPECT_FALSE(parsed.value) << text;
    EXPECT_TRUE(parsed.overflow) << text;
  }
  EXPECT_FALSE(ParseDuration("1x").overflow);
  EXPECT_EQ(ParseDuration("9223372036854775807ms").value, Millis(9223372036854775807LL));
}

TEST(LoadConfigTest, ValidConfigPlansTargetsWithInheritedSchedule) {
  auto loaded = LoadConfigText(R"(
defaults: {interval: 30s, timeout: 3s}
clusters:
  - name: prod
    echo: {target: a}
  - name: dev
    interval: 10s
    echo: {target: b, timeout: 1s}
)", kEcho);
  ASSERT_TRUE(loaded.ok()) << FormatErrors(loaded.errors);
  ASSERT_EQ(loaded.plan.targets.size(), 2u);
  EXPECT_EQ(loaded.plan.targets[0].Id(), "prod/echo/a");
  EXPECT_EQ(loaded.plan.targets[0].interval, Millis(30000));
  EXPECT_EQ(loaded.plan.targets[0].timeout, Millis(3000));
  EXPECT_EQ(loaded.plan.targets[1].interval, Millis(10000));
  EXPECT_EQ(loaded.plan.targets[1].timeout, Millis(1000));
}

TEST(LoadConfigTest, ReportsEveryErrorWithItsField) {
  auto loaded = LoadConfigText(R"(
clusters:
  - name: prod
    colour: blue
    echo: {target: a, interval: 5x, extra: 1}
  - name: prod
    echo: {timeout: 20s, interval: 10s}
surprise: true
)", kEcho);
  EXPECT_EQ(Fields(loaded.errors),
            (std::vector<std::string>{
                "clusters[0].echo.interval: must be a duration such as 500ms, 15s, 2m or 1h",
                "clusters[0].echo.extra: unknown field",
                "clusters[0].colour: unknown field",
                "clusters[1].name: duplicate cluster name prod",
                "clusters[1].echo.timeout: must not exceed interval",
                "clusters[1].echo.target: is required",
                "surprise: unknown field",
            }));
}

TEST(LoadConfigTest, RejectsBrokenYamlAndMissingClusters) {
  EXPECT_EQ(Fields(LoadConfigText("clusters: [", kEcho).errors).size(), 1u);
  EXPECT_EQ(Fields(LoadConfigText("{}", kEcho).errors),
            (std::vector<std::string>{"clusters: is required (a list of clusters)"}));
  EXPECT_EQ(Fields(LoadConfigText("clusters: {name: x}", kEcho).errors),
            (std::vector<std::string>{"clusters: must be a list"}));
}

TEST(DecoderTest, SecretsComeFromFilesOrEnvironmentNeverInline) {
  const std::string path = testing::TempDir() + "/secret.txt";
  std::ofstream(path) << "s3cr3t\n";
  setenv("STREAMPROBE_TEST_SECRET", "from-env", 1);
  YAML::Node node = YAML::Load("{a: {file: " + path +
                               "}, b: {env: STREAMPROBE_TEST_SECRET}, c: inline, "
                               "d: {env: STREAMPROBE_UNSET_VARIABLE}}");
  ErrorList errors;
  Decoder d(node, "auth", &errors);
  EXPECT_EQ(d.SecretValue("a").value, "s3cr3t");
  EXPECT_EQ(d.SecretValue("b").value, "from-env");
  EXPECT_TRUE(d.SecretValue("c").empty());
  EXPECT_TRUE(d.SecretValue("d").value.empty());
  d.Finish();
  EXPECT_EQ(Fields(errors),
            (std::vector<std::string>{
                "auth.c: must be {file: <path>} or {env: <VARIABLE>}; inline secrets are not "
                "accepted",
                "auth.d.env: environment variable STREAMPROBE_UNSET_VARIABLE is not set"}));
}

TEST(DecoderTest, TypedFieldsCheckRanges) {
  YAML::Node node = YAML::Load("{n: 70000, list: [1, x], re: '(', m: {a: b}, flag: maybe}");
  ErrorList errors;
  Decoder d(node, "s", &errors);
  EXPECT_EQ(d.Int("n", 5, 1, 65535), 5);
  EXPECT_EQ(d.IntList("list", 0, 10), (std::vector<long long>{1}));
  EXPECT_EQ(d.Regex("re"), "");
  EXPECT_EQ(d.StringMap("m").at("a"), "b");
  EXPECT_TRUE(d.Bool("flag", true));
  d.Finish();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].field, "s.n");
  EXPECT_EQ(errors[1].field, "s.list[1]");
  EXPECT_EQ(errors[2].field, "s.re");
  EXPECT_EQ(errors[3].field, "s.flag");
}

}  // namespace
}  // namespace streamprobe
