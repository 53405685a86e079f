// Credentials inside addresses are refused in every backend, with a pointer to
// the right field and without repeating the password anywhere.
#include <gtest/gtest.h>

#include <string>

#include "app/registry.h"
#include "config/config.h"

namespace streamprobe {
namespace {

constexpr const char* kPassword = "s3cr3t-pw";

struct Case {
  const char* section;   // the backend section's YAML, with a credentialed address
  const char* field;     // the field named in the error
  const char* pointer;   // what the message points to instead
};

const Case kCases[] = {
    {"kafka_connect: {workers: [\"http://admin:s3cr3t-pw@127.0.0.1:8083\"]}",
     "clusters[0].kafka_connect.workers[0]", "basic_auth"},
    {"schema_registry: {urls: [\"https://admin:s3cr3t-pw@127.0.0.1:8081\"]}",
     "clusters[0].schema_registry.urls[0]", "basic_auth"},
    {"flink: {jobmanager: \"http://admin:s3cr3t-pw@127.0.0.1:8081\"}",
     "clusters[0].flink.jobmanager", "basic_auth"},
    {"doris: {fe: [\"admin:s3cr3t-pw@127.0.0.1:8030\"]}",
     "clusters[0].doris.fe[0]", "basic_auth"},
    {"kafka: {bootstrap: [\"admin:s3cr3t-pw@127.0.0.1:9092\"]}",
     "clusters[0].kafka.bootstrap[0]", "sasl"},
    {"zookeeper: {members: [\"admin:s3cr3t-pw@127.0.0.1:2181\"]}",
     "clusters[0].zookeeper.members[0]", "host:port"},
    {"kafka: {bootstrap: [\"127.0.0.1:9092\"], zookeeper: {connect: \"u:s3cr3t-pw@127.0.0.1:2181\"}}",
     "clusters[0].kafka.zookeeper.connect", "host:port"},
};

TEST(UrlCredentials, RejectedInEveryBackendWithoutEchoingThePassword) {
  for (const Case& c : kCases) {
    const std::string yaml = std::string("clusters:\n  - name: dp\n    ") + c.section + "\n";
    LoadedConfig loaded = LoadConfigText(yaml, Backends());
    ASSERT_FALSE(loaded.ok()) << c.section;
    const std::string errors = FormatErrors(loaded.errors);
    const std::string expected = std::string(c.field) + ": must not carry credentials";
    EXPECT_NE(errors.find(expected), std::string::npos) << errors;
    EXPECT_NE(errors.find(c.pointer), std::string::npos) << errors;
    EXPECT_EQ(errors.find(kPassword), std::string::npos) << "password echoed: " << errors;
  }
}

TEST(UrlCredentials, DetectsOnlyTheAuthorityPart) {
  EXPECT_TRUE(HasCredentials("http://u:p@h:1"));
  EXPECT_TRUE(HasCredentials("u@h:1"));
  EXPECT_TRUE(HasCredentials("https://u@h/path"));
  EXPECT_FALSE(HasCredentials("http://h:1/path@x"));
  EXPECT_FALSE(HasCredentials("http://h:1/?q=a@b"));
  EXPECT_FALSE(HasCredentials("127.0.0.1:9092"));
}

TEST(UrlCredentials, PlainAddressesStillLoad) {
  LoadedConfig loaded = LoadConfigText(
      "clusters:\n  - name: dp\n"
      "    kafka_connect: {workers: [\"http://127.0.0.1:8083\"],"
      " basic_auth: {user: admin, password: {env: HOME}}}\n",
      Backends());
  EXPECT_TRUE(loaded.ok()) << FormatErrors(loaded.errors);
}

}  // namespace
}  // namespace streamprobe
