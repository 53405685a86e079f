// Cost of SnapshotStore::Publish as the number of targets grows.
//
// For each shape (targets x series per target) it publishes every target once,
// then times --publishes publishes of targets picked round-robin, each a fresh
// result with the same number of series (5 families, plus the engine's own
// per-target metrics). Every 5 targets share a view, as ZooKeeper members do.
// Prints p50, p99 and max in milliseconds, of wall time and of the publishing
// thread's CPU time (the cost itself, without the preemption a loaded machine
// adds to the wall time).
//
//   build/bench/publish_bench [publishes per shape, default 300]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <time.h>
#include <vector>

#include "core/snapshot.h"

namespace streamprobe {
namespace {

constexpr int kFamiliesPerTarget = 5;
constexpr int kTargetsPerView = 5;

std::string TargetName(int i) { return "member-" + std::to_string(i); }
std::string TargetId(int i) { return "bench/zookeeper/" + TargetName(i); }

// A round's result of `target` and its backend metrics.
struct Round {
  std::shared_ptr<const TargetResult> result;
  MetricSet metrics;
};

Round MakeRound(int target, int series, std::uint64_t round) {
  auto r = std::make_shared<TargetResult>();
  r->cluster = "bench";
  r->system = "zookeeper";
  r->name = TargetName(target);
  r->rounds = round;
  r->finished_unix = 1.0e9 + static_cast<double>(round);
  MetricSet metrics;
  for (int s = 0; s < series; ++s) {
    const std::string family = "streamprobe_bench_value_" + std::to_string(s % kFamiliesPerTarget);
    metrics.Gauge(family, "A benchmark value",
                  {{"cluster", "bench"}, {"member", r->name}, {"series", std::to_string(s)}},
                  static_cast<double>(round + static_cast<std::uint64_t>(s)));
  }
  return {std::move(r), std::move(metrics)};
}

std::vector<ViewSpec> MakeViews(int targets) {
  std::vector<ViewSpec> views;
  for (int first = 0; first < targets; first += kTargetsPerView) {
    ViewSpec view;
    view.cluster = "bench";
    for (int i = first; i < std::min(targets, first + kTargetsPerView); ++i) {
      view.target_ids.push_back(TargetId(i));
    }
    const std::string ensemble = std::to_string(first / kTargetsPerView);
    view.render = [ensemble](std::span<const TargetResult* const> inputs, MetricSet& out) {
      double seen = 0;
      for (const TargetResult* r : inputs) seen += r != nullptr ? 1 : 0;
      out.Gauge("streamprobe_bench_members_seen", "Members that finished a round",
                {{"ensemble", ensemble}}, seen);
    };
    views.push_back(std::move(view));
  }
  return views;
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Percentile(std::vector<double> sorted, double q) {
  const std::size_t i = std::min(sorted.size() - 1, static_cast<std::size_t>(q * sorted.size()));
  return sorted[i];
}

void RunShape(int targets, int series, int publishes) {
  SnapshotStore store;
  std::vector<std::string> ids;
  for (int i = 0; i < targets; ++i) ids.push_back(TargetId(i));
  store.Reset(MakeViews(targets), ids);
  for (int i = 0; i < targets; ++i) {
    Round first = MakeRound(i, series, 1);
    store.Publish(ids[i], std::move(first.result), std::move(first.metrics));
  }

  std::vector<double> wall_ms, cpu_ms;
  for (int p = 0; p < publishes; ++p) {
    const int target = p % targets;
    Round next = MakeRound(target, series, 2 + static_cast<std::uint64_t>(p));
    const double cpu_started = ThreadCpuMs();
    const auto started = std::chrono::steady_clock::now();
    store.Publish(ids[target], std::move(next.result), std::move(next.metrics));
    wall_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    cpu_ms.push_back(ThreadCpuMs() - cpu_started);
  }
  std::sort(wall_ms.begin(), wall_ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  std::printf("%4d targets x %3d series: %d publishes, wall p50 %.3f / p99 %.3f / max %.3f ms, "
              "cpu p50 %.3f / p99 %.3f / max %.3f ms, page %zu bytes\n",
              targets, series, publishes, Percentile(wall_ms, 0.50), Percentile(wall_ms, 0.99),
              wall_ms.back(), Percentile(cpu_ms, 0.50), Percentile(cpu_ms, 0.99), cpu_ms.back(),
              store.Current()->text().size());
}

}  // namespace
}  // namespace streamprobe

int main(int argc, char** argv) {
  const int publishes = argc > 1 ? std::atoi(argv[1]) : 300;
  streamprobe::RunShape(50, 100, publishes);
  streamprobe::RunShape(500, 100, publishes);
  return 0;
}
