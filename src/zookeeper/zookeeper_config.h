// The `zookeeper` section of a cluster (docs/backends/zookeeper.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/decoder.h"

namespace streamprobe::zookeeper {

// A generic check on one znode. Each threshold is optional; a check without
// any only tests that the node exists.
struct ZnodeCheck {
  std::string path;                        // absolute, e.g. /brokers/ids
  std::optional<long long> min_children;   // passes when children >= this
  std::optional<Millis> max_data_age;      // passes when now - mtime <= this
};

struct ZookeeperConfig {
  std::vector<std::string> members;        // "host:port", one target each
  std::optional<int> admin_server_port;    // AdminServer on each member's host
  std::optional<std::string> kafka_chroot; // read Kafka's registry under it
  Millis session_timeout{10000};           // for the znode reader session
  std::vector<ZnodeCheck> znode_checks;

  // The znodes target is planned when there is something to read.
  bool WantsZnodes() const { return kafka_chroot.has_value() || !znode_checks.empty(); }
  // "h1:p1,h2:p2" for the ZooKeeper client.
  std::string ConnectString() const;
};

// Decodes every field except interval/timeout (ReadSchedule) and reports all
// problems through `section`. Does not call Finish().
ZookeeperConfig DecodeZookeeperConfig(Decoder& section);

}  // namespace streamprobe::zookeeper
