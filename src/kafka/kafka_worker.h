// The Kafka client worker: the child process in which everything that calls
// librdkafka runs, so a crash, abort or hang inside librdkafka costs one
// round of one target, never the streamprobe process.
//
// Protocol (frames of kafka_frame.h on kWorkerRequestFd / kWorkerAnswerFd):
//   parent -> worker, once:  the KafkaConfig (kafka_wire.h)
//   parent -> worker:        {"call": <name>, "ms": <time left>, "args": {...}}
//   worker -> parent:        {"result": ...}, one answer per request, in order
// The worker exits when its request pipe closes.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "kafka/kafka_client.h"

namespace streamprobe::kafka {

// The hidden first argument that makes streamprobe run as a worker; main()
// checks it before parsing flags.
inline constexpr std::string_view kKafkaClientWorkerFlag = "--internal.kafka-client-worker";

using ClientFactory = std::function<std::unique_ptr<KafkaClient>(const KafkaConfig&)>;

// Serves requests from `in_fd` with a client made by `factory` from the
// config frame, answering on `out_fd`. Returns the process exit status:
// 0 when the parent closed the pipe, 2 on a bad frame or a failed write.
int ServeKafkaClient(int in_fd, int out_fd, const ClientFactory& factory);

// ServeKafkaClient on the worker fds with the librdkafka client; argv carries
// the parent's log level and format after the target name.
int RunKafkaClientWorker(int argc, char** argv);

}  // namespace streamprobe::kafka
