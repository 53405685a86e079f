#include "schema_registry/schema_registry_parse.h"

#include "net/json.h"

#include <span>

#include <nlohmann/json.hpp>

namespace streamprobe {
namespace {

using nlohmann::json;

json Parse(std::string_view body) { return ParseJsonBounded(body); }

// The bounded value of string field `key` of a JSON object body.
Result<std::string_view> BoundedField(std::string_view body, const char* key,
                                      std::span<const std::string_view> allowed) {
  const json j = Parse(body);
  auto it = j.is_object() ? j.find(key) : j.end();
  if (!j.is_object() || it == j.end() || !it->is_string()) {
    return Result<std::string_view>::Fail(Reason::kBadPayload,
                                          std::string("not an object with string field ") + key);
  }
  const std::string value = it->get<std::string>();
  for (std::string_view known : allowed) {
    if (value == known) return Result<std::string_view>::Of(known);
  }
  return Result<std::string_view>::Of(kRegistryUnknown);
}

}  // namespace

Status ParseRegistryRoot(std::string_view body) {
  if (Parse(body).is_object()) return Status::Ok();
  return Status::Fail(Reason::kBadPayload, "GET / is not a JSON object");
}

Result<std::string_view> ParseRegistryMode(std::string_view body) {
  return BoundedField(body, "mode", kRegistryModes);
}

Result<std::string_view> ParseRegistryCompatibility(std::string_view body) {
  return BoundedField(body, "compatibilityLevel", kCompatibilityLevels);
}

Result<std::size_t> ParseRegistrySubjects(std::string_view body) {
  const json j = Parse(body);
  if (!j.is_array()) return Result<std::size_t>::Fail(Reason::kBadPayload, "/subjects is not a JSON array");
  for (const json& s : j) {
    if (!s.is_string()) {
      return Result<std::size_t>::Fail(Reason::kBadPayload, "/subjects holds a non-string");
    }
  }
  return Result<std::size_t>::Of(j.size());
}

std::optional<RegistryError> ParseRegistryError(std::string_view body) {
  const json j = Parse(body);
  if (!j.is_object()) return std::nullopt;
  auto code = j.find("error_code");
  if (code == j.end() || !code->is_number_integer()) return std::nullopt;
  auto message = j.find("message");
  return RegistryError{code->get<long>(),
                       message != j.end() && message->is_string() ? message->get<std::string>() : ""};
}

std::string_view BoundedRegistryErrorCode(long error_code) {
  const std::string text = std::to_string(error_code);
  for (std::string_view known : kRegistryErrorCodes) {
    if (text == known) return known;
  }
  return "other";
}

}  // namespace streamprobe
