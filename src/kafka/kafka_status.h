// The Kafka brokers' row of the status table: one unit per broker id.
#pragma once

#include <span>
#include <vector>

#include "core/component.h"
#include "kafka/kafka_round.h"

namespace streamprobe::kafka {

// One unit of component "kafka_brokers" per broker id the round classified
// (unexpected ids are not units: they do not make the cluster short), named
// "id N", with the registering host where it explains the cause. When the
// round could classify nothing, one unit per `expected_ids` entry with
// the round's failure as its wording; none without expectations (the target then counts
// as one unit of its own).
std::vector<ComponentUnit> BrokerUnits(const KafkaRound& round, std::span<const int> expected_ids,
                                       const Status& round_status);

}  // namespace streamprobe::kafka
