#include "net/body_budget.h"

namespace streamprobe {

BodyBudget& BodyBudget::Shared() {
  static BodyBudget shared(kSharedBodyBudgetBytes);
  return shared;
}

bool BodyBudget::TryTake(std::size_t bytes) {
  std::size_t used = in_use_.load();
  do {
    if (bytes > capacity_ - used) return false;
  } while (!in_use_.compare_exchange_weak(used, used + bytes));
  return true;
}

void BodyBudget::Give(std::size_t bytes) { in_use_.fetch_sub(bytes); }

}  // namespace streamprobe
