#include <cstdio>

#include <nlohmann/json.hpp>

#include "http/executor_metrics.h"
#include "http/process_metrics.h"
#include "http/server.h"

namespace streamprobe {
namespace {

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderMetricsTail(const Snapshot& snapshot, double now_unix) {
  char age[256];
  std::snprintf(age, sizeof age,
                "# HELP streamprobe_snapshot_age_seconds Seconds since the snapshot served here "
                "was built; every other value is cached from probe rounds\n"
                "# TYPE streamprobe_snapshot_age_seconds gauge\n"
                "streamprobe_snapshot_age_seconds %.3f\n",
                std::max(0.0, now_unix - snapshot.built_unix()));
  return age + RenderProcessMetrics() + RenderExecutorMetrics(Executor::Shared().stats());
}

std::string RenderMetricsPage(const Snapshot& snapshot, double now_unix) {
  std::string page;
  snapshot.AppendText(page);
  page += RenderMetricsTail(snapshot, now_unix);
  return page;
}

std::string RenderTargetsJson(const Snapshot& snapshot) {
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& [id, r] : snapshot.results()) {
    targets.push_back({{"id", id},
                       {"cluster", r->cluster},
                       {"system", r->system},
                       {"target", r->name},
                       {"success", r->status.ok()},
                       {"reason", ReasonName(r->status.reason())},
                       {"detail", r->status.detail()},
                       {"duration_seconds", r->duration_seconds},
                       {"last_round_unix", r->finished_unix},
                       {"last_success_unix", r->last_success_unix},
                       {"facts", r->facts}});
  }
  nlohmann::json body = {{"snapshot_built_unix", snapshot.built_unix()}, {"targets", targets}};
  return body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RenderStatusPage(const Snapshot& snapshot, const std::string& telemetry_path) {
  std::string html =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>streamprobe</title>"
      "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}"
      ".down{color:#b00}.up{color:#070}</style></head><body><h1>streamprobe</h1><p><a href=\"" +
      HtmlEscape(telemetry_path) +
      "\">Metrics</a> · <a href=\"/api/v1/targets\">Targets (JSON)</a> · "
      "<a href=\"/-/healthy\">Health</a> · <a href=\"/-/ready\">Ready</a></p>"
      "<table><tr><th>cluster</th><th>system</th><th>target</th><th>state</th>"
      "<th>reason</th><th>detail</th></tr>";
  for (const auto& [id, r] : snapshot.results()) {
    const bool up = r->status.ok();
    html += "<tr><td>" + HtmlEscape(r->cluster) + "</td><td>" + HtmlEscape(r->system) +
            "</td><td>" + HtmlEscape(r->name) + "</td><td class=\"" + (up ? "up\">up" : "down\">down") +
            "</td><td>" + std::string(ReasonName(r->status.reason())) + "</td><td>" +
            HtmlEscape(r->status.detail()) + "</td></tr>";
  }
  html += "</table></body></html>\n";
  return html;
}

}  // namespace streamprobe
