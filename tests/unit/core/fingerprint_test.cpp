// Target fingerprints: equal for an unchanged section, different when the
// section, its inherited schedule or one of its secrets changes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "app/registry.h"
#include "config/config.h"

namespace streamprobe {
namespace {

// Fingerprint by system (each system has one target here).
std::map<std::string, std::string> Fingerprints(const std::string& yaml) {
  LoadedConfig loaded = LoadConfigText(yaml, Backends());
  EXPECT_TRUE(loaded.ok()) << FormatErrors(loaded.errors);
  std::map<std::string, std::string> out;
  for (const TargetSpec& t : loaded.plan.targets) out[t.system] = t.fingerprint;
  return out;
}

const char* kTwoBackends =
    "clusters:\n"
    "  - name: dp\n"
    "    flink: {jobmanager: \"http://127.0.0.1:1\"}\n"
    "    schema_registry: {urls: [\"http://127.0.0.1:2\"]%s}\n";

std::string WithRegistryExtra(const std::string& extra) {
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), kTwoBackends, extra.c_str());
  return buffer;
}

TEST(TargetFingerprint, SameConfigSameFingerprints) {
  auto a = Fingerprints(WithRegistryExtra(""));
  auto b = Fingerprints(WithRegistryExtra(""));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a, b);
  for (const auto& [id, fp] : a) EXPECT_FALSE(fp.empty()) << id;
}

TEST(TargetFingerprint, ChangingOneSectionChangesOnlyItsTargets) {
  auto a = Fingerprints(WithRegistryExtra(""));
  auto b = Fingerprints(WithRegistryExtra(", interval: 30s"));
  EXPECT_EQ(a.at("flink"), b.at("flink"));
  EXPECT_NE(a.at("schema_registry"),
            b.at("schema_registry"));
}

TEST(TargetFingerprint, ChangingASecretValueChangesTheFingerprint) {
  const std::string yaml = WithRegistryExtra(
      ", basic_auth: {user: u, password: {env: STREAMPROBE_FP_TEST_SECRET}}");
  setenv("STREAMPROBE_FP_TEST_SECRET", "one", 1);
  auto a = Fingerprints(yaml);
  setenv("STREAMPROBE_FP_TEST_SECRET", "two", 1);
  auto b = Fingerprints(yaml);
  unsetenv("STREAMPROBE_FP_TEST_SECRET");
  const std::string id = "schema_registry";
  EXPECT_NE(a.at(id), b.at(id));
  EXPECT_EQ(a.at(id).find("one"), std::string::npos) << "secret values never enter fingerprints";
  EXPECT_EQ(a.at("flink"), b.at("flink"));
}

}  // namespace
}  // namespace streamprobe
