// The one small interface every backend implements, and what a target is.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/component.h"
#include "core/metric_set.h"
#include "core/status.h"

namespace streamprobe {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

class Snapshot;

// What a probe may know about the round it runs in.
struct ProbeContext {
  Clock::time_point deadline;                 // every I/O must end by then
  std::shared_ptr<const Snapshot> latest;     // latest published snapshot, may be null

  Millis Remaining() const {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    return left.count() > 0 ? left : Millis(0);
  }
  bool Expired() const { return Clock::now() >= deadline; }
};

// The result of one probe round.
struct ProbeOutcome {
  // ok, or why the target could not be confirmed healthy. A probe that reached
  // its target and found it unhealthy still sets a failure here (e.g. kNotServing).
  Status status;
  // Backend metrics; may be partly filled on failure (e.g. "expected but missing").
  MetricSet metrics;
  // Facts other probes of the same cluster may read (e.g. kafka "cluster_id").
  std::map<std::string, std::string> facts;
  // Typed state for views (see ViewSpec); the probe's backend owns its type.
  std::shared_ptr<const void> state;
  // Units of components this round saw (e.g. each expected Kafka broker). When
  // empty, the target's own round counts as its TargetSpec::role says.
  std::vector<ComponentUnit> units;
  // What the platform says of components' workloads (the kubernetes backend).
  std::vector<WorkloadNote> notes;
};

// A backend probe for one target.
//
// Contract: Run() is called by one thread at a time (never concurrently for the
// same object) and must return by ctx.deadline, using it for every socket, HTTP
// and client timeout. If it does not, the scheduler reports reason "timeout"
// and starts no new round until it returns. Run() must not throw; an escaping
// exception is caught by the scheduler and reported as reason "other".
class Probe {
 public:
  virtual ~Probe() = default;
  virtual ProbeOutcome Run(const ProbeContext& ctx) = 0;
};

// One scheduled probe of one system in one cluster.
struct TargetSpec {
  std::string cluster;   // cluster label value
  std::string system;    // backend name: zookeeper, kafka, kafka_connect, ...
  std::string name;      // target label value, unique within cluster+system
  Millis interval{15000};
  Millis timeout{5000};
  std::shared_ptr<Probe> probe;
  // Identifies the configuration this target was planned from (its section,
  // schedule and resolved secrets). Equal fingerprints and ids across a reload
  // mean the target did not change, so its runner and history may be kept.
  std::string fingerprint{};
  // The status table's component this target's own round belongs to, and how
  // it counts there when its probe reports no units (see ComponentRole).
  std::string component{};
  ComponentRole role = ComponentRole::kNone;

  std::string Id() const { return cluster + "/" + system + "/" + name; }
};

struct TargetResult;

// A derived view over the latest results of some targets (e.g. the ZooKeeper
// ensemble over its members). Rendered when a snapshot is built, never at
// scrape time. `render` receives the results of `target_ids` in that order;
// entries are null for targets that have not finished a round yet.
struct ViewSpec {
  std::string cluster;
  std::vector<std::string> target_ids;
  std::function<void(std::span<const TargetResult* const>, MetricSet&)> render;
};

// Everything one configuration asks the engine to run.
struct Plan {
  std::vector<TargetSpec> targets;
  std::vector<ViewSpec> views;
};

}  // namespace streamprobe
