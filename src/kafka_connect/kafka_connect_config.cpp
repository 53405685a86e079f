#include "kafka_connect/kafka_connect_config.h"

#include <set>

namespace streamprobe {
namespace {

constexpr long long kMinBody = 1024;
constexpr long long kMaxBody = 256ll << 20;

void CheckUrls(Decoder& section, const std::string& key, const std::vector<std::string>& urls) {
  std::set<std::string> seen;
  for (const std::string& url : urls) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      section.Error(key, "\"" + url + "\" is not an http:// or https:// URL");
    } else if (!seen.insert(TrimBaseUrl(url)).second) {
      section.Error(key, "\"" + url + "\" is listed twice");
    }
  }
}

void CheckUnique(Decoder& section, const std::string& key, const std::vector<std::string>& names) {
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (name.empty()) section.Error(key, "contains an empty name");
    if (!seen.insert(name).second) section.Error(key, "\"" + name + "\" is listed twice");
  }
}

}  // namespace

std::string TrimBaseUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

KafkaConnectConfig DecodeKafkaConnectConfig(Decoder& section) {
  KafkaConnectConfig c;
  c.workers = section.AddressList("workers", kUseBasicAuth);
  if (c.workers.empty()) section.Error("workers", "is required (at least one worker URL)");
  CheckUrls(section, "workers", c.workers);
  for (std::string& url : c.workers) url = TrimBaseUrl(url);
  c.expected_connectors = section.StringList("expected_connectors");
  c.expected_plugins = section.StringList("expected_plugins");
  CheckUnique(section, "expected_connectors", c.expected_connectors);
  CheckUnique(section, "expected_plugins", c.expected_plugins);
  c.max_body_bytes = static_cast<std::size_t>(
      section.Int("max_body_bytes", static_cast<long long>(c.max_body_bytes), kMinBody, kMaxBody));
  c.max_connectors = static_cast<std::size_t>(
      section.Int("max_connectors", static_cast<long long>(c.max_connectors), 1, 100000));
  c.basic_auth = DecodeBasicAuth(section);
  c.tls = DecodeTls(section);
  return c;
}

}  // namespace streamprobe
