// JSON encoding of what crosses the pipe between the parent and its Kafka
// client worker: the whole KafkaConfig (secret values included, so it never
// travels through argv or the environment) and every KafkaClient result type.
// Pure functions; decoding throws nlohmann::json::exception on a malformed
// document, which the caller treats as a bad frame.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "kafka/kafka_client.h"
#include "kafka/kafka_config.h"
#include "kafka/kafka_types.h"

namespace streamprobe::kafka {

nlohmann::json EncodeConfig(const KafkaConfig& config);
KafkaConfig DecodeConfig(const nlohmann::json& doc);

nlohmann::json EncodeStatus(const Status& status);
Status DecodeStatus(const nlohmann::json& doc);

void to_json(nlohmann::json& j, const BrokerMeta& v);
void from_json(const nlohmann::json& j, BrokerMeta& v);
void to_json(nlohmann::json& j, const PartitionMeta& v);
void from_json(const nlohmann::json& j, PartitionMeta& v);
void to_json(nlohmann::json& j, const TopicMeta& v);
void from_json(const nlohmann::json& j, TopicMeta& v);
void to_json(nlohmann::json& j, const ClusterMeta& v);
void from_json(const nlohmann::json& j, ClusterMeta& v);
void to_json(nlohmann::json& j, const GroupInfo& v);
void from_json(const nlohmann::json& j, GroupInfo& v);
void to_json(nlohmann::json& j, const TopicPartition& v);
void from_json(const nlohmann::json& j, TopicPartition& v);
void to_json(nlohmann::json& j, const GroupOffsets& v);
void from_json(const nlohmann::json& j, GroupOffsets& v);
void to_json(nlohmann::json& j, const CanaryResult& v);
void from_json(const nlohmann::json& j, CanaryResult& v);

}  // namespace streamprobe::kafka
