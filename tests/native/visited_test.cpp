// VisitedSet: TestAndSet and the branch-free GatherUnvisited against a
// std::set reference, across epochs and the 8-bit epoch wrap-around.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "minivectordb/hnsw.hpp"
#include "minivectordb/visited.hpp"

namespace {

using mvdb::Neighbor;
using mvdb::VisitedSet;

TEST(VisitedSet, GatherUnvisitedMatchesASetReference) {
  constexpr uint32_t kLabels = 500;
  VisitedSet v;
  ASSERT_TRUE(v.Reserve(kLabels).ok());
  std::mt19937 rng(7);
  // 70,000 queries: the 8-bit epoch wraps around many times on the way.
  for (int query = 0; query < 70000; ++query) {
    v.NewEpoch();
    std::set<uint32_t> seen;
    const int lists = query % 1000 == 0 ? 20 : 2;  // a few long queries, the rest short
    for (int l = 0; l < lists; ++l) {
      std::vector<uint32_t> labels(rng() % 40);
      for (uint32_t& x : labels) x = rng() % kLabels;  // repeats within a list too
      std::vector<Neighbor> out(labels.size() + 1, Neighbor{-1.f, 12345});
      const uint32_t count = v.GatherUnvisited(labels.data(), static_cast<uint32_t>(labels.size()), out.data());
      std::vector<uint32_t> expected;
      for (uint32_t x : labels)
        if (seen.insert(x).second) expected.push_back(x);
      ASSERT_EQ(count, expected.size()) << "query " << query;
      for (uint32_t i = 0; i < count; ++i) {
        ASSERT_EQ(out[i].label, expected[i]);
        ASSERT_EQ(out[i].distance, 0.f);
      }
      ASSERT_EQ(out[labels.size()].label, 12345u) << "wrote past n entries";
    }
    // TestAndSet agrees with the reference afterwards.
    const uint32_t probe = rng() % kLabels;
    ASSERT_EQ(v.TestAndSet(probe), seen.count(probe) == 1);
  }
}

TEST(VisitedSet, NewEpochForgetsEverything) {
  VisitedSet v;
  ASSERT_TRUE(v.Reserve(10).ok());
  v.NewEpoch();
  const uint32_t labels[] = {3, 3, 9, 0};
  Neighbor out[4];
  EXPECT_EQ(v.GatherUnvisited(labels, 4, out), 3u);
  EXPECT_EQ(v.GatherUnvisited(labels, 4, out), 0u);
  v.NewEpoch();
  EXPECT_EQ(v.GatherUnvisited(labels, 4, out), 3u);
  EXPECT_EQ(out[0].label, 3u);
  EXPECT_EQ(out[1].label, 9u);
  EXPECT_EQ(out[2].label, 0u);
}

}  // namespace
