// The `kafka:` section of a cluster: one target per Kafka cluster.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/decoder.h"

namespace streamprobe::kafka {

// ZooKeeper of a ZooKeeper-mode cluster; absent for KRaft.
struct ZkConfig {
  std::string connect;            // "host:port,host:port" without chroot
  std::string chroot = "/";       // Kafka's chroot, e.g. "/kafka"
  Millis session_timeout{10000};  // streamprobe's own ZooKeeper session
};

struct ExpectedBrokers {
  std::vector<int> ids;      // empty: no expectations (no missing/unexpected states)
  std::string host_pattern;  // "{id}" replaced by the id; "" = any host
};

// Where committed offsets come from: one OffsetFetch per group through the
// admin API, or the internal __consumer_offsets topic read by one consumer.
enum class OffsetsSource { kAdminApi, kOffsetsTopic };

// "admin_api" / "offsets_topic", as written in the config.
const char* OffsetsSourceName(OffsetsSource source);

struct ConsumerGroupConfig {
  bool enabled = true;
  std::string allow = ".*";  // group ids matching allow and not deny are reported
  std::string deny;          // "" = deny nothing
  bool per_partition = false;
  int series_budget = 2000;  // max lag series; above it roll up to group level
  OffsetsSource offsets_source = OffsetsSource::kAdminApi;
};

// The KRaft controller quorum: controller listener endpoints to probe (the
// controller.quorum.bootstrap.servers list). Empty: the quorum is not probed.
struct KraftConfig {
  std::vector<std::string> controllers;  // "host:port", PLAINTEXT controller listeners
};

struct CanaryConfig {
  std::string topic;  // "" = no canary
  int partition = 0;
};

struct KafkaConfig {
  Schedule schedule{Millis(15000), Millis(5000)};
  std::vector<std::string> bootstrap;  // "host:port"
  std::optional<ZkConfig> zookeeper;
  KraftConfig kraft;
  ExpectedBrokers expected;
  ConsumerGroupConfig groups;
  CanaryConfig canary;
  // librdkafka properties, validated at load. Secret values never appear in
  // logs or error messages.
  std::map<std::string, std::string> client;
  std::map<std::string, Secret> client_secrets;

  // "127.0.0.1:9092,..." for bootstrap.servers.
  std::string BootstrapServers() const;
  // The host an expected broker must register with ("" if no pattern).
  std::string ExpectedHost(int id) const;
  // True if security.protocol is SSL or SASL_SSL (no plaintext ApiVersions).
  bool UsesTls() const;
};

// librdkafka properties whose values are secrets (accepted only in client_secrets).
bool IsSecretProperty(const std::string& name);

// Decodes the section (reading interval/timeout via ReadSchedule) and reports
// every problem through `section`, including librdkafka properties that
// rd_kafka_conf_set rejects. Calls Finish() on every decoder it creates.
KafkaConfig DecodeKafkaConfig(Decoder& section, const ClusterContext& cluster);

}  // namespace streamprobe::kafka
