// Registration truth: expected broker ids x ZooKeeper registrations x
// metadata brokers x endpoint reachability, as pure functions.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "kafka/kafka_types.h"
#include "zookeeper/kafka_registry.h"

namespace streamprobe::kafka {

inline constexpr std::string_view kRegistrationStates[] = {
    "ok", "missing", "stale", "host_mismatch", "unexpected", "metadata_disagreement",
    "unreachable"};

std::string_view RegistrationStateName(RegistrationState s);

// Joins the sources into one BrokerFacts per broker id (sorted by id) over the
// union of expected ids, registered ids and metadata ids. `registry` is null
// when no ZooKeeper is configured (KRaft). Reachability stays kUnchecked;
// `now_unix_ms` is used for registration ages.
std::vector<BrokerFacts> JoinBrokerFacts(std::span<const int> expected_ids,
                                         const std::map<int, std::string>& expected_hosts,
                                         const zookeeper::KafkaRegistry* registry,
                                         const ClusterMeta& meta, long long now_unix_ms);

// The endpoint to check for a broker: the registered one when registered,
// else the metadata one; nullopt if neither is known.
std::optional<BrokerMeta> EndpointToCheck(const BrokerFacts& facts);

struct ClassifyContext {
  bool zookeeper_mode = false;     // registrations were read from ZooKeeper
  bool have_expectations = false;  // expected_brokers.ids given
  bool metadata_known = true;      // metadata was read this round
};

// Classifies one broker id. Rules, first match wins (docs/backends/kafka.md):
//   expectations given, id not expected                     -> unexpected
//   zk: not registered, in metadata                         -> metadata_disagreement
//   zk: not registered                                      -> missing
//   zk: registered, endpoint unreachable                    -> stale
//   zk: registered from a host other than the expected one  -> host_mismatch
//   zk: metadata known and (absent there, endpoint differs,
//       or the registration is unreadable)                  -> metadata_disagreement
//   kraft: not in metadata                                  -> missing
//   kraft: endpoint unreachable                             -> unreachable
//   kraft: metadata host differs from the expected one      -> host_mismatch
//   otherwise                                               -> ok
RegistrationState ClassifyBroker(const BrokerFacts& facts, const ClassifyContext& ctx);

}  // namespace streamprobe::kafka
