// Kafka's registry in ZooKeeper (ZooKeeper-mode clusters), as Kafka 2.x-3.9
// writes it: see PROTOCOLS.md §1 (apache/kafka core/.../zk/ZkData.scala).
// Shared by the zookeeper backend (which exports it) and the kafka backend
// (which cross-checks it against metadata and expectations).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "zookeeper/znode_reader.h"

namespace streamprobe::zookeeper {

// /brokers/ids/<id>
struct BrokerRegistration {
  int id = -1;
  Status parse_status;                 // kBadPayload if not what Kafka writes
  int version = 0;
  std::string host;                    // may be empty (no PLAINTEXT listener)
  int port = -1;
  std::vector<std::string> endpoints;  // "LISTENER://host:port"
  std::string rack;
  long long timestamp_ms = 0;          // from the JSON "timestamp" string
  int jmx_port = -1;
  ZnodeStat stat;                      // ephemeral_owner = owning session, czxid = broker epoch
};

// /controller
struct ControllerRegistration {
  bool present = false;
  Status parse_status;
  int broker_id = -1;
  long long timestamp_ms = 0;
  std::optional<long long> kraft_controller_epoch;  // Kafka >= 3.4
  ZnodeStat stat;
};

struct KafkaRegistry {
  std::vector<BrokerRegistration> brokers;  // sorted by id
  ControllerRegistration controller;
  std::optional<long long> controller_epoch;         // /controller_epoch
  Status controller_epoch_status;
  std::string cluster_id;                            // /cluster/id "id"; "" if absent
  Status cluster_id_status;
  std::vector<std::string> pending_topic_deletions;  // /admin/delete_topics children
  std::size_t isr_change_notifications = 0;          // /isr_change_notification children
};

// Pure parsers (bytes in, typed value out). A payload that is not what Kafka
// writes yields parse_status kBadPayload and never throws.
BrokerRegistration ParseBrokerRegistration(int id, const std::string& json, const ZnodeStat& stat);
ControllerRegistration ParseControllerRegistration(const std::string& json, const ZnodeStat& stat);
Result<long long> ParseControllerEpoch(const std::string& text);
Result<std::string> ParseClusterId(const std::string& json);

// Reads the whole registry under `chroot` ("" or "/" for the root). Fails only
// when ZooKeeper cannot be asked (or /brokers/ids is missing: reason
// kNotServing with a detail saying no Kafka registry was found); a bad payload
// in one znode only sets that entry's parse status.
Result<KafkaRegistry> ReadKafkaRegistry(ZnodeReader& reader, const std::string& chroot,
                                        Deadline deadline);

}  // namespace streamprobe::zookeeper
