// streamprobe: flags, then the app. Nothing else lives here, except that a
// hidden first argument runs the process as a Kafka client worker.
#include <iostream>

#include "app/app.h"
#include "core/log.h"
#include "kafka/kafka_worker.h"

int main(int argc, char** argv) {
  if (argc > 1 && argv[1] == streamprobe::kafka::kKafkaClientWorkerFlag) {
    return streamprobe::kafka::RunKafkaClientWorker();
  }
  streamprobe::Flags flags;
  std::string error;
  if (!streamprobe::ParseFlags(argc, argv, &flags, &error)) {
    if (!error.empty()) std::cerr << "streamprobe: " << error << "\n";
    std::cerr << streamprobe::UsageText();
    return error.empty() ? 0 : 2;
  }
  if (flags.version) {
    std::cout << "streamprobe " << STREAMPROBE_VERSION << "\n";
    return 0;
  }
  streamprobe::ConfigureLogging(*streamprobe::ParseLogLevel(flags.log_level),
                                *streamprobe::ParseLogFormat(flags.log_format));
  streamprobe::App app(flags);
  return flags.config_check ? app.Check() : app.Run();
}
