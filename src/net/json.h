// Bounded JSON parsing for bodies from the network.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace streamprobe {

// Parses `body`, returning a discarded value (`is_discarded()`) when it is not
// valid JSON or nests arrays/objects deeper than `max_depth`. nlohmann::json
// parses iteratively, but copying, comparing and destroying values recurse, so
// a hostile body nested a million levels deep (well under any size cap) could
// overflow the stack later; the depth check rejects it up front. Never throws.
nlohmann::json ParseJsonBounded(std::string_view body, std::size_t max_depth = 64);

// Deepest array/object nesting in `body`, ignoring brackets inside strings.
std::size_t JsonNestingDepth(std::string_view body);

}  // namespace streamprobe
