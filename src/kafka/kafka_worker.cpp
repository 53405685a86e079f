#include "kafka/kafka_worker.h"

#include <algorithm>

#include "core/log.h"
#include "kafka/kafka_frame.h"
#include "kafka/kafka_wire.h"
#include "kafka/kafka_worker_process.h"

namespace streamprobe::kafka {
namespace {

using nlohmann::json;

// Part of the parent's time that the worker keeps for encoding and sending
// its answer: a tenth of it, at most 100 ms.
Deadline WorkerDeadline(long long ms_left) {
  const long long slack = std::min<long long>(100, ms_left / 10);
  return Deadline::clock::now() + std::chrono::milliseconds(std::max<long long>(1, ms_left - slack));
}

json Dispatch(KafkaClient& client, const json& request) {
  const std::string call = request.at("call").get<std::string>();
  const Deadline deadline = WorkerDeadline(request.at("ms").get<long long>());
  const json& args = request.at("args");
  if (call == "metadata") {
    auto r = client.Metadata(deadline);
    return {{"status", EncodeStatus(r.status)}, {"value", r.value}};
  }
  if (call == "min_insync_replicas") {
    auto r = client.MinInsyncReplicas(args.at("topics").get<std::vector<std::string>>(), deadline);
    return {{"status", EncodeStatus(r.status)}, {"value", r.value}};
  }
  if (call == "list_groups") {
    auto r = client.ListGroups(deadline);
    return {{"status", EncodeStatus(r.status)}, {"value", r.value}};
  }
  if (call == "describe_groups") {
    return client.DescribeGroups(args.at("ids").get<std::vector<std::string>>(), deadline);
  }
  if (call == "committed_offsets") {
    return client.CommittedOffsets(args.at("ids").get<std::vector<std::string>>(), deadline);
  }
  if (call == "log_end_offsets") {
    return client.LogEndOffsets(args.at("partitions").get<std::vector<TopicPartition>>(), deadline);
  }
  if (call == "canary") {
    return client.Canary(args.at("topic").get<std::string>(), args.at("partition").get<int>(),
                         deadline);
  }
  throw json::other_error::create(501, "unknown call " + call, &request);
}

}  // namespace

int ServeKafkaClient(int in_fd, int out_fd, const ClientFactory& factory) {
  std::unique_ptr<KafkaClient> client;
  try {
    FrameRead config = ReadFrame(in_fd, Deadline::max());
    if (config.error != FrameError::kNone) return config.error == FrameError::kClosed ? 0 : 2;
    client = factory(DecodeConfig(json::parse(config.body)));
    for (;;) {
      FrameRead request = ReadFrame(in_fd, Deadline::max());
      if (request.error == FrameError::kClosed) return 0;
      if (request.error != FrameError::kNone) return 2;
      const json answer = {{"result", Dispatch(*client, json::parse(request.body))}};
      if (WriteFrame(out_fd, answer.dump(), Deadline::max()) != FrameError::kNone) return 2;
    }
  } catch (const json::exception& e) {
    LogError("kafka client worker: bad request", {{"error", e.what()}});
    return 2;
  }
}

int RunKafkaClientWorker(int argc, char** argv) {
  // argv: streamprobe FLAG TARGET LOG_LEVEL LOG_FORMAT (see ProductionSeams);
  // the parent's log settings, so worker lines read like the parent's.
  if (argc >= 5) {
    const auto level = ParseLogLevel(argv[3]);
    const auto format = ParseLogFormat(argv[4]);
    if (level && format) ConfigureLogging(*level, *format);
  }
  return ServeKafkaClient(kWorkerRequestFd, kWorkerAnswerFd,
                          [](const KafkaConfig& config) { return NewRdKafkaClient(config); });
}

}  // namespace streamprobe::kafka
