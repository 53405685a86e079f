#include <gtest/gtest.h>

#include "http/basic_auth.h"
#include "http/bcrypt_hash.h"

namespace streamprobe {
namespace {

TEST(BasicAuthVerifier, RightPasswordOnlyForItsUser) {
  BasicAuthVerifier auth({{"alice", BcryptHash("wonderland")}, {"bob", BcryptHash("builder")}});
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
  BasicAuthVerifier auth({{"alice", BcryptHash("wonderland")}});
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
