// Hostile and mistaken configurations: every one is a listed error with its
// field, never an exception, a crash or a silently wrapped value.
#include <gtest/gtest.h>

#include <unistd.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "app/registry.h"
#include "config/config.h"

namespace streamprobe {
namespace {

// A configuration with one ZooKeeper section whose extra YAML is `section`.
std::string Zookeeper(const std::string& section) {
  return "clusters:\n  - name: dp\n    zookeeper:\n      members: [\"127.0.0.1:2181\"]\n" +
         section;
}

// The errors of `yaml` as "field: message" lines.
std::string ErrorsOf(const std::string& yaml) {
  LoadedConfig loaded;
  EXPECT_NO_THROW(loaded = LoadConfigText(yaml, Backends()));
  EXPECT_FALSE(loaded.ok()) << yaml;
  return FormatErrors(loaded.errors);
}

TEST(ConfigErrors, DurationBeyondLongLongIsOutOfRange) {
  const std::string errors = ErrorsOf(Zookeeper("      interval: 99999999999999999999s\n"));
  EXPECT_NE(errors.find("clusters[0].zookeeper.interval: is out of range"), std::string::npos)
      << errors;
}

TEST(ConfigErrors, DurationThatWouldWrapIsOutOfRangeNotAValidValue) {
  // 2562047788015216h overflows 64-bit milliseconds and used to wrap to 1,792,000 ms.
  const std::string errors = ErrorsOf(Zookeeper("      interval: 2562047788015216h\n"));
  EXPECT_NE(errors.find("clusters[0].zookeeper.interval: is out of range"), std::string::npos)
      << errors;
  EXPECT_NE(ErrorsOf("defaults: {timeout: 106751991167301d}\nclusters: []\n")
                .find("defaults.timeout: is out of range"),
            std::string::npos);
}

TEST(ConfigErrors, NonScalarKeysAreErrorsAtEveryLevel) {
  EXPECT_NE(ErrorsOf("? [x, y]\n: 1\nclusters: []\n").find("config: keys must be strings"),
            std::string::npos);
  EXPECT_NE(ErrorsOf(Zookeeper("      ? {a: 1}\n      : 2\n"))
                .find("clusters[0].zookeeper: keys must be strings"),
            std::string::npos);
  // A string map (librdkafka client properties).
  EXPECT_NE(ErrorsOf("clusters:\n  - name: dp\n    kafka:\n      bootstrap: [\"127.0.0.1:9092\"]\n"
                     "      client: {? [a]: b}\n")
                .find("clusters[0].kafka.client: keys must be strings"),
            std::string::npos);
}

TEST(ConfigErrors, DuplicateKeysAreErrors) {
  const std::string errors = ErrorsOf(Zookeeper("      interval: 1s\n      interval: 2s\n"));
  EXPECT_NE(errors.find("clusters[0].zookeeper.interval: is given more than once"),
            std::string::npos)
      << errors;
}

TEST(ConfigErrors, IntegerBeyondLongLongIsAnError) {
  const std::string errors = ErrorsOf(
      "clusters:\n  - name: dp\n    kafka_connect:\n      workers: [\"http://127.0.0.1:1\"]\n"
      "      max_body_bytes: 99999999999999999999999\n");
  EXPECT_NE(errors.find("clusters[0].kafka_connect.max_body_bytes"), std::string::npos) << errors;
}

TEST(ConfigErrors, MalformedYamlAndWrongShapesAreErrors) {
  for (const char* yaml : {"clusters: [", "\t- x", "clusters: 3", "clusters: [1, 2]",
                           "clusters:\n  - name: [a]\n", "- a\n- b\n", "\"unterminated",
                           "clusters:\n  - name: dp\n    zookeeper: [1]\n",
                           "clusters:\n  - name: dp\n    zookeeper: {members: {a: b}}\n",
                           "&a [*a]", "\xff\xfe\x00garbage"}) {
    LoadedConfig loaded;
    EXPECT_NO_THROW(loaded = LoadConfigText(yaml, Backends())) << yaml;
    EXPECT_FALSE(loaded.ok()) << yaml;
  }
}

TEST(ConfigErrors, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string deep = "clusters: " + std::string(100000, '[') + std::string(100000, ']');
  LoadedConfig loaded;
  EXPECT_NO_THROW(loaded = LoadConfigText(deep, Backends()));
  EXPECT_FALSE(loaded.ok());
}

TEST(ConfigErrors, OversizedTextIsRejected) {
  const std::string huge = "# " + std::string(kMaxConfigBytes, 'x') + "\nclusters: []\n";
  const std::string errors = ErrorsOf(huge);
  EXPECT_NE(errors.find("larger than"), std::string::npos) << errors;
}

TEST(ConfigErrors, AllErrorsAreListedAtOnce) {
  LoadedConfig loaded = LoadConfigText(
      "clusters:\n  - name: dp\n    zookeeper:\n      members: [\"127.0.0.1:2181\"]\n"
      "      interval: 99999999999999999999s\n      bogus: 1\n  - name: dp\n", Backends());
  const std::string errors = FormatErrors(loaded.errors);
  EXPECT_NE(errors.find("interval: is out of range"), std::string::npos) << errors;
  EXPECT_NE(errors.find("bogus: unknown field"), std::string::npos) << errors;
  EXPECT_NE(errors.find("duplicate cluster name"), std::string::npos) << errors;
}

// libstdc++ compiles regular expressions recursively: 20,000 nested groups
// overflowed the stack of --config.check and of a reload.
TEST(ConfigErrors, RegexNestingAndLengthAreBoundedBeforeCompiling) {
  const std::string kafka =
      "clusters:\n  - name: dp\n    kafka:\n      bootstrap: [\"127.0.0.1:9092\"]\n"
      "      consumer_groups: {allow: \"";
  const std::string nested = std::string(20000, '(') + std::string(20000, ')');
  std::string errors = ErrorsOf(kafka + nested + "\"}\n");
  EXPECT_NE(errors.find("consumer_groups.allow: is longer than 1024 characters"),
            std::string::npos)
      << errors.substr(0, 300);
  errors = ErrorsOf(kafka + std::string(40, '(') + "a" + std::string(40, ')') + "\"}\n");
  EXPECT_NE(errors.find("consumer_groups.allow: nests groups deeper than 32"), std::string::npos)
      << errors;
  LoadedConfig fine = LoadConfigText(kafka + "^(a|b)(c\\\\()\"}\n", Backends());
  EXPECT_TRUE(fine.ok()) << FormatErrors(fine.errors);
}

class ConfigFileErrors : public ::testing::Test {
 protected:
  std::string dir_ = ::testing::TempDir();
};

TEST_F(ConfigFileErrors, MissingFileNamesThePath) {
  LoadedConfig loaded = LoadConfigFile(dir_ + "/absent.yml", Backends());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(FormatErrors(loaded.errors).find("absent.yml"), std::string::npos);
}

TEST_F(ConfigFileErrors, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = dir_ + "/config-fifo-" + std::to_string(::getpid());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  LoadedConfig loaded = LoadConfigFile(fifo, Backends());
  ::unlink(fifo.c_str());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(FormatErrors(loaded.errors).find("not a regular file"), std::string::npos);
}

TEST_F(ConfigFileErrors, DeviceAndDirectoryAreRefused) {
  for (const std::string& path : {std::string("/dev/zero"), dir_}) {
    LoadedConfig loaded = LoadConfigFile(path, Backends());
    ASSERT_FALSE(loaded.ok()) << path;
    EXPECT_NE(FormatErrors(loaded.errors).find("cannot read"), std::string::npos) << path;
  }
}

TEST_F(ConfigFileErrors, OversizedFileIsRefused) {
  const std::string path = dir_ + "/big-" + std::to_string(::getpid()) + ".yml";
  {
    std::ofstream out(path);
    out << "# " << std::string(kMaxConfigBytes + 1, 'x') << "\n";
  }
  LoadedConfig loaded = LoadConfigFile(path, Backends());
  std::remove(path.c_str());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(FormatErrors(loaded.errors).find("larger than"), std::string::npos);
}

TEST_F(ConfigFileErrors, SecretFromADeviceIsAnErrorOfItsField) {
  const std::string errors = ErrorsOf(
      "clusters:\n  - name: dp\n    flink:\n      jobmanager: \"http://127.0.0.1:1\"\n"
      "      basic_auth: {user: u, password: {file: /dev/zero}}\n");
  EXPECT_NE(errors.find("clusters[0].flink.basic_auth.password.file: cannot read /dev/zero"),
            std::string::npos)
      << errors;
}

}  // namespace
}  // namespace streamprobe
