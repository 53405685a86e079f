#include "schema_registry/schema_registry_config.h"

#include <set>

namespace streamprobe {
namespace {

constexpr long long kMinBody = 1024;
constexpr long long kMaxBody = 256ll << 20;

std::string TrimSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

SchemaRegistryConfig DecodeSchemaRegistryConfig(Decoder& section) {
  SchemaRegistryConfig c;
  std::set<std::string> seen;
  for (const std::string& url : section.AddressList("urls", kUseBasicAuth)) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      section.Error("urls", "\"" + url + "\" is not an http:// or https:// URL");
    } else if (!seen.insert(TrimSlashes(url)).second) {
      section.Error("urls", "\"" + url + "\" is listed twice");
    } else {
      c.urls.push_back(TrimSlashes(url));
    }
  }
  if (!section.Has("urls") || seen.empty()) section.Error("urls", "is required (at least one URL)");
  c.max_body_bytes = static_cast<std::size_t>(
      section.Int("max_body_bytes", static_cast<long long>(c.max_body_bytes), kMinBody, kMaxBody));
  c.basic_auth = DecodeBasicAuth(section);
  c.tls = DecodeTls(section);
  return c;
}

}  // namespace streamprobe
