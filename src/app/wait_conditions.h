// The conditions `streamprobe wait --for` blocks on, parsed from their text
// and judged against a snapshot. Pure functions of the snapshot.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/snapshot.h"
#include "core/status_table.h"

namespace streamprobe {

struct WaitCondition {
  std::string text;  // as given, e.g. "kafka-brokers>=3"
  // Whether it holds, and a short progress note ("Kafka brokers 1/3").
  std::function<std::pair<bool, std::string>(const Snapshot&, const StatusTable&)> judge;
};

// The syntax, for the usage text.
std::string WaitConditionsHelp();

// Parses one condition; nullopt with *error set when it is not one. `cluster`
// ("" for any) limits the condition to one configured cluster.
std::optional<WaitCondition> ParseWaitCondition(const std::string& text, const std::string& cluster,
                                                std::string* error);

}  // namespace streamprobe
