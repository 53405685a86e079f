#include "app/registry.h"

#include <vector>

// One include and one table row per backend; nothing registers itself.
// BACKEND INCLUDES

namespace streamprobe {

std::span<const Backend> Backends() {
  static const std::vector<Backend> kBackends = {
      // BACKEND ROWS
  };
  return kBackends;
}

}  // namespace streamprobe
