// The explicit table of backends (after blackbox_exporter's Probers map).
#pragma once

#include <span>

#include "config/config.h"

namespace streamprobe {

// Every backend streamprobe knows, in the order their sections are planned.
std::span<const Backend> Backends();

}  // namespace streamprobe
