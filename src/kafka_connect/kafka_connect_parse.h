// Pure parsers for the Kafka Connect REST API (PROTOCOLS.md §3).
//
// Bytes in, typed value or Status(kBadPayload) out. Never throw. State, type and
// error-class strings are mapped onto fixed sets here so that every value that
// later becomes a label is bounded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace streamprobe {

// GET / (entities/ServerInfo.java).
struct ConnectServerInfo {
  std::string version;
  std::string commit;
  std::string kafka_cluster_id;
};
Result<ConnectServerInfo> ParseConnectServerInfo(std::string_view body);

// Worker health from GET /health (3.9+, KIP-1017), as a state-set value.
inline constexpr std::string_view kHealthHealthy = "healthy";
inline constexpr std::string_view kHealthStarting = "starting";
inline constexpr std::string_view kHealthUnhealthy = "unhealthy";
inline constexpr std::string_view kHealthUnknown = "unknown";
inline constexpr std::string_view kHealthStates[] = {kHealthHealthy, kHealthStarting,
                                                     kHealthUnhealthy, kHealthUnknown};

struct ConnectHealth {
  std::string_view state = kHealthUnknown;  // one of kHealthStates
  std::string message;                      // the worker's own words, for logs/detail
};
// Interprets a /health answer: 200 healthy, 503 starting, 500 unhealthy (body
// {"status","message"}); 404 (workers before 3.9, or a worker whose REST
// resources are not registered yet, which answers with Jetty HTML) → unknown.
// Any other status, or a 200/500/503 body that is not a WorkerStatus, fails
// with kHttpStatus / kBadPayload.
Result<ConnectHealth> ParseConnectHealth(long http_status, std::string_view body);

// {"error_code":<int>,"message":"..."} (ConnectExceptionMapper); nullopt when the
// body is not such an object. Also the Schema Registry error shape.
struct RestErrorBody {
  long error_code = 0;
  std::string message;
};
std::optional<RestErrorBody> ParseRestErrorBody(std::string_view body);

// Connector / task states (AbstractStatus.State, minus DESTROYED which is never
// shown). Anything else a worker reports maps to kStateUnknown.
inline constexpr std::string_view kStateUnknown = "UNKNOWN";
inline constexpr std::string_view kConnectStates[] = {"UNASSIGNED", "RUNNING", "PAUSED",
                                                      "FAILED",     "RESTARTING", "STOPPED"};
inline constexpr std::string_view kConnectorTypes[] = {"source", "sink", "unknown"};

struct ConnectTask {
  long id = 0;
  std::string_view state = kStateUnknown;  // one of kConnectStates or kStateUnknown
  std::string worker_id;                   // advertised host:port of the worker
  std::string trace;                       // empty unless the task failed
};

struct ConnectConnector {
  std::string name;
  std::string_view state = kStateUnknown;
  std::string worker_id;
  std::string_view type = "unknown";       // one of kConnectorTypes
  std::string connector_class;             // info.config["connector.class"], may be empty
  std::string trace;                       // connector-level failure trace
  std::vector<ConnectTask> tasks;          // sorted by id
};

struct ConnectConnectors {
  std::vector<ConnectConnector> connectors;  // sorted by name, at most max_connectors
  std::size_t omitted = 0;                   // connectors dropped by the cap
  std::vector<std::string> all_names;        // every listed name, sorted (also the omitted)
};
// GET /connectors?expand=status&expand=info: a map keyed by connector name. A
// connector whose "status" is missing (e.g. not yet written to the status topic)
// is kept with state UNKNOWN. Keeps at most `max_connectors` (by name order).
Result<ConnectConnectors> ParseConnectConnectors(std::string_view body,
                                                 std::size_t max_connectors);

// GET /connector-plugins.
struct ConnectPlugin {
  std::string class_name;
  std::string_view type = "unknown";  // source, sink, or unknown
  std::string version;                // may be empty
};
Result<std::vector<ConnectPlugin>> ParseConnectPlugins(std::string_view body);

// Bounded error class of a Java stack trace: the simple class name of the
// exception on the trace's first line if it is one of kKnownErrorClasses, "other"
// for any other class, "" for an empty trace.
inline constexpr std::string_view kKnownErrorClasses[] = {
    "ConnectException",     "DataException",        "RetriableException",
    "TimeoutException",     "SerializationException", "AuthenticationException",
    "AuthorizationException", "TopicAuthorizationException", "RecordTooLargeException",
    "IOException",          "NoSuchFileException",  "SQLException",
    "NullPointerException", "IllegalArgumentException", "IllegalStateException",
    "ClassNotFoundException", "NoClassDefFoundError", "OutOfMemoryError"};
std::string_view ConnectErrorClass(std::string_view trace);

// The first line of a trace (for one-line log fields and status details).
std::string_view FirstLine(std::string_view text);

}  // namespace streamprobe
