// Strict YAML decoding: every error names its field, all errors are collected,
// and keys a decoder never read are reported as unknown.
//
// Usage: read fields through a Decoder, then call Finish() so unread keys
// become errors. Decoders share one ErrorList; they are cheap to copy.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace streamprobe {

using Millis = std::chrono::milliseconds;

struct ConfigError {
  std::string field;    // e.g. "clusters[0].kafka.bootstrap"
  std::string message;
};
using ErrorList = std::vector<ConfigError>;

// Formats "field: message" lines.
std::string FormatErrors(const ErrorList& errors);

// A secret given by file or environment variable, never inline. The value is
// resolved at load time and must never be logged.
struct Secret {
  std::string source;  // "file:/path" or "env:NAME" (safe to log)
  std::string value;
  bool empty() const { return source.empty(); }
};

class Decoder {
 public:
  Decoder(YAML::Node node, std::string path, ErrorList* errors);

  const std::string& path() const { return path_; }
  bool Has(const std::string& key) const;
  void Error(const std::string& key, const std::string& message) const;

  std::string String(const std::string& key, const std::string& fallback = "");
  std::string RequiredString(const std::string& key);
  long long Int(const std::string& key, long long fallback, long long min, long long max);
  double Number(const std::string& key, double fallback, double min, double max);
  bool Bool(const std::string& key, bool fallback);
  // Durations like "500ms", "15s", "2m", "1h"; must lie in [min, max].
  Millis Duration(const std::string& key, Millis fallback, Millis min, Millis max);
  std::vector<std::string> StringList(const std::string& key);
  std::vector<long long> IntList(const std::string& key, long long min, long long max);
  std::map<std::string, std::string> StringMap(const std::string& key);
  // An address or URL (or a list of them). One that carries credentials
  // (`http://user:pass@host`) is an error whose message ends with `instead`
  // (e.g. "use basic_auth"); it is left out of the result, so a password can
  // never reach a label, a page or the log.
  std::string RequiredAddress(const std::string& key, const std::string& instead);
  std::vector<std::string> AddressList(const std::string& key, const std::string& instead);
  // A {file: path} or {env: NAME} mapping; an inline string is an error.
  Secret SecretValue(const std::string& key);
  // A regular expression; invalid ones are errors, and so are patterns over
  // 1024 characters or nesting groups deeper than 32 (std::regex recurses).
  std::string Regex(const std::string& key);

  // A mapping child (absent → a decoder over an empty map, Has() false).
  Decoder Child(const std::string& key);
  // Sequence of mappings.
  std::vector<Decoder> Sequence(const std::string& key);

  // Reports keys of this mapping that were never read.
  void Finish();

  // YAML text of this mapping, for fingerprints (never logged: it may name
  // secret files but holds no secret values).
  std::string Dump() const;
  // Digests (not values) of every secret resolved so far by this decoder, the
  // decoder it came from and every decoder made from either, in resolution
  // order. Append-only, so a caller may take the part one section added.
  const std::string& SecretDigests() const { return *secret_digests_; }

 private:
  std::optional<YAML::Node> Get(const std::string& key);
  std::string FieldPath(const std::string& key) const;
  void RejectCredentials(const std::string& field, const std::string& address,
                         const std::string& instead);

  Decoder(YAML::Node node, std::string path, ErrorList* errors,
          std::shared_ptr<std::string> secret_digests);

  YAML::Node node_;
  std::string path_;
  ErrorList* errors_;
  std::shared_ptr<std::set<std::string>> read_keys_;
  std::shared_ptr<std::string> secret_digests_;  // shared by a whole decoder tree
};

// The result of parsing a "1h2m3s500ms"-style duration: a value, or none with
// `overflow` telling "too large for milliseconds in 64 bits" from "malformed".
struct DurationParse {
  std::optional<Millis> value;
  bool overflow = false;
};
DurationParse ParseDuration(const std::string& text);

// True when an address's authority part holds a user or password (`u:p@host`).
bool HasCredentials(std::string_view address);

// A mapping key as text; nullopt for keys that are not scalars (`? [x, y]: 1`).
std::optional<std::string> KeyText(const YAML::Node& key);

}  // namespace streamprobe
