#include <gtest/gtest.h>

#include "http/bcrypt_hash.h"
#include "http/web_config.h"

namespace streamprobe {
namespace {

const std::string kDir = std::string(STREAMPROBE_FIXTURES) + "/web";

std::string Errors(const LoadedWebConfig& loaded) { return FormatErrors(loaded.errors); }

TEST(WebConfig, NoFileIsPlainHttpWithoutAuth) {
  const LoadedWebConfig loaded = LoadWebConfigFile("");
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded.config.tls);
  EXPECT_TRUE(loaded.config.basic_auth_users.empty());
}

TEST(WebConfig, ExporterToolkitFileWithEveryServedOption) {
  const std::string hash = BcryptHash("secret", "$2b$");
  const LoadedWebConfig loaded = LoadWebConfigText(
      "tls_server_config:\n"
      "  cert_file: server.pem\n"  // relative: to the web configuration's directory
      "  key_file: " + kDir + "/server-key.pem\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_ca_file: ca.pem\n"
      "  min_version: TLS13\n"
      "http_server_config:\n"
      "  http2: true\n"
      "  headers:\n"
      "    X-Frame-Options: deny\n"
      "    strict-transport-security: max-age=31536000\n"
      "basic_auth_users:\n"
      "  prometheus: " + hash + "\n",
      kDir);
  ASSERT_TRUE(loaded.ok()) << Errors(loaded);
  ASSERT_TRUE(loaded.config.tls);
  EXPECT_NE(loaded.config.tls->cert_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(loaded.config.tls->key_pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(loaded.config.tls->client_ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(loaded.config.tls->client_auth, ClientAuth::kRequireAndVerify);
  EXPECT_EQ(loaded.config.tls->priorities, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
  EXPECT_EQ(loaded.config.basic_auth_users.at("prometheus"), hash);
  ASSERT_EQ(loaded.config.headers.size(), 2u);
  EXPECT_EQ(loaded.config.headers[1].first, "Strict-Transport-Security");  // canonical spelling
}

TEST(WebConfig, DefaultTlsVersionsAreTls12AndTls13) {
  const LoadedWebConfig loaded = LoadWebConfigText(
      "tls_server_config: {cert_file: server.pem, key_file: server-key.pem}\n", kDir);
  ASSERT_TRUE(loaded.ok()) << Errors(loaded);
  EXPECT_EQ(loaded.config.tls->priorities, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
  EXPECT_EQ(loaded.config.tls->client_auth, ClientAuth::kNone);
}

TEST(WebConfig, EveryErrorAtOnceWithoutValues) {
  const LoadedWebConfig loaded = LoadWebConfigText(
      "tls_server_config:\n"
      "  cert_file: server.pem\n"
      "  key_file: client-key.pem\n"  // the client's key: not the server certificate's pair
      "  client_auth_type: RequireAnyClientCert\n"
      "  min_version: TLS13\n"
      "  max_version: TLS12\n"
      "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n"
      "  key: PLANTED-INLINE-KEY\n"
      "http_server_config:\n"
      "  headers: {X-Powered-By: streamprobe}\n"
      "basic_auth_users:\n"
      "  alice: PLANTED-NOT-A-HASH\n"
      "  bob: $1$md5salt$notbcrypt\n"
      "tls_config: {}\n",
      kDir);
  const std::string errors = Errors(loaded);
  for (const char* field : {"tls_server_config.key_file", "tls_server_config.client_auth_type",
                            "tls_server_config.max_version", "tls_server_config.cipher_suites",
                            "tls_server_config.key", "http_server_config.headers.X-Powered-By",
                            "basic_auth_users.alice", "basic_auth_users.bob", "tls_config"}) {
    EXPECT_NE(errors.find(field), std::string::npos) << field << " in:\n" << errors;
  }
  EXPECT_EQ(errors.find("PLANTED"), std::string::npos) << "no value in an error:\n" << errors;
}

TEST(WebConfig, MissingFilesAndCaAreNamed) {
  const LoadedWebConfig loaded = LoadWebConfigText(
      "tls_server_config:\n"
      "  cert_file: no-such.pem\n"
      "  client_auth_type: VerifyClientCertIfGiven\n",
      kDir);
  const std::string errors = Errors(loaded);
  EXPECT_NE(errors.find("tls_server_config.cert_file"), std::string::npos) << errors;
  EXPECT_NE(errors.find("no-such.pem"), std::string::npos) << errors;
  EXPECT_NE(errors.find("tls_server_config.key_file: is required"), std::string::npos) << errors;
  EXPECT_NE(errors.find("tls_server_config.client_ca_file: is required"), std::string::npos) << errors;
}

TEST(WebConfig, AKeyThatIsNoKeyIsRefusedWithoutItsContent) {
  const LoadedWebConfig loaded = LoadWebConfigText(
      "tls_server_config: {cert_file: server.pem, key_file: generate.sh}\n", kDir);
  const std::string errors = Errors(loaded);
  EXPECT_NE(errors.find("key_file: does not load as a pair"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("openssl"), std::string::npos) << "the file's text stays out:\n" << errors;
}

TEST(WebConfig, NotYamlOrNotAMapping) {
  EXPECT_FALSE(LoadWebConfigText("tls_server_config: [", kDir).ok());
  EXPECT_FALSE(LoadWebConfigText("- a\n- b\n", kDir).ok());
  EXPECT_TRUE(LoadWebConfigText("", kDir).ok());
}

}  // namespace
}  // namespace streamprobe
