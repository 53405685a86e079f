// streamprobe: flags, then the app. Nothing else lives here.
#include <iostream>

#include "app/app.h"
#include "core/log.h"
#include "core/memory_policy.h"

int main(int argc, char** argv) {
  streamprobe::ApplyMemoryPolicy();
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
