// Flink parsers on recorded simulator payloads (tests/fixtures/flink/README.md).
#include <gtest/gtest.h>

#include "support/fake_http.h"
#include "flink/flink_parse.h"

namespace streamprobe {
namespace {

std::string Flink(const std::string& name) { return testing::ReadFixture("flink/" + name); }

TEST(FlinkOverview, DefaultAndBlocked) {
  for (const char* file : {"overview__default.json", "overview__blocked.json"}) {
    auto o = ParseOverview(Flink(file));
    ASSERT_TRUE(o.ok()) << file;
    EXPECT_EQ(o.value.taskmanagers, 2);
    EXPECT_EQ(o.value.slots_total, 8);
    EXPECT_EQ(o.value.slots_available, 4);
    EXPECT_EQ(o.value.version, "1.18.1");
    EXPECT_EQ(o.value.commit, "a8c8b1c");
  }
}

TEST(FlinkOverview, HtmlAndGarbage) {
  EXPECT_EQ(ParseOverview(Flink("overview__html_502.html")).status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseOverview("{}").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(CheckFlinkHttp({502, Flink("overview__html_502.html"), "text/html"}).reason(),
            Reason::kBadPayload);
  EXPECT_EQ(CheckFlinkHttp({401, "", ""}).reason(), Reason::kAuth);
  EXPECT_EQ(CheckFlinkHttp({500, "{}", "application/json"}).reason(), Reason::kHttpStatus);
}

TEST(FlinkJobsOverview, BothWrappersGiveTheSameJobs) {
  auto jobs = ParseJobsOverview(Flink("jobs_overview__mixed_states.json"));
  auto old = ParseJobsOverview(Flink("jobs_overview__running_finished.json"));
  ASSERT_TRUE(jobs.ok() && old.ok());
  ASSERT_EQ(jobs.value.size(), 4u);
  ASSERT_EQ(old.value.size(), 4u);
  EXPECT_EQ(jobs.value[0].name, "orders-etl");
  EXPECT_EQ(jobs.value[0].jid, "d40d8a50d4b0ac28dd429068d1e55752");
  EXPECT_EQ(jobs.value[1].state, "RESTARTING");
  EXPECT_EQ(jobs.value[0].duration_ms, 3600000);
  std::multiset<std::string> a, b;
  for (const auto& j : jobs.value) a.insert(j.name + "/" + j.state);
  for (const auto& j : old.value) b.insert(j.name + "/" + j.state);
  EXPECT_EQ(a, b);
}

TEST(FlinkJobsOverview, Garbage) {
  EXPECT_EQ(ParseJobsOverview("{\"x\":1}").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseJobsOverview("{\"jobs\":[{\"name\":\"a\"}]}").status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseJobsOverview("{\"jobs\":5}").status.reason(), Reason::kBadPayload);
}

TEST(FlinkCheckpoints, OkOldFailedStaleRestored) {
  for (const char* file : {"jobs_checkpoints__ok.json", "jobs_checkpoints__old_fields.json",
                           "jobs_checkpoints__restored.json"}) {
    auto c = ParseCheckpoints(200, Flink(file));
    ASSERT_TRUE(c.ok()) << file;
    EXPECT_TRUE(c.value.enabled);
    EXPECT_EQ(c.value.completed, 42);
    EXPECT_EQ(c.value.latest_completed_ack_ms, 1717999995000);
  }
  auto failed = ParseCheckpoints(200, Flink("jobs_checkpoints__failed.json"));
  EXPECT_EQ(failed.value.failed, 3);
  auto stale = ParseCheckpoints(200, Flink("jobs_checkpoints__stale.json"));
  EXPECT_EQ(stale.value.latest_completed_ack_ms, 1717996400000);
}

TEST(FlinkCheckpoints, DisabledIs404WithMessage) {
  for (const char* file :
       {"jobs_checkpoints__disabled.json", "jobs_checkpoints__disabled_root_cause.json"}) {
    auto c = ParseCheckpoints(404, Flink(file));
    ASSERT_TRUE(c.ok()) << file;
    EXPECT_FALSE(c.value.enabled);
  }
  EXPECT_EQ(ParseCheckpoints(404, Flink("jobs_checkpoints__unknown_job.json")).status.reason(),
            Reason::kHttpStatus);
}

TEST(FlinkCheckpoints, NoCompletedCheckpointYet) {
  auto c = ParseCheckpoints(200, R"({"counts":{"completed":0,"failed":0},"latest":{"completed":null}})");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c.value.latest_completed_ack_ms);
  EXPECT_EQ(ParseCheckpoints(200, "[]").status.reason(), Reason::kBadPayload);
}

TEST(FlinkNumRestarts, ValueEmptyAndList) {
  EXPECT_EQ(ParseNumRestarts(Flink("jobs_metrics_numRestarts__value.json")).value, 3);
  EXPECT_FALSE(ParseNumRestarts(Flink("jobs_metrics_numRestarts__empty.json")).value);
  EXPECT_FALSE(ParseNumRestarts(Flink("jobs_metrics__list.json")).value);
  EXPECT_EQ(ParseNumRestarts(R"([{"id":"numRestarts","value":"x"}])").status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseNumRestarts("{}").status.reason(), Reason::kBadPayload);
}

}  // namespace
}  // namespace streamprobe
