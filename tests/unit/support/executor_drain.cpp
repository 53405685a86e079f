// Linked into every unit test binary: before the binary exits, wait for the
// tasks that tests abandoned on the shared executor (a ZooKeeper session closed
// after its caller's deadline, an rdkafka handle destroyed in the background)
// to end, so the leak check at exit sees their memory freed rather than a task
// cut off mid-flight. Bounded: a task still running after 20 s is left, and
// the leak report then names it.
#include <gtest/gtest.h>

#include "core/executor.h"
#include "support/wait.h"

namespace streamprobe::testing {
namespace {

class SharedExecutorDrain : public ::testing::Environment {
 public:
  void TearDown() override {
    WaitUntil([] { return Executor::Shared().stats().busy == 0; }, std::chrono::seconds(20));
  }
};

[[maybe_unused]] ::testing::Environment* const kDrain =
    ::testing::AddGlobalTestEnvironment(new SharedExecutorDrain);

}  // namespace
}  // namespace streamprobe::testing
