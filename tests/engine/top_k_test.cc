#include "engine/index/top_k.h"

#include "gtest/gtest.h"

namespace passerelle::engine::top_k_test {
namespace {

TEST(TopKTest, KeepsTheBestKWithTiesBrokenById) {
  const std::vector<std::string> ids = {"e", "b", "a", "d", "c", "f"};
  const std::vector<float> scores = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f, 0.7f};
  TopK<int> top(4);
  for (size_t i = 0; i < ids.size(); ++i) top.Push(scores[i], ids[i], static_cast<int>(i));
  std::vector<std::string> got;
  for (const auto& e : top.Take()) got.emplace_back(e.id);
  EXPECT_EQ(got, (std::vector<std::string>{"b", "c", "f", "a"}));
}

TEST(TopKTest, ZeroKAcceptsNothing) {
  TopK<int> top(0);
  EXPECT_FALSE(top.MayAccept(1.0f));
  const std::string id = "x";
  top.Push(1.0f, id, 0);
  EXPECT_TRUE(top.Take().empty());
}

}  // namespace
}  // namespace passerelle::engine::top_k_test
