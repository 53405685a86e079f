#include "zookeeper/kafka_registry.h"

#include "net/json.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace streamprobe::zookeeper {
namespace {

using nlohmann::json;

// Bounds on what one read keeps, so a runaway registry cannot grow memory.
constexpr std::size_t kMaxBrokers = 1000;
constexpr std::size_t kMaxPendingDeletionNames = 1000;

Status Bad(std::string detail) { return Status::Fail(Reason::kBadPayload, std::move(detail)); }

// Parses a whole decimal integer (optional leading '-'), trimming ASCII
// whitespace around it.
std::optional<long long> ParseInteger(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  const auto last = text.find_last_not_of(" \t\r\n");
  text = text.substr(first, last - first + 1);
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// An integer field; Kafka writes "timestamp" as a string, so a string holding
// an integer is accepted as well.
std::optional<long long> LenientInt(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<long long>();
  if (it->is_string()) return ParseInteger(it->get_ref<const std::string&>());
  return std::nullopt;
}

bool FitsInt(long long v) { return v >= -2147483648LL && v <= 2147483647LL; }

std::string JoinPath(const std::string& root, std::string_view path) {
  return root + std::string(path);
}

// "" or "/" -> ""; "/kafka/" -> "/kafka"; a chroot without leading '/' gets one.
std::string NormalizeChroot(std::string chroot) {
  while (!chroot.empty() && chroot.back() == '/') chroot.pop_back();
  if (!chroot.empty() && chroot.front() != '/') chroot.insert(chroot.begin(), '/');
  return chroot;
}

// Fills the fields of `reg` from an already parsed object; returns why it is
// not what Kafka writes, or ok.
Status FillBroker(const json& obj, BrokerRegistration& reg) {
  auto version = LenientInt(obj, "version");
  if (!version) return Bad("no integer \"version\"");
  reg.version = static_cast<int>(std::clamp<long long>(*version, -1, 1000));
  if (auto it = obj.find("host"); it != obj.end() && it->is_string()) reg.host = it->get<std::string>();
  else if (it != obj.end() && !it->is_null()) return Bad("\"host\" is neither a string nor null");
  if (auto port = LenientInt(obj, "port"); port && FitsInt(*port)) reg.port = static_cast<int>(*port);
  else if (obj.contains("port")) return Bad("\"port\" is not an integer");
  if (auto jmx = LenientInt(obj, "jmx_port"); jmx && FitsInt(*jmx)) reg.jmx_port = static_cast<int>(*jmx);
  if (auto it = obj.find("rack"); it != obj.end() && it->is_string()) reg.rack = it->get<std::string>();
  if (auto ts = LenientInt(obj, "timestamp")) reg.timestamp_ms = *ts;
  else if (obj.contains("timestamp")) return Bad("\"timestamp\" is not an integer");
  auto eps = obj.find("endpoints");
  if (eps == obj.end()) {
    // Version 1+ always writes endpoints; only v0 (pre-0.9) had host/port alone.
    return *version >= 1 || reg.host.empty() ? Bad("no \"endpoints\"") : Status::Ok();
  }
  if (!eps->is_array()) return Bad("\"endpoints\" is not an array");
  for (const auto& ep : *eps) {
    if (!ep.is_string()) return Bad("an endpoint is not a string");
    if (reg.endpoints.size() < 64) reg.endpoints.push_back(ep.get<std::string>());
  }
  return Status::Ok();
}

Status ReadBrokers(ZnodeReader& reader, const std::string& root, Deadline deadline,
                   KafkaRegistry& out) {
  const std::string ids_path = JoinPath(root, "/brokers/ids");
  auto ids = reader.Children(ids_path, deadline);
  if (!ids.ok()) return ids.status;
  if (!ids.value) {
    return Status::Fail(Reason::kNotServing, "no Kafka registry found: " + ids_path + " does not exist");
  }
  for (const std::string& child : *ids.value) {
    auto id = ParseInteger(child);
    if (!id || !FitsInt(*id) || out.brokers.size() >= kMaxBrokers) continue;
    auto node = reader.Get(ids_path + "/" + child, deadline);
    if (!node.ok()) return node.status;
    if (!node.value) continue;  // the broker went away while we listed
    out.brokers.push_back(
        ParseBrokerRegistration(static_cast<int>(*id), node.value->data, node.value->stat));
  }
  std::sort(out.brokers.begin(), out.brokers.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return Status::Ok();
}

Status ReadController(ZnodeReader& reader, const std::string& root, Deadline deadline,
                      KafkaRegistry& out) {
  auto controller = reader.Get(JoinPath(root, "/controller"), deadline);
  if (!controller.ok()) return controller.status;
  if (controller.value) {
    out.controller = ParseControllerRegistration(controller.value->data, controller.value->stat);
  }
  auto epoch = reader.Get(JoinPath(root, "/controller_epoch"), deadline);
  if (!epoch.ok()) return epoch.status;
  if (epoch.value) {
    auto parsed = ParseControllerEpoch(epoch.value->data);
    out.controller_epoch_status = parsed.status;
    if (parsed.ok()) out.controller_epoch = parsed.value;
  }
  return Status::Ok();
}

Status ReadClusterId(ZnodeReader& reader, const std::string& root, Deadline deadline,
                     KafkaRegistry& out) {
  auto node = reader.Get(JoinPath(root, "/cluster/id"), deadline);
  if (!node.ok()) return node.status;
  if (node.value) {
    auto parsed = ParseClusterId(node.value->data);
    out.cluster_id_status = parsed.status;
    out.cluster_id = parsed.value;
  }
  return Status::Ok();
}

Status ReadBacklogs(ZnodeReader& reader, const std::string& root, Deadline deadline,
                    KafkaRegistry& out) {
  auto deletions = reader.Children(JoinPath(root, "/admin/delete_topics"), deadline);
  if (!deletions.ok()) return deletions.status;
  if (deletions.value) {
    auto& names = *deletions.value;
    std::sort(names.begin(), names.end());
    if (names.size() > kMaxPendingDeletionNames) names.resize(kMaxPendingDeletionNames);
    out.pending_topic_deletions = std::move(names);
  }
  auto isr = reader.Children(JoinPath(root, "/isr_change_notification"), deadline);
  if (!isr.ok()) return isr.status;
  if (isr.value) out.isr_change_notifications = isr.value->size();
  return Status::Ok();
}

}  // namespace

BrokerRegistration ParseBrokerRegistration(int id, const std::string& json_text,
                                           const ZnodeStat& stat) {
  BrokerRegistration reg;
  reg.id = id;
  reg.stat = stat;
  json doc = ParseJsonBounded(json_text);
  if (doc.is_discarded() || !doc.is_object()) {
    reg.parse_status = Bad("/brokers/ids/" + std::to_string(id) + " is not a JSON object");
    return reg;
  }
  reg.parse_status = FillBroker(doc, reg);
  return reg;
}

ControllerRegistration ParseControllerRegistration(const std::string& json_text,
                                                   const ZnodeStat& stat) {
  ControllerRegistration reg;
  reg.present = true;
  reg.stat = stat;
  json doc = ParseJsonBounded(json_text);
  if (doc.is_discarded() || !doc.is_object()) {
    reg.parse_status = Bad("/controller is not a JSON object");
    return reg;
  }
  auto broker = LenientInt(doc, "brokerid");
  if (!broker || !FitsInt(*broker)) {
    reg.parse_status = Bad("/controller has no integer \"brokerid\"");
    return reg;
  }
  reg.broker_id = static_cast<int>(*broker);
  if (auto ts = LenientInt(doc, "timestamp")) reg.timestamp_ms = *ts;
  if (auto epoch = LenientInt(doc, "kraftControllerEpoch")) reg.kraft_controller_epoch = *epoch;
  return reg;
}

Result<long long> ParseControllerEpoch(const std::string& text) {
  auto value = ParseInteger(text);
  if (!value) return Result<long long>::Fail(Reason::kBadPayload, "/controller_epoch is not an integer");
  return Result<long long>::Of(*value);
}

Result<std::string> ParseClusterId(const std::string& json_text) {
  json doc = ParseJsonBounded(json_text);
  if (doc.is_discarded() || !doc.is_object()) {
    return Result<std::string>::Fail(Reason::kBadPayload, "/cluster/id is not a JSON object");
  }
  auto it = doc.find("id");
  if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Result<std::string>::Fail(Reason::kBadPayload, "/cluster/id has no string \"id\"");
  }
  const std::string& id = it->get_ref<const std::string&>();
  if (id.size() > 64) return Result<std::string>::Fail(Reason::kBadPayload, "/cluster/id \"id\" too long");
  return Result<std::string>::Of(id);
}

Result<KafkaRegistry> ReadKafkaRegistry(ZnodeReader& reader, const std::string& chroot,
                                        Deadline deadline) {
  const std::string root = NormalizeChroot(chroot);
  KafkaRegistry registry;
  for (auto step : {&ReadBrokers, &ReadController, &ReadClusterId, &ReadBacklogs}) {
    Status s = step(reader, root, deadline, registry);
    if (!s.ok()) return Result<KafkaRegistry>::Fail(std::move(s));
  }
  return Result<KafkaRegistry>::Of(std::move(registry));
}

}  // namespace streamprobe::zookeeper
