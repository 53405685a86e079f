#include "kafka/kafka_supervised_client.h"

#include <algorithm>

#include "core/log.h"
#include "kafka/kafka_frame.h"
#include "kafka/kafka_wire.h"

namespace streamprobe::kafka {
namespace {

using nlohmann::json;

// How long a worker that closed its pipe may take to exit before it is killed.
constexpr std::chrono::milliseconds kExitGrace{500};

std::string FrameProblem(FrameError e) {
  switch (e) {
    case FrameError::kTimeout: return "did not answer before the deadline";
    case FrameError::kOversize: return "sent an oversize frame";
    case FrameError::kIo: return "pipe error";
    case FrameError::kClosed:
    case FrameError::kNone: break;
  }
  return "closed its pipe";
}

}  // namespace

SupervisedKafkaClient::SupervisedKafkaClient(KafkaConfig config, WorkerCommand command,
                                             RestartBackoff backoff)
    : config_(std::move(config)), command_(std::move(command)), backoff_policy_(backoff) {}

pid_t SupervisedKafkaClient::worker_pid() const {
  std::lock_guard lock(mu_);
  return worker_.running() ? worker_.pid() : -1;
}

ClientHealth SupervisedKafkaClient::TakeHealth() {
  std::lock_guard lock(mu_);
  ClientHealth h;
  h.fault = std::exchange(fault_, Status::Ok());
  h.supervised = true;
  h.worker_up = worker_.running();
  h.restarts = restarts_;
  return h;
}

void SupervisedKafkaClient::Fault(std::string detail) {
  fault_ = Status::Fail(Reason::kOther, "kafka client " + detail);
  const std::string target = config_.bootstrap.empty() ? "" : config_.bootstrap.front();
  LogWarn("kafka client worker failed", {{"target", target}, {"detail", fault_.detail()}});
  backoff_ = std::min(backoff_policy_.max,
                      backoff_.count() == 0 ? backoff_policy_.initial : backoff_ * 2);
}

bool SupervisedKafkaClient::EnsureWorker(Deadline deadline) {
  if (worker_.running()) return true;
  const auto now = std::chrono::steady_clock::now();
  if (started_once_ && now < last_start_ + backoff_) {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(last_start_ + backoff_ - now);
    fault_ = Status::Fail(Reason::kOther, "kafka client restarting: next start in " +
                                              std::to_string(wait.count()) + " ms");
    return false;
  }
  auto spawned = WorkerProcess::Spawn(command_);
  if (!spawned.ok()) {
    Fault("could not start: " + spawned.status.detail());
    return false;
  }
  if (started_once_) ++restarts_;
  started_once_ = true;
  last_start_ = now;
  worker_ = std::move(spawned.value);
  if (FrameError e = WriteFrame(worker_.to_worker(), EncodeConfig(config_).dump(), deadline);
      e != FrameError::kNone) {
    Fault("could not receive its config: " + worker_.Reap(kExitGrace));
    return false;
  }
  return true;
}

std::optional<json> SupervisedKafkaClient::Call(const char* call, json args, Deadline deadline) {
  std::lock_guard lock(mu_);
  if (!fault_.ok() || !EnsureWorker(deadline)) return std::nullopt;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  const json request = {{"call", call}, {"ms", std::max<long long>(1, ms.count())},
                        {"args", std::move(args)}};
  FrameError sent = WriteFrame(worker_.to_worker(), request.dump(), deadline);
  FrameRead answer;
  if (sent == FrameError::kNone) answer = ReadFrame(worker_.from_worker(), deadline);
  const FrameError error = sent != FrameError::kNone ? sent : answer.error;
  if (error == FrameError::kClosed) {
    Fault("crashed: " + worker_.Reap(kExitGrace));
    return std::nullopt;
  }
  if (error != FrameError::kNone) {
    worker_.Kill();
    Fault(FrameProblem(error));
    return std::nullopt;
  }
  try {
    json result = json::parse(answer.body).at("result");
    backoff_ = std::chrono::milliseconds(0);
    return result;
  } catch (const json::exception&) {
    worker_.Kill();
    Fault("sent a bad frame");
    return std::nullopt;
  }
}

template <typename T>
Result<T> SupervisedKafkaClient::CallResult(const char* call, json args, Deadline deadline) {
  auto result = Call(call, std::move(args), deadline);
  if (result) {
    try {
      Status status = DecodeStatus(result->at("status"));
      if (!status.ok()) return Result<T>::Fail(std::move(status));
      return Result<T>::Of(result->at("value").get<T>());
    } catch (const json::exception&) {
      std::lock_guard lock(mu_);
      worker_.Kill();
      Fault("sent a bad frame");
    }
  }
  std::lock_guard lock(mu_);
  return Result<T>::Fail(fault_);
}

template <typename T>
std::optional<T> SupervisedKafkaClient::CallValue(const char* call, json args, Deadline deadline) {
  auto result = Call(call, std::move(args), deadline);
  if (!result) return std::nullopt;
  try {
    return result->get<T>();
  } catch (const json::exception&) {
    std::lock_guard lock(mu_);
    worker_.Kill();
    Fault("sent a bad frame");
    return std::nullopt;
  }
}

Result<ClusterMeta> SupervisedKafkaClient::Metadata(Deadline deadline) {
  return CallResult<ClusterMeta>("metadata", json::object(), deadline);
}

Result<std::map<std::string, int>> SupervisedKafkaClient::MinInsyncReplicas(
    const std::vector<std::string>& topics, Deadline deadline) {
  return CallResult<std::map<std::string, int>>("min_insync_replicas", {{"topics", topics}},
                                                deadline);
}

Result<std::vector<GroupInfo>> SupervisedKafkaClient::ListGroups(Deadline deadline) {
  return CallResult<std::vector<GroupInfo>>("list_groups", json::object(), deadline);
}

std::map<std::string, GroupInfo> SupervisedKafkaClient::DescribeGroups(
    const std::vector<std::string>& ids, Deadline deadline) {
  return CallValue<std::map<std::string, GroupInfo>>("describe_groups", {{"ids", ids}}, deadline)
      .value_or(std::map<std::string, GroupInfo>{});
}

std::vector<GroupOffsets> SupervisedKafkaClient::CommittedOffsets(
    const std::vector<std::string>& ids, Deadline deadline) {
  auto offsets = CallValue<std::vector<GroupOffsets>>("committed_offsets", {{"ids", ids}}, deadline);
  if (offsets) return std::move(*offsets);
  std::vector<GroupOffsets> unread;
  for (const std::string& id : ids) unread.push_back({id, false, {}});
  return unread;
}

std::map<TopicPartition, std::int64_t> SupervisedKafkaClient::LogEndOffsets(
    const std::vector<TopicPartition>& partitions, Deadline deadline) {
  return CallValue<std::map<TopicPartition, std::int64_t>>(
             "log_end_offsets", {{"partitions", partitions}}, deadline)
      .value_or(std::map<TopicPartition, std::int64_t>{});
}

CanaryResult SupervisedKafkaClient::Canary(const std::string& topic, int partition,
                                           Deadline deadline) {
  return CallValue<CanaryResult>("canary", {{"topic", topic}, {"partition", partition}}, deadline)
      .value_or(CanaryResult{});
}

std::unique_ptr<KafkaClient> NewSupervisedKafkaClient(const KafkaConfig& config,
                                                      const WorkerCommand& command) {
  return std::make_unique<SupervisedKafkaClient>(config, command);
}

}  // namespace streamprobe::kafka
