// Pure parsers for the Confluent Schema Registry REST API (PROTOCOLS.md §6).
//
// Bytes in, typed value or Status(kBadPayload) out. Never throw. Mode,
// compatibility level and error code are mapped onto fixed sets so that every
// value that later becomes a label is bounded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace streamprobe {

inline constexpr std::string_view kRegistryUnknown = "UNKNOWN";
inline constexpr std::string_view kRegistryModes[] = {"READWRITE", "READONLY",
                                                      "READONLY_OVERRIDE", "IMPORT"};
inline constexpr std::string_view kCompatibilityLevels[] = {
    "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL",     "FULL_TRANSITIVE",     "NONE"};
// Error codes of core/.../rest/exceptions/Errors.java; others map to "other".
inline constexpr std::string_view kRegistryErrorCodes[] = {
    "40401", "40402", "40403", "40404", "40405", "40406", "40407", "40408", "40409",
    "40901", "42201", "42202", "42203", "42204", "42205", "42206",
    "50001", "50002", "50003", "50004"};

// GET / → {} (any JSON object is accepted: newer versions may add fields).
Status ParseRegistryRoot(std::string_view body);
// GET /mode → {"mode":"READWRITE"}: one of kRegistryModes or kRegistryUnknown.
Result<std::string_view> ParseRegistryMode(std::string_view body);
// GET /config → {"compatibilityLevel":"BACKWARD",...}: one of kCompatibilityLevels
// or kRegistryUnknown.
Result<std::string_view> ParseRegistryCompatibility(std::string_view body);
// GET /subjects → ["a","b"]: the number of subjects.
Result<std::size_t> ParseRegistrySubjects(std::string_view body);

// {"error_code":50001,"message":"..."}; nullopt when the body is not one.
struct RegistryError {
  long error_code = 0;
  std::string message;
};
std::optional<RegistryError> ParseRegistryError(std::string_view body);
// Label value of an error code: one of kRegistryErrorCodes, or "other".
std::string_view BoundedRegistryErrorCode(long error_code);

}  // namespace streamprobe
