#include "kafka/kafka_wire.h"

#include <algorithm>

namespace streamprobe::kafka {
namespace {

using nlohmann::json;

// Each encoder below unpacks its struct with a structured binding, so adding
// a field to a config struct breaks this file's build until the field is carried.

json EncodeSchedule(const Schedule& s) {
  const auto& [interval, timeout] = s;
  return {{"interval_ms", interval.count()}, {"timeout_ms", timeout.count()}};
}

Schedule DecodeSchedule(const json& j) {
  return {Millis(j.at("interval_ms").get<long long>()), Millis(j.at("timeout_ms").get<long long>())};
}

json EncodeZk(const ZkConfig& z) {
  const auto& [connect, chroot, session_timeout] = z;
  return {{"connect", connect}, {"chroot", chroot}, {"session_timeout_ms", session_timeout.count()}};
}

ZkConfig DecodeZk(const json& j) {
  ZkConfig z;
  auto& [connect, chroot, session_timeout] = z;
  connect = j.at("connect").get<std::string>();
  chroot = j.at("chroot").get<std::string>();
  session_timeout = Millis(j.at("session_timeout_ms").get<long long>());
  return z;
}

json EncodeExpected(const ExpectedBrokers& e) {
  const auto& [ids, host_pattern] = e;
  return {{"ids", ids}, {"host_pattern", host_pattern}};
}

ExpectedBrokers DecodeExpected(const json& j) {
  ExpectedBrokers e;
  auto& [ids, host_pattern] = e;
  ids = j.at("ids").get<std::vector<int>>();
  host_pattern = j.at("host_pattern").get<std::string>();
  return e;
}

OffsetsSource DecodeOffsetsSource(const json& j) {
  const std::string name = j.get<std::string>();
  for (OffsetsSource source : {OffsetsSource::kAdminApi, OffsetsSource::kOffsetsTopic}) {
    if (name == OffsetsSourceName(source)) return source;
  }
  throw json::other_error::create(501, "unknown offsets_source " + name, &j);
}

json EncodeGroups(const ConsumerGroupConfig& g) {
  const auto& [enabled, allow, deny, per_partition, series_budget, offsets_source] = g;
  return {{"enabled", enabled}, {"allow", allow}, {"deny", deny},
          {"per_partition", per_partition}, {"series_budget", series_budget},
          {"offsets_source", OffsetsSourceName(offsets_source)}};
}

ConsumerGroupConfig DecodeGroups(const json& j) {
  ConsumerGroupConfig g;
  auto& [enabled, allow, deny, per_partition, series_budget, offsets_source] = g;
  enabled = j.at("enabled").get<bool>();
  allow = j.at("allow").get<std::string>();
  deny = j.at("deny").get<std::string>();
  per_partition = j.at("per_partition").get<bool>();
  series_budget = j.at("series_budget").get<int>();
  offsets_source = DecodeOffsetsSource(j.at("offsets_source"));
  return g;
}

json EncodeCanary(const CanaryConfig& c) {
  const auto& [topic, partition] = c;
  return {{"topic", topic}, {"partition", partition}};
}

CanaryConfig DecodeCanary(const json& j) {
  CanaryConfig c;
  auto& [topic, partition] = c;
  topic = j.at("topic").get<std::string>();
  partition = j.at("partition").get<int>();
  return c;
}

json EncodeSecrets(const std::map<std::string, Secret>& secrets) {
  json out = json::object();
  for (const auto& [name, secret] : secrets) {
    const auto& [source, value] = secret;
    out[name] = {{"source", source}, {"value", value}};
  }
  return out;
}

std::map<std::string, Secret> DecodeSecrets(const json& j) {
  std::map<std::string, Secret> out;
  for (const auto& [name, item] : j.items()) {
    Secret s;
    auto& [source, value] = s;
    source = item.at("source").get<std::string>();
    value = item.at("value").get<std::string>();
    out[name] = std::move(s);
  }
  return out;
}

}  // namespace

json EncodeConfig(const KafkaConfig& config) {
  const auto& [schedule, bootstrap, zookeeper, kraft, expected, groups, canary, client, client_secrets] =
      config;
  return {{"schedule", EncodeSchedule(schedule)},
          {"bootstrap", bootstrap},
          {"zookeeper", zookeeper ? EncodeZk(*zookeeper) : json(nullptr)},
          {"kraft_controllers", kraft.controllers},
          {"expected", EncodeExpected(expected)},
          {"groups", EncodeGroups(groups)},
          {"canary", EncodeCanary(canary)},
          {"client", client},
          {"client_secrets", EncodeSecrets(client_secrets)}};
}

KafkaConfig DecodeConfig(const json& doc) {
  KafkaConfig config;
  auto& [schedule, bootstrap, zookeeper, kraft, expected, groups, canary, client, client_secrets] =
      config;
  schedule = DecodeSchedule(doc.at("schedule"));
  bootstrap = doc.at("bootstrap").get<std::vector<std::string>>();
  if (!doc.at("zookeeper").is_null()) zookeeper = DecodeZk(doc.at("zookeeper"));
  kraft.controllers = doc.at("kraft_controllers").get<std::vector<std::string>>();
  expected = DecodeExpected(doc.at("expected"));
  groups = DecodeGroups(doc.at("groups"));
  canary = DecodeCanary(doc.at("canary"));
  client = doc.at("client").get<std::map<std::string, std::string>>();
  client_secrets = DecodeSecrets(doc.at("client_secrets"));
  return config;
}

json EncodeStatus(const Status& status) {
  return {{"reason", ReasonName(status.reason())}, {"detail", status.detail()}};
}

Status DecodeStatus(const json& doc) {
  const std::string name = doc.at("reason").get<std::string>();
  auto it = std::find_if(kAllReasons.begin(), kAllReasons.end(),
                         [&](Reason r) { return ReasonName(r) == name; });
  if (it == kAllReasons.end()) throw json::other_error::create(501, "unknown reason " + name, &doc);
  if (*it == Reason::kNone) return Status::Ok();
  return Status::Fail(*it, doc.at("detail").get<std::string>());
}

void to_json(json& j, const BrokerMeta& v) { j = {{"id", v.id}, {"host", v.host}, {"port", v.port}}; }
void from_json(const json& j, BrokerMeta& v) {
  j.at("id").get_to(v.id);
  j.at("host").get_to(v.host);
  j.at("port").get_to(v.port);
}

void to_json(json& j, const PartitionMeta& v) {
  j = {{"id", v.id}, {"leader", v.leader}, {"replicas", v.replicas}, {"isr", v.isr},
       {"error", v.error}};
}
void from_json(const json& j, PartitionMeta& v) {
  j.at("id").get_to(v.id);
  j.at("leader").get_to(v.leader);
  j.at("replicas").get_to(v.replicas);
  j.at("isr").get_to(v.isr);
  j.at("error").get_to(v.error);
}

void to_json(json& j, const TopicMeta& v) {
  j = {{"name", v.name}, {"error", v.error}, {"partitions", v.partitions}};
}
void from_json(const json& j, TopicMeta& v) {
  j.at("name").get_to(v.name);
  j.at("error").get_to(v.error);
  j.at("partitions").get_to(v.partitions);
}

void to_json(json& j, const ClusterMeta& v) {
  j = {{"cluster_id", v.cluster_id}, {"metadata_controller_id", v.metadata_controller_id},
       {"brokers", v.brokers}, {"topics", v.topics}};
}
void from_json(const json& j, ClusterMeta& v) {
  j.at("cluster_id").get_to(v.cluster_id);
  j.at("metadata_controller_id").get_to(v.metadata_controller_id);
  j.at("brokers").get_to(v.brokers);
  j.at("topics").get_to(v.topics);
}

void to_json(json& j, const GroupInfo& v) {
  j = {{"id", v.id}, {"state", v.state}, {"members", v.members}, {"simple", v.simple}};
}
void from_json(const json& j, GroupInfo& v) {
  j.at("id").get_to(v.id);
  j.at("state").get_to(v.state);
  j.at("members").get_to(v.members);
  j.at("simple").get_to(v.simple);
}

void to_json(json& j, const TopicPartition& v) { j = {v.topic, v.partition}; }
void from_json(const json& j, TopicPartition& v) {
  j.at(0).get_to(v.topic);
  j.at(1).get_to(v.partition);
}

void to_json(json& j, const GroupOffsets& v) {
  j = {{"group", v.group}, {"ok", v.ok}, {"committed", v.committed}};
}
void from_json(const json& j, GroupOffsets& v) {
  j.at("group").get_to(v.group);
  j.at("ok").get_to(v.ok);
  j.at("committed").get_to(v.committed);
}

void to_json(json& j, const CanaryResult& v) {
  j = {{"produced", v.produced}, {"consumed", v.consumed},
       {"round_trip_seconds", v.round_trip_seconds}};
}
void from_json(const json& j, CanaryResult& v) {
  j.at("produced").get_to(v.produced);
  j.at("consumed").get_to(v.consumed);
  j.at("round_trip_seconds").get_to(v.round_trip_seconds);
}

}  // namespace streamprobe::kafka
