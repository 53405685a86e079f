// Resident memory of the metrics path at the consumer-group shape of
// bench/peers.py's size M with per_partition on (1,000 groups x 10 committed
// partitions: 21,000 group series), without a Kafka cluster.
//
// Each round runs on a fresh thread, as probe rounds do: it builds the round's
// MetricSet (group, topic and partition series with the labels the kafka probe
// uses), adds the cluster label, publishes it to a SnapshotStore; then the
// main thread renders the new snapshot's page and its gzip prefix as the first
// scrape of a snapshot does, keeping the latest one as the web server does.
// Prints VmRSS every 10 rounds, then VmRSS and VmHWM at the end and the
// median publish and render times.
//
//   build/bench/snapshot_memory [rounds, default 40] [groups, default 1000]
//       [partitions per group, default 10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/memory_policy.h"
#include "core/snapshot.h"
#include "http/server.h"

namespace streamprobe {
namespace {

constexpr std::string_view kStates[] = {"stable", "empty", "preparing_rebalance",
                                        "completing_rebalance", "dead", "unknown"};
const std::string kTargetId = "bench/kafka/127.0.0.1:9092";

std::string GroupName(int g) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-group-%05d", g);
  return name;
}

MetricSet RoundMetrics(int groups, int partitions, std::uint64_t round) {
  MetricSet m;
  for (int g = 0; g < groups; ++g) {
    const std::string group = GroupName(g);
    const Labels by_group{{"group", group}};
    m.Gauge("streamprobe_kafka_consumer_group_members", "Members", by_group, 1);
    m.StateSet("streamprobe_kafka_consumer_group_state", "State", by_group, "state", "stable",
               kStates);
    m.Gauge("streamprobe_kafka_consumer_group_lag", "Lag", by_group, static_cast<double>(round));
    m.Gauge("streamprobe_kafka_consumer_group_lag_seconds", "Lag s", by_group, 1.5);
    const Labels by_topic{{"group", group}, {"topic", "scale-0"}};
    m.Gauge("streamprobe_kafka_consumer_group_topic_lag", "Topic lag", by_topic, 7);
    m.Gauge("streamprobe_kafka_consumer_group_topic_lag_seconds", "Topic lag s", by_topic, 1.5);
    for (int p = 0; p < partitions; ++p) {
      m.Gauge("streamprobe_kafka_consumer_group_partition_lag", "Partition lag",
              {{"group", group}, {"topic", "scale-0"}, {"partition", std::to_string((g + p) % 100)}},
              static_cast<double>(round + static_cast<std::uint64_t>(p)));
    }
  }
  return m;
}

double StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atof(line.c_str() + std::string(field).size());
  }
  return 0;
}

double Ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Run(int rounds, int groups, int partitions) {
  SnapshotStore store;
  store.Reset({}, {kTargetId});
  std::shared_ptr<const RenderedSnapshot> rendered;
  std::vector<double> publish_ms, render_ms;
  std::size_t page = 0, gzipped = 0;
  for (int r = 1; r <= rounds; ++r) {
    std::thread round([&] {
      const auto started = std::chrono::steady_clock::now();
      ProbeOutcome outcome;
      outcome.metrics = RoundMetrics(groups, partitions, static_cast<std::uint64_t>(r));
      auto result = std::make_shared<TargetResult>();
      result->cluster = "bench";
      result->system = "kafka";
      result->name = "127.0.0.1:9092";
      result->rounds = static_cast<std::uint64_t>(r);
      outcome.metrics.AddLabelToAll({"cluster", "bench"});
      store.Publish(kTargetId, std::move(result), std::move(outcome.metrics));
      publish_ms.push_back(Ms(started));
    });
    round.join();
    const auto started = std::chrono::steady_clock::now();
    auto fresh = std::make_shared<const RenderedSnapshot>(store.Current());
    gzipped = fresh->gzip().bytes.size();
    page = fresh->text().size();
    rendered = std::move(fresh);
    render_ms.push_back(Ms(started));
    if (r % 10 == 0) std::printf("round %3d: VmRSS %.1f MB\n", r, StatusKb("VmRSS:") / 1024);
  }
  std::printf("%d groups x %d partitions, %d rounds: page %zu bytes (gzip %zu), VmRSS %.1f MB, "
              "VmHWM %.1f MB, build+publish median %.1f ms, render+gzip median %.1f ms\n",
              groups, partitions, rounds, page, gzipped, StatusKb("VmRSS:") / 1024,
              StatusKb("VmHWM:") / 1024, Median(publish_ms), Median(render_ms));
}

}  // namespace
}  // namespace streamprobe

int main(int argc, char** argv) {
  streamprobe::ApplyMemoryPolicy();
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 40;
  const int groups = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int partitions = argc > 3 ? std::atoi(argv[3]) : 10;
  streamprobe::Run(std::max(1, rounds), std::max(1, groups), std::max(0, partitions));
  return 0;
}
