// Wires configuration, scheduler, snapshot store and web server together.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/scheduler.h"
#include "core/snapshot.h"
#include "http/server.h"

namespace streamprobe {

struct Flags {
  std::string listen_address = ":9101";
  std::string telemetry_path = "/metrics";
  std::string web_config_file;  // exporter-toolkit web configuration, "" for none
  bool enable_lifecycle = false;
  std::string config_file = "streamprobe.yml";
  bool config_check = false;
  std::string log_level = "info";
  std::string log_format = "logfmt";
  bool version = false;
};

// Parses the exporter-style flags (--name=value or --name value). Returns
// false with *error set on a bad flag, or with *error empty for -h/--help.
bool ParseFlags(int argc, char** argv, Flags* flags, std::string* error);
std::string UsageText();

class App {
 public:
  explicit App(Flags flags);
  ~App();
  // Loads the configuration, binds the web server, then starts probes; blocks
  // until SIGINT/SIGTERM. SIGHUP reloads. Returns the process exit code. Rounds
  // still running at return are abandoned (see Executor), never waited for.
  int Run();
  // Validates the configuration only (--config.check). Returns the exit code.
  int Check();
  // Reloads the configuration and the web configuration; keeps the old ones
  // on error. Returns "" on success or the formatted errors. Thread-safe.
  std::string Reload();

 private:
  std::string ReloadConfigLocked();  // requires reload_mutex_

  Flags flags_;
  SnapshotStore store_;
  Scheduler scheduler_{store_};
  std::mutex reload_mutex_;   // serialises reloads
  EngineInfo engine_;         // guarded by reload_mutex_
  std::atomic<bool> probing_{false};  // the first plan runs
  std::atomic<bool> ready_{false};
  // Set once by Run() before any reload can happen; lives until the exit.
  WebServer* web_ = nullptr;
};

}  // namespace streamprobe
