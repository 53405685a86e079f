#include "core/status_render.h"

#include <nlohmann/json.hpp>

namespace streamprobe {
namespace {

constexpr std::string_view kRunbookBase =
    "https://github.com/streamprobe/streamprobe/blob/main/docs/runbooks/";

nlohmann::json RowJson(const ComponentRow& row) {
  nlohmann::json units = nlohmann::json::array();
  for (const ComponentUnit& u : row.units) {
    units.push_back({{"name", u.name}, {"status", HealthName(u.health)}, {"cause", u.cause}});
  }
  nlohmann::json workloads = nlohmann::json::array();
  for (const WorkloadNote& w : row.workloads) {
    workloads.push_back({{"workload", w.workload},
                         {"replicas", w.replicas},
                         {"ready", w.ready},
                         {"status", HealthName(w.health)},
                         {"cause", w.cause}});
  }
  nlohmann::json targets = nlohmann::json::array();
  for (const StatusTarget& t : row.targets) {
    targets.push_back({{"id", t.id},
                       {"system", t.system},
                       {"target", t.name},
                       {"up", t.up},
                       {"reason", t.reason},
                       {"detail", t.detail},
                       {"last_success_unix", t.last_success_unix}});
  }
  return {{"cluster", row.cluster},
          {"component", row.key},
          {"title", row.title},
          {"expected", row.expected},
          {"ready", row.ready},
          {"status", HealthName(row.health)},
          {"cause", row.cause},
          {"hint", row.hint},
          {"runbook_url", row.runbook.empty() ? nlohmann::json(nullptr)
                                              : nlohmann::json(RunbookUrl(row.runbook))},
          {"follows_from", row.follows_from.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(row.follows_from)},
          {"units", units},
          {"workloads", workloads},
          {"targets", targets}};
}

const char* Colour(Health h) {
  switch (h) {
    case Health::kOk: return "\033[32m";
    case Health::kDegraded: return "\033[33m";
    case Health::kDown: return "\033[31m";
    case Health::kUnknown: return "\033[90m";
  }
  return "";
}

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string RunbookUrl(const std::string& runbook) {
  return std::string(kRunbookBase) + runbook + ".md";
}

std::string RenderStatusJson(const StatusTable& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ComponentRow& row : table.rows) rows.push_back(RowJson(row));
  nlohmann::json body = {{"snapshot_built_unix", table.built_unix},
                         {"status", HealthName(table.overall)},
                         {"components", rows}};
  return body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RenderStatusText(const StatusTable& table, bool colour) {
  std::string out;
  for (const ComponentRow& row : table.rows) {
    const std::string health(HealthName(row.health));
    out += colour ? std::string(Colour(row.health)) + Pad(health, 9) + "\033[0m" : Pad(health, 9);
    out += Pad(row.title + " " + std::to_string(row.ready) + "/" + std::to_string(row.expected), 24);
    out += Pad("[" + row.cluster + "]", 16);
    if (!row.follows_from.empty()) {
      const ComponentInfo* root = FindComponent(row.follows_from);
      out += "follows from " + std::string(root ? root->title : row.follows_from) + ": ";
    }
    out += row.cause + "\n";
    if (!row.hint.empty()) out += Pad("", 9) + "-> " + row.hint + "\n";
    if (!row.runbook.empty()) out += Pad("", 9) + "   runbook: " + RunbookUrl(row.runbook) + "\n";
  }
  out += "overall: " + std::string(HealthName(table.overall)) + "\n";
  return out;
}

}  // namespace streamprobe
