// Typed Kafka Connect observations → metric families. Pure functions.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/metric_set.h"
#include "kafka_connect/kafka_connect_parse.h"

namespace streamprobe {

// What one round of a worker target saw.
struct WorkerObservation {
  std::string url;                          // the configured worker URL (label `worker`)
  bool reachable = false;                   // answered HTTP at all
  std::optional<ConnectServerInfo> info;    // GET / parsed
  std::string_view health = kHealthUnknown; // one of kHealthStates
  std::optional<bool> kafka_cluster_match;  // nullopt when either side is unknown
};
void RenderWorker(const WorkerObservation& worker, MetricSet& out);

// What one round of the `connectors` target saw.
struct ConnectorsObservation {
  std::string listed_by;                               // worker URL that answered, "" if none
  std::optional<ConnectConnectors> listing;            // nullopt when no worker answered
  std::optional<std::vector<ConnectPlugin>> plugins;   // nullopt when not fetched / failed
  std::vector<std::string> expected_connectors;
  std::vector<std::string> expected_plugins;
};
// Expected connectors/plugins are always exported; `..._missing` only when the
// listing (resp. plugin list) is known, so "could not ask" never reads as missing.
void RenderConnectors(const ConnectorsObservation& obs, MetricSet& out);

// Connect keeps showing a dead worker's connectors and tasks with their last
// state until a rebalance reassigns them. Marks every connector and task whose
// worker_id is in `down_workers` (advertised host:port) as UNASSIGNED, and
// returns "connector[/task]" names of what was changed.
std::vector<std::string> MarkDownWorkersUnassigned(ConnectConnectors& listing,
                                                   const std::set<std::string>& down_workers);

// Names (sorted, unique) of `expected` that `listing` does not contain.
std::vector<std::string> MissingConnectors(const ConnectConnectors& listing,
                                           const std::vector<std::string>& expected);
std::vector<std::string> MissingPlugins(const std::vector<ConnectPlugin>& plugins,
                                        const std::vector<std::string>& expected);

}  // namespace streamprobe
