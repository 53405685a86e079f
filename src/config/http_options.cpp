#include "config/http_options.h"

namespace streamprobe {

BasicAuth DecodeBasicAuth(Decoder& section) {
  BasicAuth auth;
  Decoder d = section.Child("basic_auth");
  if (section.Has("basic_auth")) {
    auth.user = d.RequiredString("user");
    auth.password = d.SecretValue("password");
    if (auth.password.empty()) d.Error("password", "is required ({file: ...} or {env: ...})");
  }
  d.Finish();
  return auth;
}

TlsOptions DecodeTls(Decoder& section) {
  TlsOptions tls;
  Decoder d = section.Child("tls");
  tls.ca_file = d.String("ca_file");
  tls.cert_file = d.String("cert_file");
  tls.key_file = d.String("key_file");
  tls.insecure_skip_verify = d.Bool("insecure_skip_verify", false);
  d.Finish();
  return tls;
}

void ApplyBasicAuth(const BasicAuth& auth, HttpRequest& request) {
  if (auth.user.empty()) return;
  request.basic_user = auth.user;
  request.basic_password = auth.password.value;
}

}  // namespace streamprobe
