#include "app/app.h"

#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/registry.h"
#include "core/log.h"
#include "net/http_client.h"

namespace streamprobe {

std::string UsageText() {
  return "usage: streamprobe [flags]\n"
         "       streamprobe check|wait|diagnose ... (streamprobe check --help)\n"
         "  -h, --help                    show this help and exit\n"
         "  --config.file=PATH            configuration file (default streamprobe.yml)\n"
         "  --config.check                validate the configuration (and --web.config.file), print\n"
         "                                every error, exit\n"
         "  --web.listen-address=ADDR     address to listen on (default :9101)\n"
         "  --web.telemetry-path=PATH     path for metrics (default /metrics)\n"
         "  --web.config.file=PATH        TLS, basic auth and headers, in the Prometheus\n"
         "                                exporter-toolkit format (default: plain HTTP, no auth)\n"
         "  --web.enable-lifecycle        allow POST /-/reload (default off; SIGHUP always reloads)\n"
         "  --log.level=LEVEL             debug, info, warn or error (default info)\n"
         "  --log.format=FORMAT           logfmt or json (default logfmt)\n"
         "  --version                     print the version and exit\n";
}

bool ParseFlags(int argc, char** argv, Flags* flags, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h") {
      *error = "";
      return false;
    }
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument " + arg;
      return false;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "config.check") {
      flags->config_check = true;
      continue;
    }
    if (name == "version") {
      flags->version = true;
      continue;
    }
    if (name == "web.enable-lifecycle") {
      flags->enable_lifecycle = true;
      continue;
    }
    if (name == "help" || name == "h") {
      *error = "";
      return false;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        *error = "flag --" + name + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (name == "web.listen-address") flags->listen_address = value;
    else if (name == "web.telemetry-path") flags->telemetry_path = value;
    else if (name == "config.file") flags->config_file = value;
    else if (name == "web.config.file") flags->web_config_file = value;
    else if (name == "log.level") flags->log_level = value;
    else if (name == "log.format") flags->log_format = value;
    else {
      *error = "unknown flag --" + name;
      return false;
    }
  }
  if (!ParseLogLevel(flags->log_level)) {
    *error = "--log.level must be debug, info, warn or error";
    return false;
  }
  if (!ParseLogFormat(flags->log_format)) {
    *error = "--log.format must be logfmt or json";
    return false;
  }
  if (flags->telemetry_path.empty() || flags->telemetry_path.front() != '/') {
    *error = "--web.telemetry-path must start with /";
    return false;
  }
  return true;
}

App::App(Flags flags) : flags_(std::move(flags)) {}

App::~App() { scheduler_.Stop(); }

int App::Check() {
  LoadedConfig loaded = LoadConfigFile(flags_.config_file, Backends());
  const LoadedWebConfig web = LoadWebConfigFile(flags_.web_config_file);
  if (!loaded.ok()) {
    std::cerr << flags_.config_file << ": " << loaded.errors.size()
              << " error(s):\n" << FormatErrors(loaded.errors);
  } else {
    std::cout << flags_.config_file << ": ok, " << loaded.plan.targets.size() << " targets\n";
  }
  if (!web.ok()) {
    std::cerr << flags_.web_config_file << ": " << web.errors.size() << " error(s):\n"
              << FormatErrors(web.errors);
  } else if (!flags_.web_config_file.empty()) {
    std::cout << flags_.web_config_file << ": ok" << (web.config.tls ? ", TLS" : "") << ", "
              << web.config.basic_auth_users.size() << " basic auth users\n";
  }
  return loaded.ok() && web.ok() ? 0 : 1;
}

std::string App::Reload() {
  std::lock_guard lock(reload_mutex_);
  const std::string web_errors = web_ != nullptr ? web_->ReloadWebConfig() : "";
  const std::string errors = ReloadConfigLocked();
  if (web_errors.empty()) return errors;
  // A rejected web configuration is a failed reload too (the config reload
  // metrics and StreamprobeConfigReloadFailed cover both files).
  if (errors.empty()) ++engine_.reload_failures_total;
  engine_.last_reload_successful = false;
  store_.SetEngineInfo(engine_);
  return errors.empty() ? web_errors : errors + "\n" + web_errors;
}

std::string App::ReloadConfigLocked() {
  LoadedConfig loaded = LoadConfigFile(flags_.config_file, Backends());
  ++engine_.reloads_total;
  if (!loaded.ok()) {
    ++engine_.reload_failures_total;
    engine_.last_reload_successful = false;
    store_.SetEngineInfo(engine_);
    const std::string errors = FormatErrors(loaded.errors);
    LogError("configuration rejected, keeping the previous one",
             {{"file", flags_.config_file}, {"errors", errors}});
    return errors;
  }
  engine_.last_reload_successful = true;
  engine_.last_reload_success_unix = UnixNow();
  engine_.targets_configured = loaded.plan.targets.size();
  const Scheduler::StartSummary summary = scheduler_.Start(loaded.plan);
  store_.SetEngineInfo(engine_);
  LogInfo("configuration loaded", {{"file", flags_.config_file},
                                   {"targets", std::to_string(loaded.plan.targets.size())},
                                   {"unchanged", std::to_string(summary.kept)},
                                   {"started", std::to_string(summary.started)},
                                   {"stopped", std::to_string(summary.stopped)}});
  return "";
}

int App::Run() {
  // Signals are taken synchronously by this thread; block them before any
  // other thread starts so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  InitHttpGlobal();

  // The listener is bound before any probe starts, so a port in use ends the
  // process at once; reloads wait for the first plan (reload_mutex_).
  std::unique_lock startup(reload_mutex_);
  LoadedConfig loaded = LoadConfigFile(flags_.config_file, Backends());
  if (!loaded.ok()) {
    std::cerr << flags_.config_file << ": " << loaded.errors.size() << " error(s):\n"
              << FormatErrors(loaded.errors);
    return 1;
  }
  WebOptions options{flags_.listen_address, flags_.telemetry_path, flags_.web_config_file,
                     flags_.enable_lifecycle};
  auto web = std::make_unique<WebServer>(std::move(options),
                WebHooks{[this] { return store_.Current(); },
                         [this] {
                           if (!ready_ && probing_ && scheduler_.FirstRoundDone()) ready_ = true;
                           return ready_.load();
                         },
                         [this] { return Reload(); }});
  Status started = web->Start();
  if (!started.ok()) {
    LogError("cannot start web server", {{"detail", started.detail()}});
    std::cerr << "streamprobe: " << started.detail() << "\n";
    return 1;
  }
  web_ = web.get();
  engine_.last_reload_success_unix = UnixNow();
  engine_.targets_configured = loaded.plan.targets.size();
  store_.SetEngineInfo(engine_);
  scheduler_.Start(loaded.plan);
  probing_ = true;
  startup.unlock();
  LogInfo("streamprobe started", {{"version", STREAMPROBE_VERSION}});
  for (;;) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal == SIGHUP) {
      LogInfo("SIGHUP received, reloading");
      Reload();
      continue;
    }
    LogInfo("shutting down", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    break;
  }
  scheduler_.Stop();
  // The process exits next (see main): the server is left to the exit, so no
  // scrape in flight sees its connection torn down by a destructor.
  web.release();
  return 0;
}

}  // namespace streamprobe
