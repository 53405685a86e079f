// Reading znodes: the seam between probes and the ZooKeeper C client.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace streamprobe::zookeeper {

using Deadline = std::chrono::steady_clock::time_point;

// The parts of a znode's Stat that probes use. Times are Unix milliseconds.
struct ZnodeStat {
  long long czxid = 0;            // for /brokers/ids/<id>: Kafka's broker epoch
  long long mzxid = 0;
  long long ctime_ms = 0;
  long long mtime_ms = 0;
  long long ephemeral_owner = 0;  // owning session id; 0 for persistent nodes
  int version = 0;
  int num_children = 0;
  int data_length = 0;
};

struct Znode {
  std::string data;
  ZnodeStat stat;
};

// Reads znodes. Implementations must return by `deadline`; a missing node is
// not an error (nullopt / empty children is reported through `exists`).
// Thread-safe.
class ZnodeReader {
 public:
  virtual ~ZnodeReader() = default;
  // nullopt if the node does not exist.
  virtual Result<std::optional<Znode>> Get(const std::string& path, Deadline deadline) = 0;
  // nullopt if the node does not exist.
  virtual Result<std::optional<std::vector<std::string>>> Children(const std::string& path,
                                                                    Deadline deadline) = 0;
  // The session id of this reader's own ZooKeeper session (0 if not connected).
  virtual long long SessionId() const = 0;
};

}  // namespace streamprobe::zookeeper
