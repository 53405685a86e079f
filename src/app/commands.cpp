#include "app/commands.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "app/registry.h"
#include "app/wait_conditions.h"
#include "config/decoder.h"
#include "core/log.h"
#include "core/scheduler.h"
#include "core/status_render.h"
#include "kafka/kafka_diagnose.h"
#include "net/http_client.h"

namespace streamprobe {
namespace {

constexpr int kBadUsage = 3;
constexpr Millis kPoll{200};
constexpr Millis kWaitInterval{2000};  // probe interval while waiting (at most, unless the timeout is longer)

struct CommandFlags {
  std::string command;
  std::string subject;  // diagnose's topic
  std::string config_file = "streamprobe.yml";
  std::string cluster;  // "" = every cluster
  std::string output = "table";
  std::vector<std::string> conditions;
  Millis timeout{300000};
  std::string log_level = "error";  // probe failures are the output, not log noise
  std::string log_format = "logfmt";
  bool help = false;
};

std::string Usage() {
  return "usage:\n"
         "  streamprobe check [--config.file=F] [--output=table|json] [--cluster=NAME]\n"
         "      probe once, print the status table; exit 0 healthy, 1 degraded, 2 down\n"
         "  streamprobe wait --for=CONDITION... [--timeout=5m] [--config.file=F] [--cluster=NAME]\n"
         "      probe every 2 s until every condition holds; exit 1 on timeout. Conditions:\n" +
         WaitConditionsHelp() +
         "  streamprobe diagnose kafka-registration [--config.file=F] [--cluster=NAME]\n"
         "      per broker id: live, stale, missing or foreign, and what is safe to do\n"
         "  common: --log.level=LEVEL (default error), --log.format=FORMAT; exit 3 on bad\n"
         "  flags or configuration\n";
}

bool Parse(int argc, char** argv, CommandFlags& f, std::string& error) {
  f.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      f.help = true;
      return true;
    }
    if (arg.rfind("--", 0) != 0) {
      if (f.command == "diagnose" && f.subject.empty()) {
        f.subject = arg;
        continue;
      }
      error = "unexpected argument " + arg;
      return false;
    }
    std::string name = arg.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error = "flag --" + name + " needs a value";
      return false;
    }
    if (name == "config.file") f.config_file = value;
    else if (name == "cluster") f.cluster = value;
    else if (name == "output" && f.command == "check") f.output = value;
    else if (name == "for" && f.command == "wait") f.conditions.push_back(value);
    else if (name == "timeout" && f.command == "wait") {
      const DurationParse d = ParseDuration(value);
      if (!d.value) {
        error = "--timeout must be a duration like 90s or 5m";
        return false;
      }
      f.timeout = *d.value;
    } else if (name == "log.level") f.log_level = value;
    else if (name == "log.format") f.log_format = value;
    else {
      error = "unknown flag --" + name + " for " + f.command;
      return false;
    }
  }
  if (f.output != "table" && f.output != "json") error = "--output must be table or json";
  else if (!ParseLogLevel(f.log_level)) error = "--log.level must be debug, info, warn or error";
  else if (!ParseLogFormat(f.log_format)) error = "--log.format must be logfmt or json";
  else if (f.command == "wait" && f.conditions.empty()) error = "wait needs at least one --for";
  else if (f.command == "diagnose" && f.subject != "kafka-registration")
    error = "diagnose knows: kafka-registration";
  return error.empty();
}

// The exporter's engine without its web server: one scheduler, one store.
class Engine {
 public:
  ~Engine() { scheduler_.Stop(); }

  bool Start(Plan plan, const std::string& cluster) {
    if (!cluster.empty()) {
      std::erase_if(plan.targets, [&](const TargetSpec& t) { return t.cluster != cluster; });
      std::erase_if(plan.views, [&](const ViewSpec& v) { return v.cluster != cluster; });
    }
    if (plan.targets.empty()) return false;
    for (const TargetSpec& t : plan.targets) longest_ = std::max(longest_, t.timeout);
    scheduler_.Start(plan);
    return true;
  }

  // The snapshot once every target finished a round (or its deadline passed).
  std::shared_ptr<const Snapshot> FirstRound() {
    const auto deadline = Clock::now() + longest_ + Millis(2000);
    while (!scheduler_.FirstRoundDone() && Clock::now() < deadline) std::this_thread::sleep_for(kPoll);
    return store_.Current();
  }

  std::shared_ptr<const Snapshot> Current() const { return store_.Current(); }

 private:
  SnapshotStore store_;
  Scheduler scheduler_{store_};
  Millis longest_{0};
};

std::optional<Plan> LoadPlan(const CommandFlags& f) {
  LoadedConfig loaded = LoadConfigFile(f.config_file, Backends());
  if (!loaded.ok()) {
    std::cerr << f.config_file << ": " << loaded.errors.size() << " error(s):\n"
              << FormatErrors(loaded.errors);
    return std::nullopt;
  }
  return std::move(loaded.plan);
}

bool ColourTerminal() {
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr &&
         (term == nullptr || std::string_view(term) != "dumb");
}

int Check(const CommandFlags& f, Engine& engine) {
  const StatusTable table = ComposeStatus(*engine.FirstRound());
  std::cout << (f.output == "json" ? RenderStatusJson(table) + "\n"
                                   : RenderStatusText(table, ColourTerminal()));
  return CheckExitCode(table.overall);
}

int Wait(const std::vector<WaitCondition>& conditions, Millis timeout, Engine& engine) {
  const auto deadline = Clock::now() + timeout;
  std::string last;
  for (;;) {
    const auto snapshot = engine.Current();
    const StatusTable table = ComposeStatus(*snapshot);
    bool all = true;
    std::string progress;
    for (const WaitCondition& c : conditions) {
      const auto [held, note] = c.judge(*snapshot, table);
      all = all && held;
      progress += (progress.empty() ? "" : "; ") + c.text + (held ? " ok" : ": " + note);
    }
    if (all) {
      std::cout << "ready: " << progress << std::endl;
      return 0;
    }
    if (Clock::now() >= deadline) {
      std::cout << "timed out after " << timeout.count() / 1000.0 << " s: " << progress << std::endl;
      return 1;
    }
    if (progress != last) std::cout << "waiting: " << progress << std::endl;
    last = progress;
    std::this_thread::sleep_for(kPoll * 5);
  }
}

int Diagnose(Engine& engine) {
  const auto snapshot = engine.FirstRound();
  bool any = false, all_live = true;
  for (const auto& [id, r] : snapshot->results()) {
    if (r->system != "kafka" || !r->state) continue;
    any = true;
    const auto diagnosis = kafka::DiagnoseRegistrations(
        *static_cast<const kafka::KafkaRound*>(r->state.get()), r->cluster,
        r->facts.count("zookeeper_connect") ? r->facts.at("zookeeper_connect") : "",
        r->facts.count("zookeeper_chroot") ? r->facts.at("zookeeper_chroot") : "/");
    std::cout << diagnosis.text;
    all_live = all_live && diagnosis.all_live;
  }
  if (!any) {
    std::cerr << "streamprobe: no Kafka cluster configured\n";
    return kBadUsage;
  }
  return all_live ? 0 : 1;
}

}  // namespace

bool IsCommand(std::string_view arg) {
  return arg == "check" || arg == "wait" || arg == "diagnose";
}

int RunCommand(int argc, char** argv) {
  CommandFlags f;
  std::string error;
  if (!Parse(argc, argv, f, error)) {
    std::cerr << "streamprobe: " << error << "\n" << Usage();
    return kBadUsage;
  }
  if (f.help) {
    std::cout << Usage();
    return 0;
  }
  ConfigureLogging(*ParseLogLevel(f.log_level), *ParseLogFormat(f.log_format));
  std::vector<WaitCondition> conditions;
  for (const std::string& text : f.conditions) {
    auto c = ParseWaitCondition(text, f.cluster, &error);
    if (!c) {
      std::cerr << "streamprobe: " << error;
      return kBadUsage;
    }
    conditions.push_back(std::move(*c));
  }
  std::optional<Plan> plan = LoadPlan(f);
  if (!plan) return kBadUsage;
  if (f.command == "wait") {
    for (TargetSpec& t : plan->targets) {
      t.interval = std::max(t.timeout, std::min(t.interval, kWaitInterval));
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  InitHttpGlobal();
  Engine engine;
  if (!engine.Start(std::move(*plan), f.cluster)) {
    std::cerr << "streamprobe: no target" << (f.cluster.empty() ? "" : " in cluster " + f.cluster)
              << "\n";
    return kBadUsage;
  }
  if (f.command == "check") return Check(f, engine);
  if (f.command == "wait") return Wait(conditions, f.timeout, engine);
  return Diagnose(engine);
}

}  // namespace streamprobe
