// The status page: complete without JavaScript, everything escaped.
#include <gtest/gtest.h>

#include "http/server.h"

namespace streamprobe {
namespace {

StatusTable Table(const std::string& cluster, const std::string& cause) {
  StatusTable t;
  t.built_unix = 100;
  ComponentRow row;
  row.cluster = cluster;
  row.key = "kafka_connect";
  row.title = "Kafka Connect";
  row.expected = 3;
  row.ready = 0;
  row.health = Health::kDown;
  row.cause = cause;
  row.runbook = "KafkaConnectWorkerDown";
  row.follows_from = "kafka_brokers";
  row.units.push_back({"kafka_connect", "<w1>", Health::kDown, cause, "", ""});
  row.targets.push_back({"id", "kafka_connect", "http://w1\"", false, "refused", "<b>x</b>", 0});
  t.rows.push_back(row);
  ComponentRow kafka = row;
  kafka.key = "kafka_brokers";
  kafka.title = "Kafka brokers";
  kafka.follows_from.clear();
  t.rows.insert(t.rows.begin(), kafka);
  t.overall = Health::kDown;
  return t;
}

TEST(StatusPage, StaticTableWithEveryRowAndItsCause) {
  const std::string html = RenderStatusPage(Table("platform", "workers refuse"), "/metrics", 102.5);
  EXPECT_NE(html.find("<tr id=\"row-platform-kafka_connect\" class=\"down\">"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>0/3</td>"), std::string::npos);
  EXPECT_NE(html.find("follows from <a href=\"#row-platform-kafka_brokers\">Kafka brokers</a>"),
            std::string::npos);
  EXPECT_NE(html.find("docs/runbooks/KafkaConnectWorkerDown.md\">runbook</a>"), std::string::npos);
  EXPECT_NE(html.find("snapshot 2.5 s old"), std::string::npos);
  EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);   // no external script
  EXPECT_EQ(html.find("http://www"), std::string::npos);
}

TEST(StatusPage, EscapesEverythingItShows) {
  const std::string html =
      RenderStatusPage(Table("<script>alert(1)</script>", "<img src=x onerror=alert(2)>"),
                       "/m\"><script>", 0);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_EQ(html.find("<w1>"), std::string::npos);
  EXPECT_EQ(html.find("/m\">"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("http://w1&quot;"), std::string::npos);
}

TEST(StatusPage, SaysSoBeforeTheFirstRound) {
  StatusTable empty;
  EXPECT_NE(RenderStatusPage(empty, "/metrics", 0).find("No probe round finished yet."),
            std::string::npos);
}

}  // namespace
}  // namespace streamprobe
