// A small result type for the probe hot path (after leveldb's Status): a
// bounded reason plus a human-readable detail for logs. Exceptions are not used
// to report backend failures.
#pragma once

#include <string>
#include <utility>

#include "core/reason.h"

namespace streamprobe {

class Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Fail(Reason reason, std::string detail) {
    return Status(reason, std::move(detail));
  }

  bool ok() const { return reason_ == Reason::kNone; }
  Reason reason() const { return reason_; }
  const std::string& detail() const { return detail_; }

 private:
  Status(Reason reason, std::string detail) : reason_(reason), detail_(std::move(detail)) {}
  Reason reason_ = Reason::kNone;
  std::string detail_;
};

// A value or a failure. `value` is meaningful only when status.ok().
template <typename T>
struct Result {
  Status status;
  T value{};

  bool ok() const { return status.ok(); }
  static Result Of(T v) { return Result{Status::Ok(), std::move(v)}; }
  static Result Fail(Reason reason, std::string detail) {
    return Result{Status::Fail(reason, std::move(detail)), T{}};
  }
  static Result Fail(Status s) { return Result{std::move(s), T{}}; }
};

}  // namespace streamprobe
