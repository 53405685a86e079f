// libFuzzer target: the whole configuration loader (YAML text to a plan and a
// list of errors) with every backend of the backend table. It must neither
// crash nor throw: every problem is an entry in the error list.
#include <string>

#include "app/registry.h"
#include "config/config.h"
#include "fuzz_check.h"

using streamprobe::fuzz::AsText;
using streamprobe::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(AsText(data, size));
  const streamprobe::LoadedConfig loaded = streamprobe::LoadConfigText(text, streamprobe::Backends());
  for (const auto& target : loaded.plan.targets) {
    Require(target.interval >= target.timeout, "a target's timeout does not exceed its interval");
  }
  return 0;
}
