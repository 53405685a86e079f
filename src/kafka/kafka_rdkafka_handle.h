// Owning wrappers around librdkafka handles, with the last transport error
// seen (for a bounded failure reason) and recreation after fatal errors.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <librdkafka/rdkafka.h>

#include "core/status.h"
#include "kafka/kafka_config.h"

namespace streamprobe::kafka {

using Deadline = std::chrono::steady_clock::time_point;

// Milliseconds left until `deadline` (at least 1, so librdkafka never waits forever).
int RemainingMs(Deadline deadline);

// The worst error librdkafka reported through error_cb since the last reset.
// Thread-safe (error_cb runs inside rd_kafka_poll on the probe thread, but
// destroy may run elsewhere).
class ErrorTracker {
 public:
  void Record(int err, const std::string& text);
  void Reset();
  // A bounded reason for a failed call that returned `err`.
  Status Classify(rd_kafka_resp_err_t err, const std::string& what) const;

 private:
  mutable std::mutex mu_;
  Reason reason_ = Reason::kNone;
};

// One librdkafka client handle of `type`, configured from `config` plus
// streamprobe's fixed properties. Destroyed on a helper thread so a slow
// shutdown never holds up a probe round.
class RdHandle {
 public:
  // Fails (kOther, detail without secret values) if librdkafka rejects the conf.
  // `on_delivery` (producers only) receives delivery reports inside Serve()/rd_kafka_poll.
  static Result<std::unique_ptr<RdHandle>> Create(
      const KafkaConfig& config, rd_kafka_type_t type,
      void (*on_delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr);
  ~RdHandle();
  RdHandle(const RdHandle&) = delete;
  RdHandle& operator=(const RdHandle&) = delete;

  rd_kafka_t* get() const { return rk_; }
  ErrorTracker& errors() { return *errors_; }
  // Serves queued callbacks (error_cb, delivery reports) without waiting.
  void Serve() { rd_kafka_poll(rk_, 0); }
  // True after an unrecoverable error: the owner should recreate the handle.
  bool Fatal() const;

 private:
  RdHandle(rd_kafka_t* rk, std::shared_ptr<ErrorTracker> errors)
      : rk_(rk), errors_(std::move(errors)) {}
  rd_kafka_t* rk_;
  std::shared_ptr<ErrorTracker> errors_;  // shared with the error_cb opaque
};

}  // namespace streamprobe::kafka
