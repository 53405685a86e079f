#include "app/wait_conditions.h"

#include <charconv>

#include "kafka/kafka_round.h"

namespace streamprobe {
namespace {

using Judge = std::function<std::pair<bool, std::string>(const Snapshot&, const StatusTable&)>;

std::optional<int> Count(const std::string& text) {
  int n = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

// The row of `key` (in `cluster`, or the first of any cluster), or null.
const ComponentRow* Row(const StatusTable& t, const std::string& key, const std::string& cluster) {
  for (const ComponentRow& r : t.rows) {
    if (r.key == key && (cluster.empty() || r.cluster == cluster)) return &r;
  }
  return nullptr;
}

std::string Progress(const ComponentRow* row, const std::string& title) {
  if (!row) return title + ": no result yet";
  return row->title + " " + std::to_string(row->ready) + "/" + std::to_string(row->expected) +
         " (" + std::string(HealthName(row->health)) + ")";
}

Judge ReadyAtLeast(std::string key, std::string title, int n, std::string cluster) {
  return [=](const Snapshot&, const StatusTable& t) {
    const ComponentRow* row = Row(t, key, cluster);
    return std::make_pair(row != nullptr && row->ready >= n, Progress(row, title));
  };
}

Judge Quorum(std::string cluster) {
  return [=](const Snapshot&, const StatusTable& t) {
    const ComponentRow* row = Row(t, "zookeeper", cluster);
    const bool held = row != nullptr &&
                      (row->health == Health::kOk || row->health == Health::kDegraded);
    return std::make_pair(held, Progress(row, "ZooKeeper ensemble"));
  };
}

Judge TopicExists(std::string topic, std::string cluster) {
  return [=](const Snapshot& s, const StatusTable&) {
    for (const auto& [id, r] : s.results()) {
      if (r->system != "kafka" || (!cluster.empty() && r->cluster != cluster) || !r->state) continue;
      const auto& round = *static_cast<const kafka::KafkaRound*>(r->state.get());
      if (!round.metadata_ok) continue;
      for (const auto& t : round.meta.topics) {
        if (t.name == topic) return std::make_pair(true, "topic " + topic + " exists");
      }
      return std::make_pair(false, "topic " + topic + " not in the metadata");
    }
    return std::make_pair(false, "topic " + topic + ": no Kafka metadata yet");
  };
}

// A fact of the Doris cluster view (see doris_probe.cpp).
Judge DorisFact(std::string key, int at_least, std::string cluster) {
  return [=](const Snapshot& s, const StatusTable& t) {
    std::string value;
    for (const ComponentRow& row : t.rows) {
      if (row.key != "doris_fe" || (!cluster.empty() && row.cluster != cluster)) continue;
      value = s.Fact(row.cluster, "doris", key);
      break;
    }
    if (key == "master") {
      return std::make_pair(!value.empty(), value.empty() ? std::string("no Doris FE master listed")
                                                          : "Doris FE master " + value);
    }
    const int alive = Count(value).value_or(0);
    return std::make_pair(alive >= at_least,
                          "Doris BEs alive " + std::to_string(alive) + "/" + std::to_string(at_least));
  };
}

}  // namespace

std::string WaitConditionsHelp() {
  return "  zookeeper-quorum      a majority of the ZooKeeper members serve\n"
         "  kafka-brokers>=N      N expected Kafka brokers registered, answering, where expected\n"
         "  topic=NAME            the topic is in the Kafka cluster's metadata\n"
         "  schema-registry       a Schema Registry instance answers\n"
         "  connect-worker        a Kafka Connect worker answers healthy\n"
         "  doris-fe-master       the Doris FEs list exactly one master\n"
         "  doris-be-alive>=N     the Doris FEs list N BEs alive\n";
}

std::optional<WaitCondition> ParseWaitCondition(const std::string& text, const std::string& cluster,
                                                std::string* error) {
  auto counted = [&](const std::string& prefix) -> std::optional<int> {
    if (text.rfind(prefix, 0) != 0) return std::nullopt;
    return Count(text.substr(prefix.size()));
  };
  Judge judge;
  if (text == "zookeeper-quorum") {
    judge = Quorum(cluster);
  } else if (auto n = counted("kafka-brokers>=")) {
    judge = ReadyAtLeast("kafka_brokers", "Kafka brokers", *n, cluster);
  } else if (text.rfind("topic=", 0) == 0 && text.size() > 6) {
    judge = TopicExists(text.substr(6), cluster);
  } else if (text == "schema-registry") {
    judge = ReadyAtLeast("schema_registry", "Schema Registry", 1, cluster);
  } else if (text == "connect-worker") {
    judge = ReadyAtLeast("kafka_connect", "Kafka Connect", 1, cluster);
  } else if (text == "doris-fe-master") {
    judge = DorisFact("master", 0, cluster);
  } else if (auto n = counted("doris-be-alive>=")) {
    judge = DorisFact("backends_alive", *n, cluster);
  } else {
    *error = "unknown condition \"" + text + "\"; one of:\n" + WaitConditionsHelp();
    return std::nullopt;
  }
  return WaitCondition{text, std::move(judge)};
}

}  // namespace streamprobe
