// Config pieces shared by every backend that speaks HTTP, so each has the same
// keys and the same checks: `basic_auth` and `tls`.
#pragma once

#include <string>

#include "config/decoder.h"
#include "net/http_client.h"

namespace streamprobe {

struct BasicAuth {
  std::string user;  // empty: no basic auth
  Secret password;   // resolved at load; never logged
};

// What to use instead of credentials in an HTTP backend's URLs.
inline constexpr const char* kUseBasicAuth =
    "use basic_auth with a password given as {file: ...} or {env: ...}";

// Decodes the optional `basic_auth: {user: ..., password: {file|env: ...}}`.
BasicAuth DecodeBasicAuth(Decoder& section);
// Decodes the optional `tls: {ca_file, cert_file, key_file, insecure_skip_verify}`.
TlsOptions DecodeTls(Decoder& section);
// Sets the request's credentials when `auth` has a user.
void ApplyBasicAuth(const BasicAuth& auth, HttpRequest& request);

}  // namespace streamprobe
