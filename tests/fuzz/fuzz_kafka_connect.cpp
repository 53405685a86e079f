// libFuzzer target: the Kafka Connect REST answers (/, /health, /connectors
// with status and info, /connector-plugins, error bodies, stack traces). None
// may crash or throw, and every value that becomes a label must be bounded.
#include <algorithm>

#include "fuzz_check.h"
#include "kafka_connect/kafka_connect_parse.h"

namespace sp = streamprobe;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::OneOf;
using streamprobe::fuzz::Require;

namespace {

bool BoundedState(std::string_view state) {
  return state == sp::kStateUnknown || OneOf(state, sp::kConnectStates);
}

void CheckConnector(const sp::ConnectConnector& c) {
  Require(BoundedState(c.state), "connector state is bounded");
  Require(OneOf(c.type, sp::kConnectorTypes), "connector type is bounded");
  for (const sp::ConnectTask& task : c.tasks) Require(BoundedState(task.state), "task state is bounded");
  Require(std::is_sorted(c.tasks.begin(), c.tasks.end(),
                         [](const auto& a, const auto& b) { return a.id < b.id; }),
          "tasks are sorted by id");
}

void FuzzConnectors(std::string_view body, std::size_t max_connectors) {
  const auto parsed = sp::ParseConnectConnectors(body, max_connectors);
  if (!parsed.ok()) return;
  Require(parsed.value.connectors.size() <= max_connectors, "the connector cap holds");
  Require(parsed.value.connectors.size() + parsed.value.omitted <= parsed.value.all_names.size(),
          "kept and omitted connectors are listed");
  for (const auto& c : parsed.value.connectors) CheckConnector(c);
}

void FuzzHealth(std::string_view body) {
  for (long status : {200L, 404L, 500L, 503L, 502L}) {
    const auto health = sp::ParseConnectHealth(status, body);
    if (health.ok()) Require(OneOf(health.value.state, sp::kHealthStates), "health state is bounded");
  }
}

void FuzzPlugins(std::string_view body) {
  const auto plugins = sp::ParseConnectPlugins(body);
  if (!plugins.ok()) return;
  for (const auto& p : plugins.value) Require(OneOf(p.type, sp::kConnectorTypes), "plugin type is bounded");
}

void FuzzTrace(std::string_view text) {
  const std::string_view error_class = sp::ConnectErrorClass(text);
  Require(error_class.empty() || error_class == "other" || OneOf(error_class, sp::kKnownErrorClasses),
          "error class is bounded");
  Require(sp::FirstLine(text).find('\n') == std::string_view::npos, "a first line has no newline");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = AsText(data, size);
  (void)sp::ParseConnectServerInfo(body);
  (void)sp::ParseRestErrorBody(body);
  FuzzHealth(body);
  FuzzConnectors(body, 2);
  FuzzConnectors(body, 1000);
  FuzzPlugins(body);
  FuzzTrace(body);
  return 0;
}
