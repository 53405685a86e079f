// The production ZnodeReader: one ZooKeeper client session (libzookeeper-mt).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "zookeeper/znode_reader.h"

namespace streamprobe::zookeeper {

// Opens the session lazily on first use and opens a new one after the old one
// expired or failed, so a probe keeps working across ZooKeeper restarts.
// `connect_string` is "host:port,host:port" (no chroot; readers take paths
// relative to the root). Thread-safe; every call returns by its deadline.
std::shared_ptr<ZnodeReader> NewZkSession(std::string connect_string,
                                          std::chrono::milliseconds session_timeout);

}  // namespace streamprobe::zookeeper
