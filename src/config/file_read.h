// Reading a configuration or secret file without letting the file decide how
// long or how much: a FIFO, a device or a growing file cannot stall a reload
// or fill memory.
#pragma once

#include <cstddef>
#include <string>

namespace streamprobe {

// Reads the regular file at `path` into *text if it holds at most `max_bytes`.
// Returns "" on success, else a message naming the path and the problem.
// Never blocks on a FIFO or device (they are refused).
std::string ReadConfigFile(const std::string& path, std::size_t max_bytes, std::string* text);

}  // namespace streamprobe
