// Structured logging to stderr in logfmt or JSON, as Prometheus exporters do.
//
// Thread-safe: each record is formatted first and written with one call under a
// mutex. Secrets must never be passed as field values.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace streamprobe {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kLogfmt, kJson };

using LogField = std::pair<std::string_view, std::string_view>;

std::optional<LogLevel> ParseLogLevel(std::string_view text);
std::optional<LogFormat> ParseLogFormat(std::string_view text);

// Process-wide settings; call before starting threads.
void ConfigureLogging(LogLevel level, LogFormat format);
// The settings ConfigureLogging set, as the flag values that select them
// ("info", "logfmt"), e.g. to hand them to a child process.
std::string_view ConfiguredLogLevelName();
std::string_view ConfiguredLogFormatName();

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kDebug, m, f); }
inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarn(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kWarn, m, f); }
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kError, m, f); }

// Formats one record (exposed for tests).
std::string FormatLogRecord(LogFormat format, std::string_view timestamp, LogLevel level,
                            std::string_view message, std::initializer_list<LogField> fields);

}  // namespace streamprobe
