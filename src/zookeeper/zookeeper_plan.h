// Plans the `zookeeper` section: one target per member (name = "host:port"),
// an ensemble view over them, and a `znodes` target when kafka_chroot or
// znode_checks is set.
#pragma once

#include <functional>
#include <memory>

#include "config/config.h"
#include "net/http_client.h"
#include "zookeeper/zookeeper_probe.h"

namespace streamprobe {

void PlanZookeeper(Decoder& section, const ClusterContext& cluster, Plan& plan);

namespace zookeeper {

// The seams a plan wires into its probes (tests pass fakes).
struct Seams {
  std::shared_ptr<FourLetterClient> four;
  std::shared_ptr<HttpClient> http;
  // Opens the znodes target's reader: (connect string, session timeout).
  std::function<std::shared_ptr<ZnodeReader>(const std::string&, Millis)> open_reader;
};

void PlanZookeeperWith(Decoder& section, const ClusterContext& cluster, Plan& plan, Seams seams);

}  // namespace zookeeper
}  // namespace streamprobe
