#include <gtest/gtest.h>

#include "app/app.h"
#include "core/log.h"
#include "core/metric_set.h"
#include "http/server.h"

namespace streamprobe {
namespace {

TEST(MetricSetTest, StateSetMarksCurrentStateAndKeepsUnknownOnes) {
  MetricSet set;
  set.SetHelpSuffix("");
  constexpr std::string_view kStates[] = {"leader", "follower"};
  set.StateSet("streamprobe_x_mode", "Mode", {{"member", "m"}}, "mode", "follower", kStates);
  set.StateSet("streamprobe_x_mode", "Mode", {{"member", "n"}}, "mode", "weird", kStates);
  EXPECT_EQ(RenderText(set.Families()),
            "# HELP streamprobe_x_mode Mode\n"
            "# TYPE streamprobe_x_mode gauge\n"
            "streamprobe_x_mode{member=\"m\",mode=\"leader\"} 0\n"
            "streamprobe_x_mode{member=\"m\",mode=\"follower\"} 1\n"
            "streamprobe_x_mode{member=\"n\",mode=\"leader\"} 0\n"
            "streamprobe_x_mode{member=\"n\",mode=\"follower\"} 0\n"
            "streamprobe_x_mode{member=\"n\",mode=\"weird\"} 1\n");
}

TEST(MetricSetTest, ProbeHelpSaysValuesAreCached) {
  MetricSet set;
  set.Gauge("streamprobe_x_up", "Whether x answers", {}, 1);
  EXPECT_EQ(set.Families()[0].help, std::string("Whether x answers") + std::string(kCachedHelpSuffix));
}

TEST(MetricSetTest, RenderMergesFamiliesFromSeveralSources) {
  MetricSet a, b;
  a.Gauge("streamprobe_x_up", "Up", {{"t", "1"}}, 1);
  b.Gauge("streamprobe_x_up", "Up", {{"t", "2"}}, 0);
  auto families = a.Families();
  auto more = b.Families();
  families.insert(families.end(), more.begin(), more.end());
  const std::string text = RenderText(families);
  EXPECT_EQ(text.find("# TYPE streamprobe_x_up"), text.rfind("# TYPE streamprobe_x_up"));
  EXPECT_NE(text.find("streamprobe_x_up{t=\"2\"} 0"), std::string::npos);
}

TEST(MetricSetTest, HistogramHasInfBucket) {
  MetricSet set;
  const double bounds[] = {0.1, 1};
  const std::uint64_t counts[] = {2, 3};
  set.Histogram("streamprobe_x_seconds", "Latency", {}, bounds, counts, 4, 2.5);
  const std::string text = RenderText(set.Families());
  EXPECT_NE(text.find("streamprobe_x_seconds_bucket{le=\"+Inf\"} 4"), std::string::npos) << text;
  EXPECT_NE(text.find("streamprobe_x_seconds_count 4"), std::string::npos);
}

TEST(MetricsPageTest, AppendsSnapshotAge) {
  SnapshotParts parts;
  parts.slots = std::make_shared<const TargetSlots>(std::vector<std::string>{});
  parts.engine_text = RenderEngineText(EngineInfo{});
  Snapshot snapshot(std::move(parts), 1000.0);
  const std::string page = RenderMetricsPage(snapshot, 1002.5);
  EXPECT_NE(page.find("streamprobe_snapshot_age_seconds 2.500"), std::string::npos);
  EXPECT_NE(page.find("streamprobe_build_info{"), std::string::npos);
  EXPECT_NE(page.find("streamprobe_config_last_reload_successful 1"), std::string::npos);
}

TEST(LogTest, LogfmtQuotesAndJsonEscapes) {
  EXPECT_EQ(FormatLogRecord(LogFormat::kLogfmt, "T", LogLevel::kWarn, "probe failed",
                            {{"target", "a/b"}, {"detail", "say \"hi\"\n"}}),
            "ts=T level=warn msg=\"probe failed\" target=a/b detail=\"say \\\"hi\\\"\\n\"");
  EXPECT_EQ(FormatLogRecord(LogFormat::kJson, "T", LogLevel::kInfo, "m", {{"k", "v"}}),
            R"({"ts":"T","level":"info","msg":"m","k":"v"})");
}

TEST(FlagsTest, ExporterStyleFlags) {
  const char* argv[] = {"streamprobe", "--web.listen-address=127.0.0.1:9999", "--config.file",
                        "x.yml", "--config.check", "--log.format=json"};
  Flags flags;
  std::string error;
  ASSERT_TRUE(ParseFlags(6, const_cast<char**>(argv), &flags, &error)) << error;
  EXPECT_EQ(flags.listen_address, "127.0.0.1:9999");
  EXPECT_EQ(flags.config_file, "x.yml");
  EXPECT_TRUE(flags.config_check);
  EXPECT_EQ(flags.log_format, "json");

  const char* bad[] = {"streamprobe", "--log.level=loud"};
  EXPECT_FALSE(ParseFlags(2, const_cast<char**>(bad), &flags, &error));
  EXPECT_EQ(error, "--log.level must be debug, info, warn or error");
}

TEST(FlagsTest, WebFlagsAndHelp) {
  const char* argv[] = {"streamprobe", "--web.config.file=web.yml", "--web.enable-lifecycle"};
  Flags flags;
  std::string error;
  EXPECT_FALSE(flags.enable_lifecycle);  // off unless asked, as in Prometheus
  ASSERT_TRUE(ParseFlags(3, const_cast<char**>(argv), &flags, &error)) << error;
  EXPECT_EQ(flags.web_config_file, "web.yml");
  EXPECT_TRUE(flags.enable_lifecycle);
  for (const char* help : {"-h", "--help"}) {
    const char* asked[] = {"streamprobe", help};
    error = "unset";
    EXPECT_FALSE(ParseFlags(2, const_cast<char**>(asked), &flags, &error));
    EXPECT_EQ(error, "") << help << " is a request for help, not an error";
  }
  for (const char* flag : {"--config.file", "--config.check", "--web.listen-address", "--web.telemetry-path",
                           "--web.config.file", "--web.enable-lifecycle", "--log.level", "--log.format",
                           "--version", "--help"}) {
    EXPECT_NE(UsageText().find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace streamprobe
