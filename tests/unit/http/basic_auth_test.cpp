#include <crypt.h>

#include <gtest/gtest.h>

#include "http/basic_auth.h"

namespace streamprobe {
namespace {

// A bcrypt hash as htpasswd -B writes it ($2y$), cost 5 to keep tests fast.
std::string Bcrypt(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2y$", 5, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  EXPECT_NE(hash, nullptr);
  return hash;
}

TEST(BasicAuthVerifier, RightPasswordOnlyForItsUser) {
  BasicAuthVerifier auth({{"alice", Bcrypt("wonderland")}, {"bob", Bcrypt("builder")}});
  ASSERT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.Check("alice", "wonderland"));
  EXPECT_TRUE(auth.Check("alice", "wonderland"));  // again, from the cache
  EXPECT_TRUE(auth.Check("bob", "builder"));
  EXPECT_FALSE(auth.Check("alice", "builder"));
  EXPECT_FALSE(auth.Check("alice", ""));
  EXPECT_FALSE(auth.Check("alice", "wonderlan"));
  EXPECT_FALSE(auth.Check("mallory", "wonderland"));
  EXPECT_FALSE(auth.Check("", ""));
}

TEST(BasicAuthVerifier, AnUnknownUserCostsABcryptCheckToo) {
  BasicAuthVerifier auth({{"alice", Bcrypt("wonderland")}});
  // the dummy hash is real bcrypt work; its own password must not open anything
  EXPECT_FALSE(auth.Check("nobody", "streamprobe-no-such-user"));
}

TEST(BasicAuthVerifier, NoUsersMeansNoAuthentication) {
  BasicAuthVerifier auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Check("", ""));
}

}  // namespace
}  // namespace streamprobe
