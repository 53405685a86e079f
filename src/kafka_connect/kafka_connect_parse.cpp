#include "kafka_connect/kafka_connect_parse.h"

#include "net/json.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace streamprobe {
namespace {

using nlohmann::json;

// The string at `key` of object `j`, or "" when absent or not a string.
std::string StringAt(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The body as a JSON object, or null. Never copies the parsed value: copying is
// recursive and a deeply nested body would overflow the stack.
json ParseObject(std::string_view body) {
  json j = ParseJsonBounded(body);
  if (!j.is_object()) return json();
  return j;
}

std::string_view BoundedState(const std::string& state) {
  for (std::string_view known : kConnectStates) {
    if (state == known) return known;
  }
  return kStateUnknown;
}

std::string_view BoundedType(const std::string& type) {
  for (std::string_view known : kConnectorTypes) {
    if (type == known) return known;
  }
  return "unknown";
}

Result<ConnectTask> ParseTask(const json& j) {
  if (!j.is_object()) return Result<ConnectTask>::Fail(Reason::kBadPayload, "task is not an object");
  auto id = j.find("id");
  if (id == j.end() || !id->is_number_integer()) {
    return Result<ConnectTask>::Fail(Reason::kBadPayload, "task without integer id");
  }
  ConnectTask task;
  task.id = id->get<long>();
  task.state = BoundedState(StringAt(j, "state"));
  task.worker_id = StringAt(j, "worker_id");
  task.trace = StringAt(j, "trace");
  return Result<ConnectTask>::Of(std::move(task));
}

// Fills `c` from a ConnectorStateInfo object ("status").
Status ParseStatus(const json& status, ConnectConnector& c) {
  if (!status.is_object()) return Status::Fail(Reason::kBadPayload, "status is not an object");
  auto connector = status.find("connector");
  if (connector != status.end() && connector->is_object()) {
    c.state = BoundedState(StringAt(*connector, "state"));
    c.worker_id = StringAt(*connector, "worker_id");
    c.trace = StringAt(*connector, "trace");
  }
  c.type = BoundedType(StringAt(status, "type"));
  auto tasks = status.find("tasks");
  if (tasks == status.end()) return Status::Ok();
  if (!tasks->is_array()) return Status::Fail(Reason::kBadPayload, "tasks is not an array");
  for (const json& t : *tasks) {
    Result<ConnectTask> task = ParseTask(t);
    if (!task.ok()) return task.status;
    c.tasks.push_back(std::move(task.value));
  }
  std::sort(c.tasks.begin(), c.tasks.end(),
            [](const ConnectTask& a, const ConnectTask& b) { return a.id < b.id; });
  return Status::Ok();
}

// Fills class and (if status gave none) type from a ConnectorInfo object ("info").
void ParseInfo(const json& info, ConnectConnector& c) {
  if (!info.is_object()) return;
  auto config = info.find("config");
  if (config != info.end() && config->is_object()) {
    c.connector_class = StringAt(*config, "connector.class");
  }
  if (c.type == "unknown") c.type = BoundedType(StringAt(info, "type"));
}

}  // namespace

Result<ConnectServerInfo> ParseConnectServerInfo(std::string_view body) {
  const json j = ParseObject(body);
  if (!j.is_object() || !j.contains("version")) {
    return Result<ConnectServerInfo>::Fail(Reason::kBadPayload,
                                           "GET / is not a Connect ServerInfo object");
  }
  return Result<ConnectServerInfo>::Of(
      {StringAt(j, "version"), StringAt(j, "commit"), StringAt(j, "kafka_cluster_id")});
}

Result<ConnectHealth> ParseConnectHealth(long http_status, std::string_view body) {
  if (http_status == 404) return Result<ConnectHealth>::Of({kHealthUnknown, "no /health endpoint"});
  if (http_status != 200 && http_status != 500 && http_status != 503) {
    return Result<ConnectHealth>::Fail(Reason::kHttpStatus,
                                       "/health answered HTTP " + std::to_string(http_status));
  }
  const json j = ParseObject(body);
  const std::string status = j.is_object() ? StringAt(j, "status") : std::string();
  for (std::string_view state : {kHealthHealthy, kHealthStarting, kHealthUnhealthy}) {
    if (status == state) return Result<ConnectHealth>::Of({state, StringAt(j, "message")});
  }
  return Result<ConnectHealth>::Fail(
      Reason::kBadPayload,
      "/health HTTP " + std::to_string(http_status) + " body is not a WorkerStatus object");
}

std::optional<RestErrorBody> ParseRestErrorBody(std::string_view body) {
  const json j = ParseObject(body);
  if (!j.is_object()) return std::nullopt;
  auto code = j.find("error_code");
  if (code == j.end() || !code->is_number_integer()) return std::nullopt;
  return RestErrorBody{code->get<long>(), StringAt(j, "message")};
}

Result<ConnectConnectors> ParseConnectConnectors(std::string_view body,
                                                 std::size_t max_connectors) {
  const json j = ParseObject(body);
  if (!j.is_object()) {
    return Result<ConnectConnectors>::Fail(Reason::kBadPayload,
                                           "/connectors?expand=... is not a JSON object");
  }
  ConnectConnectors out;
  for (const auto& [name, entry] : j.items()) {  // nlohmann's object keeps keys sorted
    out.all_names.push_back(name);
    if (out.connectors.size() >= max_connectors) {
      ++out.omitted;
      continue;
    }
    if (!entry.is_object()) {
      return Result<ConnectConnectors>::Fail(Reason::kBadPayload,
                                             "connector " + name + " is not an object");
    }
    ConnectConnector c;
    c.name = name;
    if (auto status = entry.find("status"); status != entry.end()) {
      Status s = ParseStatus(*status, c);
      if (!s.ok()) return Result<ConnectConnectors>::Fail(Reason::kBadPayload,
                                                          "connector " + name + ": " + s.detail());
    }
    if (auto info = entry.find("info"); info != entry.end()) ParseInfo(*info, c);
    out.connectors.push_back(std::move(c));
  }
  return Result<ConnectConnectors>::Of(std::move(out));
}

Result<std::vector<ConnectPlugin>> ParseConnectPlugins(std::string_view body) {
  const json j = ParseJsonBounded(body);
  if (!j.is_array()) {
    return Result<std::vector<ConnectPlugin>>::Fail(Reason::kBadPayload,
                                                    "/connector-plugins is not a JSON array");
  }
  std::vector<ConnectPlugin> plugins;
  for (const json& p : j) {
    const std::string cls = p.is_object() ? StringAt(p, "class") : std::string();
    if (cls.empty()) {
      return Result<std::vector<ConnectPlugin>>::Fail(Reason::kBadPayload,
                                                      "plugin entry without a class");
    }
    plugins.push_back({cls, BoundedType(StringAt(p, "type")), StringAt(p, "version")});
  }
  return Result<std::vector<ConnectPlugin>>::Of(std::move(plugins));
}

std::string_view FirstLine(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  return end == std::string_view::npos ? text : text.substr(0, end);
}

std::string_view ConnectErrorClass(std::string_view trace) {
  const std::string_view line = FirstLine(trace);
  if (line.empty()) return "";
  // "pkg.Class: message" or just "pkg.Class"; the simple name follows the last dot.
  const std::string_view qualified = line.substr(0, line.find_first_of(": \t"));
  const std::size_t dot = qualified.rfind('.');
  const std::string_view simple = dot == std::string_view::npos ? qualified : qualified.substr(dot + 1);
  for (std::string_view known : kKnownErrorClasses) {
    if (simple == known) return known;
  }
  return "other";
}

}  // namespace streamprobe
