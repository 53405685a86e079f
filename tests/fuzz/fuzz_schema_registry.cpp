// libFuzzer target: the Schema Registry REST answers (/, /mode, /config,
// /subjects, error bodies). None may crash or throw, and every value that
// becomes a label must be bounded.
#include "fuzz_check.h"
#include "schema_registry/schema_registry_parse.h"

namespace sp = streamprobe;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::OneOf;
using streamprobe::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = AsText(data, size);
  (void)sp::ParseRegistryRoot(body);
  (void)sp::ParseRegistrySubjects(body);
  const auto mode = sp::ParseRegistryMode(body);
  if (mode.ok()) {
    Require(mode.value == sp::kRegistryUnknown || OneOf(mode.value, sp::kRegistryModes),
            "mode is bounded");
  }
  const auto level = sp::ParseRegistryCompatibility(body);
  if (level.ok()) {
    Require(level.value == sp::kRegistryUnknown || OneOf(level.value, sp::kCompatibilityLevels),
            "compatibility level is bounded");
  }
  if (const auto error = sp::ParseRegistryError(body)) {
    const std::string_view code = sp::BoundedRegistryErrorCode(error->error_code);
    Require(code == "other" || OneOf(code, sp::kRegistryErrorCodes), "error code is bounded");
  }
  return 0;
}
