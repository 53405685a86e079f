// --web.config.file: TLS, basic authentication and response headers for every
// endpoint, in the format of the Prometheus exporter-toolkit
// (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md),
// so the file a team already uses for node_exporter works here.
//
// Strict like the main configuration: unknown keys, unsupported options and
// unreadable files are errors, all reported at once. Files are read when the
// web configuration is loaded (at start and on every SIGHUP), so a renewed
// certificate is picked up by a reload. Nothing here is ever logged except
// file paths.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/decoder.h"

namespace streamprobe {

// exporter-toolkit's client_auth_type values that streamprobe serves. The two
// that accept an unverified certificate (RequestClientCert,
// RequireAnyClientCert) are refused: such a certificate proves nothing.
enum class ClientAuth { kNone, kVerifyIfGiven, kRequireAndVerify };

struct TlsSettings {
  std::string cert_pem;       // server certificate chain (PEM)
  std::string key_pem;        // its private key (PEM); a secret
  std::string client_ca_pem;  // CAs that sign client certificates (PEM), or ""
  ClientAuth client_auth = ClientAuth::kNone;
  std::string priorities;     // GnuTLS priority string from min_version/max_version
};

struct WebConfig {
  std::optional<TlsSettings> tls;
  std::map<std::string, std::string> basic_auth_users;       // user -> bcrypt hash
  std::vector<std::pair<std::string, std::string>> headers;  // added to every response
};

struct LoadedWebConfig {
  WebConfig config;
  ErrorList errors;
  bool ok() const { return errors.empty(); }
};

// Reads and validates the web configuration at `path`; relative file paths
// inside it are relative to its directory. An empty `path` is the default:
// plain HTTP, no authentication.
LoadedWebConfig LoadWebConfigFile(const std::string& path);

// The same from text; `base_dir` resolves relative file paths.
LoadedWebConfig LoadWebConfigText(const std::string& yaml_text, const std::string& base_dir);

}  // namespace streamprobe
