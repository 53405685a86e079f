#include <gtest/gtest.h>

#include "net/json.h"

namespace streamprobe {
namespace {

TEST(ParseJsonBoundedTest, ParsesOrdinaryBodies) {
  auto j = ParseJsonBounded(R"({"a":[1,{"b":"[[[["}]})");
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["a"][1]["b"], "[[[[");
}

TEST(ParseJsonBoundedTest, RejectsInvalidJson) {
  EXPECT_TRUE(ParseJsonBounded("<html>").is_discarded());
  EXPECT_TRUE(ParseJsonBounded(R"({"a":)").is_discarded());
  EXPECT_TRUE(ParseJsonBounded("").is_discarded());
}

TEST(ParseJsonBoundedTest, RejectsDeepNestingWithoutRecursing) {
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  EXPECT_TRUE(ParseJsonBounded(deep).is_discarded());
  EXPECT_EQ(JsonNestingDepth(R"({"s":"{{{{\"{{"})"), 1u);
  EXPECT_FALSE(ParseJsonBounded(std::string(64, '[') + std::string(64, ']')).is_discarded());
  EXPECT_TRUE(ParseJsonBounded(std::string(65, '[') + std::string(65, ']')).is_discarded());
}

}  // namespace
}  // namespace streamprobe
