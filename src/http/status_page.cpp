// GET /: the status table as a self-contained page. Everything shown is
// escaped; the table is complete without JavaScript, and a small inline
// script re-fetches the page every 5 s and swaps the table in place, keeping
// expanded rows open.
#include <cstdio>

#include "core/status_render.h"
#include "http/server.h"

namespace streamprobe {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;margin:1em;color:#222}"
    "nav a{margin-right:1em}table{border-collapse:collapse;width:100%}"
    "th,td{padding:.35em .6em;text-align:left;vertical-align:top;border-bottom:1px solid #ddd}"
    "tr.ok td.st{color:#176f2c}tr.degraded td.st{color:#9a6700}tr.down td.st{color:#b3261e}"
    "tr.unknown td.st{color:#666}td.st{font-weight:bold}tr.down{background:#fdecea}"
    "tr.degraded{background:#fff6e0}tr.unknown{background:#f3f3f3}.overall{font-size:1.2em}"
    ".follows{font-style:italic}details ul{margin:.3em 0}details table{font-size:.9em}"
    "nav a{display:inline-block}"
    "@media (max-width:700px){thead{display:none}table,tbody,tr,td{display:block;width:auto}"
    "tr{border-bottom:2px solid #ccc}td{border:none;padding:.15em .4em;overflow-wrap:anywhere}"
    "tr[id]>td:nth-child(2)::before{content:'cluster ';color:#666}"
    "tr[id]>td:nth-child(3)::before{content:'ready ';color:#666}"
    "details tr:first-child{display:none}}";

constexpr std::string_view kRefreshScript =
    "setInterval(async()=>{try{const r=await fetch(location.pathname,{cache:'no-store'});"
    "if(!r.ok)return;const doc=new DOMParser().parseFromString(await r.text(),'text/html');"
    "const fresh=doc.getElementById('status');const cur=document.getElementById('status');"
    "if(!fresh||!cur)return;const open=[...cur.querySelectorAll('details[open]')].map(d=>d.id);"
    "cur.replaceWith(fresh);for(const id of open){const d=document.getElementById(id);"
    "if(d)d.open=true;}}catch(e){}},5000);";

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RowId(const std::string& cluster, const std::string& key) {
  return "row-" + cluster + "-" + key;
}

std::string Details(const ComponentRow& row) {
  std::string html = "<details id=\"" + Escape("more-" + row.cluster + "-" + row.key) +
                     "\"><summary>" + std::to_string(row.units.size()) + " units, " +
                     (row.workloads.empty() ? "" : std::to_string(row.workloads.size()) + " workloads, ") +
                     std::to_string(row.targets.size()) + " targets</summary><ul>";
  for (const ComponentUnit& u : row.units) {
    html += "<li>" + Escape(u.name) + ": " + std::string(HealthName(u.health)) +
            (u.cause.empty() ? "" : " — " + Escape(u.cause)) + "</li>";
  }
  for (const WorkloadNote& w : row.workloads) {
    html += "<li>" + Escape(w.workload) + ": " + std::to_string(w.ready) + "/" +
            std::to_string(w.replicas) + " ready" + (w.cause.empty() ? "" : " — " + Escape(w.cause)) +
            "</li>";
  }
  html += "</ul><table><tr><th>target</th><th>state</th><th>reason</th><th>detail</th></tr>";
  for (const StatusTarget& t : row.targets) {
    html += "<tr><td>" + Escape(t.system + "/" + t.name) + "</td><td>" + (t.up ? "up" : "down") +
            "</td><td>" + Escape(t.reason) + "</td><td>" + Escape(t.detail) + "</td></tr>";
  }
  return html + "</table></details>";
}

std::string Row(const ComponentRow& row, const StatusTable& table) {
  const std::string health(HealthName(row.health));
  std::string cause = Escape(row.cause);
  if (!row.follows_from.empty()) {
    std::string title = row.follows_from;
    for (const ComponentRow& r : table.rows) {
      if (r.cluster == row.cluster && r.key == row.follows_from) title = r.title;
    }
    cause = "<span class=\"follows\">follows from <a href=\"#" +
            Escape(RowId(row.cluster, row.follows_from)) + "\">" + Escape(title) +
            "</a></span>" + (cause.empty() ? "" : ": " + cause);
  }
  std::string todo = Escape(row.hint);
  if (!row.runbook.empty()) {
    todo += (todo.empty() ? "" : " ") + std::string("<a href=\"") + Escape(RunbookUrl(row.runbook)) +
            "\">runbook</a>";
  }
  return "<tr id=\"" + Escape(RowId(row.cluster, row.key)) + "\" class=\"" + health + "\"><td>" +
         Escape(row.title) + "</td><td>" + Escape(row.cluster) + "</td><td>" +
         std::to_string(row.ready) + "/" + std::to_string(row.expected) + "</td><td class=\"st\">" +
         health + "</td><td>" + cause + "</td><td>" + todo + "</td></tr><tr class=\"more " + health +
         "\"><td colspan=\"6\">" + Details(row) + "</td></tr>";
}

}  // namespace

std::string RenderStatusPage(const StatusTable& table, const std::string& telemetry_path,
                             double now_unix) {
  char age[64];
  std::snprintf(age, sizeof age, "%.1f", std::max(0.0, now_unix - table.built_unix));
  const std::string overall(HealthName(table.overall));
  std::string html =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>streamprobe status</title><style>" + std::string(kStyle) +
      "</style></head><body><h1>streamprobe</h1><nav><a href=\"" + Escape(telemetry_path) +
      "\">Metrics</a><a href=\"/api/v1/status\">Status (JSON)</a>"
      "<a href=\"/api/v1/targets\">Targets (JSON)</a><a href=\"/-/ready\">Ready</a></nav>"
      "<main id=\"status\"><p class=\"overall\">Overall: <strong class=\"" + overall + "\">" +
      overall + "</strong> · snapshot " + age + " s old</p><table><thead><tr><th>Component</th>"
      "<th>Cluster</th><th>Ready</th><th>Status</th><th>Cause</th><th>What to do</th></tr>"
      "</thead><tbody>";
  for (const ComponentRow& row : table.rows) html += Row(row, table);
  if (table.rows.empty()) {
    html += "<tr class=\"unknown\"><td colspan=\"6\">No probe round finished yet.</td></tr>";
  }
  html += "</tbody></table></main><script>" + std::string(kRefreshScript) +
          "</script></body></html>\n";
  return html;
}

}  // namespace streamprobe
