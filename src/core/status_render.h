// The status table as JSON (GET /api/v1/status, `streamprobe check --output
// json`; schema in docs/web.md) and as terminal text (`streamprobe check`).
#pragma once

#include <string>

#include "core/status_table.h"

namespace streamprobe {

// Where the status table links a runbook: the shipped runbooks, by alert name.
std::string RunbookUrl(const std::string& runbook);

// Stable field names; see docs/web.md. Invalid UTF-8 is replaced, never thrown.
std::string RenderStatusJson(const StatusTable& table);

// One line per component ("down  Kafka brokers 1/3  [platform]  cause"), then
// hints and runbooks of the rows in trouble. ANSI colours when `colour`.
std::string RenderStatusText(const StatusTable& table, bool colour);

}  // namespace streamprobe
