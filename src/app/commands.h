// The one-shot commands beside the exporter: `streamprobe check`, `wait` and
// `diagnose`. Each loads the configuration, probes with the exporter's own
// engine (same deadlines, same reasons) and prints; none serves HTTP.
#pragma once

#include <string_view>

namespace streamprobe {

// True for "check", "wait" and "diagnose".
bool IsCommand(std::string_view arg);

// Runs the command argv[1] with its flags. Exit codes: check 0 healthy,
// 1 degraded or unknown, 2 down; wait 0 when every condition holds, 1 on
// timeout; diagnose 0 when every expected broker is live, 1 otherwise; 3 for
// bad flags or configuration (all commands). Rounds still running at return
// are abandoned: the caller exits without destructors (see main).
int RunCommand(int argc, char** argv);

}  // namespace streamprobe
