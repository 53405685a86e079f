// A page composed from per-target pieces: one header per family, targets
// removed on reset disappear, views follow their targets.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "core/snapshot.h"

namespace streamprobe {
namespace {

std::shared_ptr<const TargetResult> Result(const std::string& name) {
  auto r = std::make_shared<TargetResult>();
  r->cluster = "c";
  r->system = "test";
  r->name = name;
  return r;
}

// Publishes a result of target `name` with one backend sample of `value`.
void Publish(SnapshotStore& store, const std::string& name, double value) {
  MetricSet metrics;
  metrics.Gauge("streamprobe_test_value", "A value", {{"cluster", "c"}, {"member", name}}, value);
  store.Publish("c/test/" + name, Result(name), std::move(metrics));
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

ViewSpec SeenView() {
  return ViewSpec{"c", {"c/test/a", "c/test/b"},
                  [](std::span<const TargetResult* const> inputs, MetricSet& out) {
                    double seen = 0;
                    for (const TargetResult* r : inputs) seen += r ? 1 : 0;
                    out.Gauge("streamprobe_test_members_seen", "Members seen", {}, seen);
                  }};
}

TEST(SnapshotComposeTest, OneHeaderPerFamilyAndSamplesInTargetOrder) {
  SnapshotStore store;
  store.Reset({}, {"c/test/a", "c/test/b"});
  Publish(store, "b", 2);
  Publish(store, "a", 1);
  const std::string text = store.Current()->text();
  EXPECT_EQ(Count(text, "# TYPE streamprobe_test_value "), 1u);
  EXPECT_EQ(Count(text, "# HELP streamprobe_probe_success "), 1u);
  EXPECT_LT(text.find("streamprobe_test_value{cluster=\"c\",member=\"a\"} 1"),
            text.find("streamprobe_test_value{cluster=\"c\",member=\"b\"} 2"));
  EXPECT_LT(text.find("# TYPE streamprobe_build_info"), text.find("# TYPE streamprobe_probe_success"));
  EXPECT_NE(text.find("streamprobe_probe_success{cluster=\"c\",system=\"test\",target=\"a\"} 1"),
            std::string::npos);
}

TEST(SnapshotComposeTest, TargetRemovedOnResetDisappears) {
  SnapshotStore store;
  store.Reset({}, {"c/test/a", "c/test/b"});
  Publish(store, "a", 1);
  Publish(store, "b", 2);
  store.Reset({}, {"c/test/a"});
  const std::string text = store.Current()->text();
  EXPECT_EQ(text.find("member=\"b\""), std::string::npos) << text;
  EXPECT_EQ(text.find("target=\"b\""), std::string::npos);
  EXPECT_NE(text.find("member=\"a\""), std::string::npos);
}

TEST(SnapshotComposeTest, PublishOfTargetOutsideThePlanIsIgnored) {
  SnapshotStore store;
  store.Reset({}, {"c/test/a"});
  Publish(store, "gone", 1);
  EXPECT_EQ(store.Current()->Find("c/test/gone"), nullptr);
  EXPECT_EQ(store.Current()->text().find("member=\"gone\""), std::string::npos);
  Publish(store, "a", 1);
  EXPECT_NE(store.Current()->Find("c/test/a"), nullptr);
}

TEST(SnapshotComposeTest, ViewIsRerenderedWhenOneOfItsTargetsPublishes) {
  SnapshotStore store;
  store.Reset({SeenView()}, {"c/test/a", "c/test/b", "c/test/other"});
  EXPECT_NE(store.Current()->text().find("streamprobe_test_members_seen{cluster=\"c\"} 0"),
            std::string::npos);
  Publish(store, "other", 0);
  EXPECT_NE(store.Current()->text().find("streamprobe_test_members_seen{cluster=\"c\"} 0"),
            std::string::npos);
  Publish(store, "a", 1);
  Publish(store, "b", 1);
  EXPECT_NE(store.Current()->text().find("streamprobe_test_members_seen{cluster=\"c\"} 2"),
            std::string::npos);
}

TEST(SnapshotComposeTest, ComposedPagePassesPromtool) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_SKIP() << "promtool not installed";
  SnapshotStore store;
  store.Reset({SeenView()}, {"c/test/a", "c/test/b"});
  Publish(store, "a", 1);
  Publish(store, "b", 2);
  const std::string path = testing::TempDir() + "composed_page.prom";
  std::ofstream(path) << store.Current()->text();
  EXPECT_EQ(std::system(("promtool check metrics < " + path).c_str()), 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace streamprobe
