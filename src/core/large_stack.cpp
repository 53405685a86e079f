#include "core/large_stack.h"

#include <pthread.h>

#include <cstring>

namespace streamprobe {
namespace {

void* Trampoline(void* arg) {
  (*static_cast<const std::function<void()>*>(arg))();
  return nullptr;
}

}  // namespace

Status RunOnLargeStack(const std::function<void()>& fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kLargeStackBytes);
  pthread_t thread;
  const int rc = pthread_create(&thread, &attr, &Trampoline,
                                const_cast<std::function<void()>*>(&fn));
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    return Status::Fail(Reason::kOther, std::string("cannot start a thread: ") + std::strerror(rc));
  }
  pthread_join(thread, nullptr);
  return Status::Ok();
}

}  // namespace streamprobe
