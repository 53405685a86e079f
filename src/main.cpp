// streamprobe: flags, then the app. Nothing else lives here, except that a
// hidden first argument runs the process as a Kafka client worker, and that
// check, wait and diagnose run as one-shot commands (app/commands.h).
#include <cstdlib>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "core/log.h"
#include "core/memory_policy.h"
#include "kafka/kafka_worker.h"

int main(int argc, char** argv) {
  streamprobe::ApplyMemoryPolicy();
  if (argc > 1 && argv[1] == streamprobe::kafka::kKafkaClientWorkerFlag) {
    return streamprobe::kafka::RunKafkaClientWorker(argc, argv);
  }
  if (argc > 1 && streamprobe::IsCommand(argv[1])) {
    const int code = streamprobe::RunCommand(argc, argv);
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);  // as below: rounds may still run on the executor
  }
  streamprobe::Flags flags;
  std::string error;
  if (!streamprobe::ParseFlags(argc, argv, &flags, &error)) {
    if (error.empty()) {  // -h, --help
      std::cout << streamprobe::UsageText();
      return 0;
    }
    std::cerr << "streamprobe: " << error << "\n" << streamprobe::UsageText();
    return 2;
  }
  if (flags.version) {
    std::cout << "streamprobe " << STREAMPROBE_VERSION << "\n";
    return 0;
  }
  streamprobe::ConfigureLogging(*streamprobe::ParseLogLevel(flags.log_level),
                                *streamprobe::ParseLogFormat(flags.log_format));
  streamprobe::App app(flags);
  if (flags.config_check) return app.Check();
  const int code = app.Run();
  // Probe rounds hung in a backend may still run on the executor, and the web
  // server is left running: exit without destructors running under them.
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(code);
}
