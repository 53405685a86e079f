#include "kafka/kafka_rdkafka_handle.h"

#include <algorithm>

#include "core/executor.h"
#include "core/log.h"

namespace streamprobe::kafka {
namespace {

Reason ReasonOfError(int err, const std::string& text) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM:
      return Reason::kAuth;
    case RD_KAFKA_RESP_ERR__SSL:
      return Reason::kTls;
    case RD_KAFKA_RESP_ERR__RESOLVE:
      return Reason::kDns;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
      if (text.find("SSL") != std::string::npos) return Reason::kTls;
      if (text.find("refused") != std::string::npos) return Reason::kRefused;
      if (text.find("Authentication") != std::string::npos ||
          text.find("SASL") != std::string::npos) {
        return Reason::kAuth;
      }
      if (text.find("timed out") != std::string::npos) return Reason::kTimeout;
      return Reason::kNone;  // disconnects etc.: let the failed call's own error decide
    default:
      return Reason::kNone;  // not about reaching the cluster
  }
}

// Higher wins when several errors were seen: a configuration problem (auth,
// tls, dns) explains a failure better than the refused/timeout it causes.
int Rank(Reason r) {
  switch (r) {
    case Reason::kAuth: return 6;
    case Reason::kTls: return 5;
    case Reason::kDns: return 4;
    case Reason::kRefused: return 3;
    case Reason::kTimeout: return 2;
    case Reason::kOther: return 1;
    default: return 0;
  }
}

void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  static_cast<ErrorTracker*>(opaque)->Record(err, reason ? reason : "");
}

void OnLog(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  if (level <= 3) LogDebug("librdkafka", {{"facility", fac ? fac : ""}, {"message", buf ? buf : ""}});
}

bool Set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value,
         std::string* failed) {
  char errstr[256];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) ==
      RD_KAFKA_CONF_OK) {
    return true;
  }
  *failed = name;
  return false;
}

}  // namespace

int RemainingMs(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(1, left.count()));
}

void ErrorTracker::Record(int err, const std::string& text) {
  Reason r = ReasonOfError(err, text);
  std::lock_guard lock(mu_);
  if (Rank(r) > Rank(reason_)) reason_ = r;
}

void ErrorTracker::Reset() {
  std::lock_guard lock(mu_);
  reason_ = Reason::kNone;
}

Status ErrorTracker::Classify(rd_kafka_resp_err_t err, const std::string& what) const {
  std::string detail = what + ": " + rd_kafka_err2str(err);
  Reason seen;
  {
    std::lock_guard lock(mu_);
    seen = reason_;
  }
  if (seen != Reason::kNone) return Status::Fail(seen, detail);
  Reason direct = ReasonOfError(err, "");
  if (direct != Reason::kNone) return Status::Fail(direct, detail);
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT) {
    return Status::Fail(Reason::kTimeout, detail);
  }
  return Status::Fail(Reason::kOther, detail);
}

Result<std::unique_ptr<RdHandle>> RdHandle::Create(
    const KafkaConfig& config, rd_kafka_type_t type,
    void (*on_delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*)) {
  using R = Result<std::unique_ptr<RdHandle>>;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::string failed;
  bool ok = Set(conf, "bootstrap.servers", config.BootstrapServers(), &failed) &&
            Set(conf, "client.id", "streamprobe", &failed) &&
            Set(conf, "reconnect.backoff.max.ms", "1000", &failed) &&
            Set(conf, "log.connection.close", "false", &failed);
  if (type == RD_KAFKA_CONSUMER) {
    ok = ok && Set(conf, "enable.auto.commit", "false", &failed) &&
         Set(conf, "isolation.level", "read_uncommitted", &failed) &&
         Set(conf, "queued.max.messages.kbytes", "1024", &failed);
  } else {
    ok = ok && Set(conf, "acks", "all", &failed) && Set(conf, "linger.ms", "0", &failed) &&
         Set(conf, "message.timeout.ms", std::to_string(config.schedule.timeout.count()), &failed);
  }
  for (const auto& [name, value] : config.client) ok = ok && Set(conf, name, value, &failed);
  for (const auto& [name, secret] : config.client_secrets) {
    ok = ok && Set(conf, name, secret.value, &failed);
  }
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return R::Fail(Reason::kOther, "librdkafka rejected property " + failed);
  }
  auto errors = std::make_shared<ErrorTracker>();
  rd_kafka_conf_set_error_cb(conf, OnError);
  rd_kafka_conf_set_log_cb(conf, OnLog);
  if (on_delivery != nullptr) rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, errors.get());
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return R::Fail(Reason::kOther, std::string("rd_kafka_new: ") + errstr);
  }
  return R::Of(std::unique_ptr<RdHandle>(new RdHandle(rk, std::move(errors))));
}

// rd_kafka_destroy can block on a broker that does not answer, so it runs on
// the shared executor; one still running after 10 s counts as hung.
// If the executor refuses, the handle is leaked rather than destroyed inline:
// a destructor must not block the caller's round.
RdHandle::~RdHandle() {
  const Status submitted = Executor::Shared().Submit(Clock::now() + Millis(10000), [rk = rk_, errors = errors_] {
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  });
  if (!submitted.ok()) {
    LogWarn("leaking a librdkafka handle", {{"detail", submitted.detail()}});
  }
}

bool RdHandle::Fatal() const {
  char buf[256];
  return rd_kafka_fatal_error(rk_, buf, sizeof(buf)) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace streamprobe::kafka
