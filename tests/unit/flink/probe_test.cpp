// Flink job selection, exact series, and the probe over a fake HttpClient.
#include <gtest/gtest.h>

#include <sstream>

#include "support/fake_http.h"
#include "flink/flink_config.h"
#include "flink/flink_metrics.h"
#include "flink/flink_plan.h"
#include "flink/flink_probe.h"

namespace streamprobe {
namespace {

std::string Flink(const std::string& name) { return testing::ReadFixture("flink/" + name); }

std::vector<std::string> Samples(const MetricSet& set) {
  std::vector<std::string> out;
  std::istringstream text(RenderText(set.Families()));
  for (std::string line; std::getline(text, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

bool Has(const std::vector<std::string>& samples, const std::string& line) {
  return std::find(samples.begin(), samples.end(), line) != samples.end();
}

FlinkJob Job(std::string name, std::string state, std::int64_t start, std::string jid = "j") {
  return FlinkJob{std::move(jid), std::move(name), std::move(state), start, 1000};
}

TEST(FlinkSelect, ExpectedAlwaysLiveOnlyUpToBudget) {
  std::vector<FlinkJob> jobs = {Job("a", "FAILED", 5), Job("a", "RUNNING", 1),
                                Job("b", "FINISHED", 1), Job("c", "RUNNING", 1),
                                Job("d", "RESTARTING", 1), Job("e", "RUNNING", 1)};
  FlinkSelection s = SelectFlinkJobs(jobs, {"a", "missing"}, 4);
  ASSERT_EQ(s.jobs.size(), 4u);
  EXPECT_EQ(s.jobs[0].name, "a");
  EXPECT_EQ(s.jobs[0].job->state, "RUNNING") << "a live job beats a newer failed one";
  EXPECT_TRUE(s.jobs[1].expected);
  EXPECT_FALSE(s.jobs[1].job);
  EXPECT_EQ(s.jobs[2].name, "c");
  EXPECT_EQ(s.jobs[3].name, "d");
  EXPECT_EQ(s.dropped, 1u);  // e; b is finished and undeclared
}

TEST(FlinkSelect, LatestStartWinsAmongTerminalJobs) {
  FlinkSelection s = SelectFlinkJobs({Job("a", "CANCELED", 1), Job("a", "FAILED", 9)}, {"a"}, 10);
  EXPECT_EQ(s.jobs[0].job->state, "FAILED");
}

TEST(FlinkMetrics, ExactSeries) {
  FlinkRound r;
  r.overview = {2, 8, 3, "1.18.1", "abc"};
  r.all_jobs = {Job("etl", "RUNNING", 1), Job("old", "FAILED", 1)};
  r.selection = SelectFlinkJobs(r.all_jobs, {"etl", "gone"}, 10);
  FlinkCheckpoints cp;
  cp.completed = 42;
  cp.failed = 1;
  cp.latest_completed_ack_ms = 1000000;
  r.details = {FlinkJobDetails{cp, 3}, FlinkJobDetails{}};
  r.now_unix = 1100;
  r.checkpoint_stale_after_seconds = 60;
  MetricSet m;
  RenderFlink(r, m);
  const auto s = Samples(m);
  for (const char* line : {
           "streamprobe_flink_info{version=\"1.18.1\",commit=\"abc\"} 1",
           "streamprobe_flink_taskmanagers 2", "streamprobe_flink_slots 8",
           "streamprobe_flink_slots_available 3", "streamprobe_flink_jobs{state=\"RUNNING\"} 1",
           "streamprobe_flink_jobs{state=\"FAILED\"} 1", "streamprobe_flink_jobs{state=\"other\"} 0",
           "streamprobe_flink_jobs_dropped 0", "streamprobe_flink_job_expected{flink_job=\"etl\"} 1",
           "streamprobe_flink_job_present{flink_job=\"etl\"} 1",
           "streamprobe_flink_job_present{flink_job=\"gone\"} 0",
           "streamprobe_flink_job_state{flink_job=\"etl\",state=\"RUNNING\"} 1",
           "streamprobe_flink_job_state{flink_job=\"etl\",state=\"FAILED\"} 0",
           "streamprobe_flink_job_restarts_total{flink_job=\"etl\"} 3",
           "streamprobe_flink_job_checkpointing_enabled{flink_job=\"etl\"} 1",
           "streamprobe_flink_job_checkpoints_completed_total{flink_job=\"etl\"} 42",
           "streamprobe_flink_job_checkpoints_failed_total{flink_job=\"etl\"} 1",
           "streamprobe_flink_job_last_checkpoint_age_seconds{flink_job=\"etl\"} 100",
           "streamprobe_flink_job_checkpoint_stale{flink_job=\"etl\"} 1"}) {
    EXPECT_TRUE(Has(s, line)) << line;
  }
  // 4 overview + 12 job states + dropped + etl (2 + 11 + 6) + gone (2)
  EXPECT_EQ(s.size(), 4u + 12 + 1 + 19 + 2);
}

TEST(FlinkMetrics, DisabledCheckpointingAndUnknownRestarts) {
  FlinkRound r;
  r.all_jobs = {Job("etl", "RUNNING", 1)};
  r.selection = SelectFlinkJobs(r.all_jobs, {}, 10);
  FlinkCheckpoints off;
  off.enabled = false;
  r.details = {FlinkJobDetails{off, std::nullopt}};
  MetricSet m;
  RenderFlink(r, m);
  const auto s = Samples(m);
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_checkpointing_enabled{flink_job=\"etl\"} 0"));
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_expected{flink_job=\"etl\"} 0"));
  for (const std::string& line : s) {
    EXPECT_EQ(line.find("restarts"), std::string::npos) << line;
    EXPECT_EQ(line.find("checkpoint_stale"), std::string::npos) << line;
  }
}

const std::string kJm = "http://jm:8081";

std::shared_ptr<testing::FakeHttp> HealthyJm() {
  auto http = std::make_shared<testing::FakeHttp>();
  http->Answer(kJm + "/overview", 200, Flink("overview__default.json"));
  http->Answer(kJm + "/jobs/overview", 200, Flink("jobs_overview__mixed_states.json"));
  const std::string etl = kJm + "/jobs/d40d8a50d4b0ac28dd429068d1e55752";
  http->Answer(etl + "/checkpoints", 200, Flink("jobs_checkpoints__ok.json"));
  http->Answer(etl + "/metrics?get=numRestarts", 200, Flink("jobs_metrics_numRestarts__empty.json"));
  const std::string pay = kJm + "/jobs/84d5eaf713c96eecb3d2c4a83e64dc9a";
  http->Answer(pay + "/checkpoints", 404, Flink("jobs_checkpoints__disabled.json"));
  http->Answer(pay + "/metrics?get=numRestarts", 200, Flink("jobs_metrics_numRestarts__value.json"));
  const std::string legacy = kJm + "/jobs/c5a7de51afb38e2f1d9efe714a2ab332";
  http->Answer(legacy + "/checkpoints", 200, Flink("jobs_checkpoints__failed.json"));
  http->Answer(legacy + "/metrics?get=numRestarts", 200, "[]");
  return http;
}

FlinkConfig Config() {
  FlinkConfig c;
  c.jobmanager = kJm;
  c.expected_jobs = {"orders-etl", "legacy-agg", "absent"};
  return c;
}

ProbeContext Ctx() { return ProbeContext{Clock::now() + std::chrono::seconds(5), nullptr}; }

TEST(FlinkProbe, HealthyRound) {
  auto http = HealthyJm();
  FlinkProbe probe(http, Config());
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  const auto s = Samples(out.metrics);
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_present{flink_job=\"absent\"} 0"));
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_state{flink_job=\"payments\",state=\"RESTARTING\"} 1"));
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_restarts_total{flink_job=\"payments\"} 3"));
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_checkpointing_enabled{flink_job=\"payments\"} 0"));
  EXPECT_TRUE(Has(s, "streamprobe_flink_job_state{flink_job=\"legacy-agg\",state=\"FAILED\"} 1"));
  EXPECT_FALSE(Has(s, "streamprobe_flink_job_present{flink_job=\"nightly\"} 1")) << "finished, undeclared";
}

TEST(FlinkProbe, OverviewFailures) {
  struct Case {
    long status;
    std::string body, type;
    Reason want;
  };
  for (const Case& c : std::vector<Case>{
           {502, Flink("overview__html_502.html"), "text/html", Reason::kBadPayload},
           {401, "", "", Reason::kAuth},
           {500, "{\"errors\":[\"x\"]}", "application/json", Reason::kHttpStatus},
           {200, "[1]", "application/json", Reason::kBadPayload}}) {
    auto http = HealthyJm();
    http->Answer(kJm + "/overview", c.status, c.body, c.type);
    FlinkProbe probe(http, Config());
    ProbeOutcome out = probe.Run(Ctx());
    EXPECT_EQ(out.status.reason(), c.want) << c.status;
    EXPECT_TRUE(out.metrics.empty());
  }
  auto http = HealthyJm();
  http->Fail(kJm + "/jobs/overview", Reason::kTimeout);
  FlinkProbe probe(http, Config());
  EXPECT_EQ(probe.Run(Ctx()).status.reason(), Reason::kTimeout);
}

TEST(FlinkProbe, PerJobTimeoutIsReportedAndOthersStay) {
  auto http = HealthyJm();
  http->Fail(kJm + "/jobs/d40d8a50d4b0ac28dd429068d1e55752/checkpoints", Reason::kTimeout);
  FlinkProbe probe(http, Config());
  ProbeOutcome out = probe.Run(Ctx());
  EXPECT_EQ(out.status.reason(), Reason::kTimeout);
  EXPECT_TRUE(Has(Samples(out.metrics), "streamprobe_flink_job_restarts_total{flink_job=\"payments\"} 3"));
}

TEST(FlinkProbe, RequestsCarryDeadlineAndCap) {
  auto http = HealthyJm();
  FlinkConfig c = Config();
  c.max_body_bytes = 2048;
  FlinkProbe probe(http, c);
  const ProbeContext ctx = Ctx();
  probe.Run(ctx);
  for (const auto& r : http->requests) {
    EXPECT_EQ(r.deadline, ctx.deadline);
    EXPECT_EQ(r.max_body_bytes, 2048u);
  }
}

TEST(FlinkConfigTest, DecodeAndErrors) {
  ErrorList errors;
  Decoder ok(YAML::Load("jobmanager: http://jm:8081/\nexpected_jobs: [a]\n"
                        "checkpoint_stale_after: 5m\nmax_jobs: 3\n"),
             "flink", &errors);
  FlinkConfig c = DecodeFlinkConfig(ok);
  ok.Finish();
  EXPECT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_EQ(c.jobmanager, "http://jm:8081");
  EXPECT_EQ(c.checkpoint_stale_after, Millis(300000));
  EXPECT_EQ(FlinkTargetName(c.jobmanager), "jm:8081");

  ErrorList bad_errors;
  Decoder bad(YAML::Load("jobmanager: jm:8081\nexpected_jobs: [a, a]\nwhat: 1\n"), "flink",
              &bad_errors);
  DecodeFlinkConfig(bad);
  bad.Finish();
  const std::string text = FormatErrors(bad_errors);
  for (const char* want : {"flink.jobmanager: \"jm:8081\" is not an http:// or https:// URL",
                           "flink.expected_jobs: \"a\" is listed twice", "flink.what: unknown field"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST(FlinkPlanTest, OneTargetNamedHostPort) {
  ErrorList errors;
  Decoder section(YAML::Load("jobmanager: http://jm:8081\ninterval: 5s\ntimeout: 2s\n"), "flink",
                  &errors);
  Plan plan;
  PlanFlink(section, ClusterContext{"prod", Millis(15000), Millis(5000)}, plan);
  ASSERT_TRUE(errors.empty()) << FormatErrors(errors);
  ASSERT_EQ(plan.targets.size(), 1u);
  EXPECT_EQ(plan.targets[0].name, "jm:8081");
  EXPECT_EQ(plan.targets[0].system, "flink");
  EXPECT_EQ(plan.targets[0].timeout, Millis(2000));
}

}  // namespace
}  // namespace streamprobe
