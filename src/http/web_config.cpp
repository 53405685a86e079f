#include "http/web_config.h"

#include <crypt.h>
#include <gnutls/gnutls.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "config/file_read.h"
#include "core/large_stack.h"

namespace streamprobe {
namespace {

constexpr std::size_t kMaxWebConfigBytes = 1 << 20;
constexpr std::size_t kMaxPemBytes = 1 << 20;

// TLS versions in exporter-toolkit's spelling, oldest first, with GnuTLS's.
constexpr std::pair<const char*, const char*> kTlsVersions[] = {
    {"TLS10", "VERS-TLS1.0"}, {"TLS11", "VERS-TLS1.1"}, {"TLS12", "VERS-TLS1.2"}, {"TLS13", "VERS-TLS1.3"}};

// Response headers exporter-toolkit allows in http_server_config.headers.
constexpr const char* kAllowedHeaders[] = {"Content-Security-Policy", "Strict-Transport-Security",
                                           "X-Content-Type-Options", "X-Frame-Options",
                                           "X-XSS-Protection"};

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

// Reads a PEM file named by `key`; "" (with an error recorded) on failure.
std::string ReadPem(Decoder& d, const std::string& key, const std::string& base_dir, bool required) {
  const std::string path = d.String(key);
  if (path.empty()) {
    if (required) d.Error(key, "is required");
    return "";
  }
  std::string text;
  const std::string error = ReadConfigFile(Resolve(base_dir, path), kMaxPemBytes, &text);
  if (!error.empty()) d.Error(key, error);
  return text;
}

int VersionIndex(Decoder& d, const std::string& key, int fallback) {
  const std::string name = d.String(key);
  if (name.empty()) return fallback;
  for (int i = 0; i < static_cast<int>(std::size(kTlsVersions)); ++i) {
    if (name == kTlsVersions[i].first) return i;
  }
  d.Error(key, "must be TLS10, TLS11, TLS12 or TLS13");
  return fallback;
}

std::string Priorities(int min_index, int max_index) {
  std::string out = "NORMAL:-VERS-ALL";
  for (int i = max_index; i >= min_index; --i) out += std::string(":+") + kTlsVersions[i].second;
  return out;
}

ClientAuth DecodeClientAuth(Decoder& d) {
  const std::string type = d.String("client_auth_type", "NoClientCert");
  if (type == "NoClientCert") return ClientAuth::kNone;
  if (type == "VerifyClientCertIfGiven") return ClientAuth::kVerifyIfGiven;
  if (type == "RequireAndVerifyClientCert") return ClientAuth::kRequireAndVerify;
  if (type == "RequestClientCert" || type == "RequireAnyClientCert") {
    d.Error("client_auth_type", type + " is not supported: it accepts certificates nobody verified; "
                                "use VerifyClientCertIfGiven or RequireAndVerifyClientCert");
  } else {
    d.Error("client_auth_type", "must be NoClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert");
  }
  return ClientAuth::kNone;
}

// The certificate and key must load together (a mismatched pair, a key in a
// format GnuTLS cannot read): checked here so a reload keeps the old listener.
void CheckKeyPair(Decoder& d, const TlsSettings& tls) {
  gnutls_certificate_credentials_t credentials = nullptr;
  if (gnutls_certificate_allocate_credentials(&credentials) != GNUTLS_E_SUCCESS) {
    d.Error("cert_file", "cannot allocate TLS credentials");
    return;
  }
  std::unique_ptr<gnutls_certificate_credentials_st, void (*)(gnutls_certificate_credentials_t)> owner(
      credentials, gnutls_certificate_free_credentials);
  auto datum = [](const std::string& s) {
    return gnutls_datum_t{reinterpret_cast<unsigned char*>(const_cast<char*>(s.data())),
                          static_cast<unsigned>(s.size())};
  };
  const gnutls_datum_t cert = datum(tls.cert_pem), key = datum(tls.key_pem);
  const int rc = gnutls_certificate_set_x509_key_mem2(credentials, &cert, &key, GNUTLS_X509_FMT_PEM,
                                                      nullptr, 0);
  if (rc < 0) {
    d.Error("key_file", std::string("does not load as a pair with cert_file: ") + gnutls_strerror(rc));
  }
  if (!tls.client_ca_pem.empty()) {
    const gnutls_datum_t ca = datum(tls.client_ca_pem);
    if (gnutls_certificate_set_x509_trust_mem(credentials, &ca, GNUTLS_X509_FMT_PEM) <= 0) {
      d.Error("client_ca_file", "holds no PEM certificate");
    }
  }
}

// An exporter-toolkit option streamprobe does not serve: an error that says
// so. It is read first (as a list or a scalar), so Finish() does not also
// call it unknown.
void RefuseUnsupported(Decoder& d, const std::string& key, const std::string& why, bool list) {
  if (!d.Has(key)) return;
  if (list) {
    d.StringList(key);
  } else {
    d.String(key);
  }
  d.Error(key, "is not supported by streamprobe: " + why);
}

std::optional<TlsSettings> DecodeTls(Decoder d, const std::string& base_dir) {
  const std::string ciphers = "GnuTLS's NORMAL priorities choose ciphers and curves";
  RefuseUnsupported(d, "cipher_suites", ciphers, true);
  RefuseUnsupported(d, "curve_preferences", ciphers, true);
  RefuseUnsupported(d, "prefer_server_cipher_suites", ciphers, false);
  RefuseUnsupported(d, "client_allowed_sans", "restrict clients by their CA", true);
  RefuseUnsupported(d, "cert", "give the certificate as cert_file", false);
  RefuseUnsupported(d, "key", "give the key as key_file (a secret never belongs inline)", false);
  TlsSettings tls;
  tls.cert_pem = ReadPem(d, "cert_file", base_dir, true);
  tls.key_pem = ReadPem(d, "key_file", base_dir, true);
  tls.client_auth = DecodeClientAuth(d);
  tls.client_ca_pem = ReadPem(d, "client_ca_file", base_dir, false);
  if (tls.client_auth != ClientAuth::kNone && !d.Has("client_ca_file")) {
    d.Error("client_ca_file", "is required to verify client certificates");
  }
  const int min_index = VersionIndex(d, "min_version", 2);
  const int max_index = VersionIndex(d, "max_version", 3);
  if (min_index > max_index) d.Error("max_version", "is older than min_version");
  tls.priorities = Priorities(min_index, std::max(min_index, max_index));
  d.Finish();
  if (!tls.cert_pem.empty() && !tls.key_pem.empty()) CheckKeyPair(d, tls);
  return tls;
}

// bcrypt only, as exporter-toolkit: a fast hash in a file is a password leak.
bool IsBcryptHash(const std::string& hash) {
  const bool prefix = hash.rfind("$2y$", 0) == 0 || hash.rfind("$2b$", 0) == 0 || hash.rfind("$2a$", 0) == 0;
  return prefix && crypt_checksalt(hash.c_str()) == CRYPT_SALT_OK;
}

std::map<std::string, std::string> DecodeUsers(Decoder& top) {
  std::map<std::string, std::string> users = top.StringMap("basic_auth_users");
  for (const auto& [user, hash] : users) {
    if (user.empty() || user.find(':') != std::string::npos) {
      top.Error("basic_auth_users", "user names must be non-empty and without ':'");
    }
    if (!IsBcryptHash(hash)) {
      top.Error("basic_auth_users." + user, "is not a bcrypt hash ($2y$, $2b$ or $2a$)");
    }
  }
  return users;
}

std::vector<std::pair<std::string, std::string>> DecodeHeaders(Decoder d) {
  d.Bool("http2", true);  // accepted for compatibility; streamprobe serves HTTP/1.1
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& header : d.StringMap("headers")) {
    const std::string& name = header.first;  // not a structured binding: clang 14 cannot capture one
    const std::string& value = header.second;
    const auto allowed = std::find_if(std::begin(kAllowedHeaders), std::end(kAllowedHeaders),
                                      [&](const char* h) { return Lower(h) == Lower(name); });
    if (allowed == std::end(kAllowedHeaders)) {
      d.Error("headers." + name, "is not one of the security headers exporter-toolkit allows");
      continue;
    }
    if (value.find_first_of("\r\n") != std::string::npos || value.empty()) {
      d.Error("headers." + name, "must be one non-empty line");
      continue;
    }
    out.emplace_back(*allowed, value);
  }
  d.Finish();
  return out;
}

LoadedWebConfig DecodeWebConfig(const YAML::Node& root, const std::string& base_dir) {
  LoadedWebConfig loaded;
  if (!root.IsNull() && root.IsDefined() && !root.IsMap()) {
    loaded.errors.push_back({"", "the web configuration must be a mapping"});
    return loaded;
  }
  Decoder top(root, "", &loaded.errors);
  if (top.Has("tls_server_config")) loaded.config.tls = DecodeTls(top.Child("tls_server_config"), base_dir);
  loaded.config.basic_auth_users = DecodeUsers(top);
  loaded.config.headers = DecodeHeaders(top.Child("http_server_config"));
  top.Finish();
  return loaded;
}

std::string Directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

LoadedWebConfig LoadWebConfigText(const std::string& yaml_text, const std::string& base_dir) {
  LoadedWebConfig loaded;
  const Status ran = RunOnLargeStack([&] {
    try {
      loaded = DecodeWebConfig(YAML::Load(yaml_text), base_dir);
    } catch (const std::exception& e) {
      loaded = LoadedWebConfig{};
      loaded.errors.push_back({"", std::string("not valid YAML: ") + e.what()});
    }
  });
  if (!ran.ok()) loaded.errors.push_back({"", "web configuration could not be read: " + ran.detail()});
  return loaded;
}

LoadedWebConfig LoadWebConfigFile(const std::string& path) {
  if (path.empty()) return {};
  std::string text;
  const std::string error = ReadConfigFile(path, kMaxWebConfigBytes, &text);
  if (!error.empty()) {
    LoadedWebConfig loaded;
    loaded.errors.push_back({"", error});
    return loaded;
  }
  return LoadWebConfigText(text, Directory(path));
}

}  // namespace streamprobe
