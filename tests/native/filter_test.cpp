// Tombstones, allow-list bitsets and the flat/graph planner of Index::Search,
// against the brute-force reference restricted to the admitted labels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "minivectordb/index.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::SearchPlan;
using mvdb_test::Bitset;
using mvdb_test::BruteForce;
using mvdb_test::RefHit;

constexpr uint32_t kN = 4000;
constexpr uint32_t kDim = 16;
constexpr uint32_t kQueries = 60;
constexpr uint32_t kK = 10;
constexpr uint32_t kEf = 64;  // ef * M = 1024: the planner's flat/graph threshold

class FilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    all_ = mvdb_test::ClusteredData(kN + kQueries, kDim, 30, 2718);
    data_.assign(all_.begin(), all_.begin() + static_cast<size_t>(kN) * kDim);
    ASSERT_TRUE(index_.Init(mvdb_test::Config(kDim, Metric::kL2, 16, 100, 9)).ok());
    ASSERT_TRUE(index_.Add(data_.data(), kN).ok());
  }
  const float* Query(uint32_t q) const { return all_.data() + static_cast<size_t>(kN + q) * kDim; }

  // `got` must be the exact answer: same length as `ref`, the same sorted
  // distances, and only labels within the reference radius (robust to ties).
  template <typename Admit>
  void ExpectExact(const GrowableArray<Neighbor>& got, const std::vector<RefHit>& ref, Admit admit) {
    ASSERT_EQ(got.size(), ref.size());
    std::set<uint32_t> seen;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(admit(got[i].label)) << "label " << got[i].label << " not admitted";
      EXPECT_TRUE(seen.insert(got[i].label).second);
      EXPECT_NEAR(got[i].distance, ref[i].distance, 1e-4 * std::max(1.0, ref[i].distance)) << "rank " << i;
    }
    if (!ref.empty() && !got.empty()) { EXPECT_EQ(got[0].label, ref[0].label); }
  }

  std::vector<float> all_, data_;
  Index index_;
};

TEST_F(FilterTest, SelectiveFilterIsServedExactlyByFlatScan) {
  // 1% of the labels: 40 <= ef * M, so the planner scans them all.
  Bitset allowed(kN);
  mvdb_test::Gaussian g(1);
  std::set<uint32_t> chosen;
  while (chosen.size() < kN / 100) chosen.insert(static_cast<uint32_t>(g.Bits() % kN));
  for (uint32_t l : chosen) allowed.Set(l);
  auto admit = [&](uint32_t l) { return allowed.Test(l); };

  GrowableArray<Neighbor> got;
  for (uint32_t q = 0; q < kQueries; ++q) {
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(q), kK, kEf, allowed.words.data(), 40, &got, &plan).ok());
    EXPECT_EQ(plan, SearchPlan::kFlat);
    ExpectExact(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK, admit), admit);
  }
}

// 10% of a larger set (1500 > ef * M): the graph plan walks the admitted
// subgraph through two-hop lists (hnsw.hpp, GatherAdmitted). Every admitted
// hit, recall@10 >= 0.95 against brute force over the admitted labels, and
// no fallback to the flat scan.
TEST(FilterSubgraph, TenPercentThroughGraph) {
  constexpr uint32_t n = 15000, dim = 24, nq = 50;
  const std::vector<float> all = mvdb_test::ClusteredData(n + nq, dim, 40, 77, 0.6);
  const std::vector<float> data(all.begin(), all.begin() + static_cast<size_t>(n) * dim);
  Index index;
  ASSERT_TRUE(index.Init(mvdb_test::Config(dim, Metric::kL2, 12, 80, 4)).ok());
  ASSERT_TRUE(index.Add(data.data(), n).ok());
  {
    Bitset allowed(n);
    mvdb_test::Gaussian g(12);
    uint32_t count = 0;
    for (uint32_t l = 0; l < n; ++l)
      if (g.Uniform01() < 0.1) {
        allowed.Set(l);
        ++count;
      }
    ASSERT_GT(count, kEf * 12);
    auto admit = [&](uint32_t l) { return allowed.Test(l); };
    GrowableArray<Neighbor> got;
    double recall = 0;
    for (uint32_t q = 0; q < nq; ++q) {
      const float* query = all.data() + static_cast<size_t>(n + q) * dim;
      SearchPlan plan;
      ASSERT_TRUE(mvdb_test::SearchOne(index, query, kK, kEf, allowed.words.data(), count, &got, &plan).ok());
      EXPECT_EQ(plan, SearchPlan::kGraph);
      ASSERT_EQ(got.size(), kK);
      for (const Neighbor& nb : got) ASSERT_TRUE(admit(nb.label)) << nb.label;
      for (size_t i = 1; i < got.size(); ++i) EXPECT_LE(got[i - 1].distance, got[i].distance);
      recall += mvdb_test::Recall(got, BruteForce(Metric::kL2, data, dim, query, kK, admit));
    }
    EXPECT_GE(recall / nq, 0.95);
  }
}

// 30% match: the walk measures matching nodes only (GatherAdmitted); 50% and
// 80%: at least half match, so it measures every neighbour and filters the
// results (LabelFilter::dense). Both against a brute force over the matches.
TEST_F(FilterTest, PartialFiltersThroughGraph) {
  for (const double fraction : {0.3, 0.5, 0.8}) {
    Bitset allowed(kN);
    mvdb_test::Gaussian g(2);
    uint32_t count = 0;
    for (uint32_t l = 0; l < kN; ++l)
      if (g.Uniform01() < fraction) {
        allowed.Set(l);
        ++count;
      }
    ASSERT_GT(count, 1024u);  // more than ef * M: the graph plan
    auto admit = [&](uint32_t l) { return allowed.Test(l); };

    GrowableArray<Neighbor> got;
    double recall = 0;
    for (uint32_t q = 0; q < kQueries; ++q) {
      SearchPlan plan;
      ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(q), kK, kEf, allowed.words.data(), count, &got, &plan).ok());
      EXPECT_EQ(plan, SearchPlan::kGraph);
      ASSERT_EQ(got.size(), kK);
      for (const Neighbor& nb : got) ASSERT_TRUE(admit(nb.label)) << nb.label;
      for (size_t i = 1; i < got.size(); ++i) EXPECT_LE(got[i - 1].distance, got[i].distance);
      recall += mvdb_test::Recall(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK, admit));
    }
    EXPECT_GE(recall / kQueries, 0.95) << "fraction " << fraction;
  }
}

TEST_F(FilterTest, FewerMatchesThanKReturnsAllMatches) {
  Bitset allowed(kN);
  const uint32_t labels[] = {0, 17, 1999, 3998, 3999};
  for (uint32_t l : labels) allowed.Set(l);
  GrowableArray<Neighbor> got;
  ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(0), kK, kEf, allowed.words.data(), 5, &got).ok());
  ASSERT_EQ(got.size(), 5u);
  std::set<uint32_t> labels_got;
  for (const Neighbor& nb : got) labels_got.insert(nb.label);
  EXPECT_EQ(labels_got, std::set<uint32_t>(std::begin(labels), std::end(labels)));
  // An empty allow-list yields no result, not an error.
  Bitset none(kN);
  ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(0), kK, kEf, none.words.data(), 0, &got).ok());
  EXPECT_TRUE(got.empty());
}

TEST_F(FilterTest, TombstonesAreNeverReturned) {
  // Delete 40% of the labels: 2400 live > ef * M, the graph plan.
  mvdb_test::Gaussian g(3);
  std::vector<bool> dead(kN, false);
  uint32_t deleted = 0;
  for (uint32_t l = 0; l < kN; ++l)
    if (g.Uniform01() < 0.4) {
      ASSERT_TRUE(index_.MarkDeleted(l).ok());
      dead[l] = true;
      ++deleted;
    }
  EXPECT_EQ(index_.deleted_count(), deleted);
  EXPECT_EQ(index_.live_count(), kN - deleted);
  EXPECT_EQ(index_.size(), kN);
  for (uint32_t l = 0; l < kN; ++l) ASSERT_EQ(index_.IsDeleted(l), dead[l]);
  auto admit = [&](uint32_t l) { return !dead[l]; };

  GrowableArray<Neighbor> got;
  double recall = 0;
  for (uint32_t q = 0; q < kQueries; ++q) {
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(q), kK, kEf, nullptr, 0, &got, &plan).ok());
    EXPECT_EQ(plan, SearchPlan::kGraph);
    ASSERT_EQ(got.size(), kK);
    for (const Neighbor& nb : got) ASSERT_FALSE(dead[nb.label]) << "deleted label " << nb.label << " returned";
    recall += mvdb_test::Recall(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK, admit));
  }
  EXPECT_GE(recall / kQueries, 0.95);

  // A stored vector whose label is deleted is not found as its own neighbour.
  uint32_t victim = 0;
  while (!dead[victim]) ++victim;
  ASSERT_TRUE(mvdb_test::SearchOne(index_, data_.data() + static_cast<size_t>(victim) * kDim, kK, kEf, nullptr, 0, &got).ok());
  for (const Neighbor& nb : got) EXPECT_NE(nb.label, victim);
}

TEST_F(FilterTest, MostlyDeletedFallsToExactScan) {
  // Keep 3%: 120 live labels, within ef * M.
  std::vector<bool> dead(kN, true);
  for (uint32_t l = 0; l < kN; ++l) {
    if (l % 33 == 5) {
      dead[l] = false;
      continue;
    }
    ASSERT_TRUE(index_.MarkDeleted(l).ok());
  }
  auto admit = [&](uint32_t l) { return !dead[l]; };
  GrowableArray<Neighbor> got;
  for (uint32_t q = 0; q < 10; ++q) {
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(q), kK, kEf, nullptr, 0, &got, &plan).ok());
    EXPECT_EQ(plan, SearchPlan::kFlat);
    ExpectExact(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK, admit), admit);
  }
  // Delete the rest: searches succeed with no result.
  for (uint32_t l = 0; l < kN; ++l)
    if (!dead[l]) { ASSERT_TRUE(index_.MarkDeleted(l).ok()); }
  EXPECT_EQ(index_.live_count(), 0u);
  ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(0), kK, kEf, nullptr, 0, &got).ok());
  EXPECT_TRUE(got.empty());
}

TEST_F(FilterTest, FilterAndTombstonesCombine) {
  Bitset allowed(kN);
  std::vector<bool> dead(kN, false);
  uint32_t live_allowed = 0;
  for (uint32_t l = 0; l < kN; ++l) {
    if (l % 2 == 0) allowed.Set(l);
    if (l % 5 == 0) {
      ASSERT_TRUE(index_.MarkDeleted(l).ok());
      dead[l] = true;
    }
    live_allowed += (l % 2 == 0 && l % 5 != 0) ? 1 : 0;
  }
  auto admit = [&](uint32_t l) { return allowed.Test(l) && !dead[l]; };
  GrowableArray<Neighbor> got;
  double recall = 0;
  for (uint32_t q = 0; q < kQueries; ++q) {
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(index_, Query(q), kK, kEf, allowed.words.data(), live_allowed, &got, &plan).ok());
    EXPECT_NE(plan, SearchPlan::kFlat);  // 1600 > ef * M
    ASSERT_EQ(got.size(), kK);
    for (const Neighbor& nb : got) ASSERT_TRUE(admit(nb.label)) << nb.label;
    recall += mvdb_test::Recall(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK, admit));
  }
  EXPECT_GE(recall / kQueries, 0.95);
  // SearchExact honours both too, exactly.
  for (uint32_t q = 0; q < 5; ++q) {
    ASSERT_TRUE(mvdb_test::SearchExactOne(index_, Query(q), kK, allowed.words.data(), &got).ok());
    ExpectExact(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK, admit), admit);
  }
}

// Inserting after many deletes: tombstones keep routing (hnsw.hpp: the new
// node may link to them), every new node gets layer-0 links and is found by a
// graph search, and no tombstone is ever returned.
TEST_F(FilterTest, InsertAfterDeletesStaysSearchable) {
  index_.set_reuse_deleted(false);  // new labels beside the tombstones (reuse: reuse_test.cpp)
  std::vector<bool> dead(kN + 300, false);
  for (uint32_t l = 0; l < kN; l += 2) {
    ASSERT_TRUE(index_.MarkDeleted(l).ok());
    dead[l] = true;
  }
  const std::vector<float> more = mvdb_test::ClusteredData(300, kDim, 30, 2718 + 1);
  ASSERT_TRUE(index_.Add(more.data(), 300).ok());
  ASSERT_EQ(index_.live_count(), kN / 2 + 300);
  const mvdb::HnswGraph& g = index_.graph();
  GrowableArray<Neighbor> got;
  uint32_t found = 0;
  for (uint32_t l = kN; l < kN + 300; ++l) {
    uint32_t n = 0;
    g.Links(l, 0, &n);
    EXPECT_GT(n, 0u) << "new node " << l << " has no layer-0 links";
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(index_, more.data() + static_cast<size_t>(l - kN) * kDim, kK, kEf, nullptr, 0, &got, &plan).ok());
    EXPECT_EQ(plan, SearchPlan::kGraph);  // 2300 live > ef * M
    ASSERT_EQ(got.size(), kK);
    for (const Neighbor& nb : got) ASSERT_FALSE(dead[nb.label]) << "deleted label " << nb.label << " returned";
    found += got[0].label == l ? 1 : 0;
  }
  EXPECT_GE(found, 297u);
}

// A structurally valid graph whose layer-0 links are all removed: the walk
// reaches only the entry point, and the planner completes with a flat scan.
TEST_F(FilterTest, GraphShortfallFallsBackToFlatScan) {
  std::vector<uint8_t> snap = mvdb_test::Serialize(index_);
  const mvdb_test::Section grph = mvdb_test::FindSection(snap, "GRPH");
  ASSERT_EQ(grph.tag, "GRPH");
  const uint64_t blocks = grph.payload + kN;  // after one level byte per node
  for (uint32_t l = 0; l < kN; ++l) mvdb_test::PutU32(&snap, blocks + uint64_t{l} * (1 + 32) * 4, 0);
  // Upper layers too (they follow layer 0), so the descent cannot move either.
  uint64_t pos = blocks + uint64_t{kN} * 33 * 4;
  for (uint32_t l = 0; l < kN; ++l)
    for (uint32_t layer = 1; layer <= index_.graph().Level(l); ++layer, pos += 17 * 4) mvdb_test::PutU32(&snap, pos, 0);
  ASSERT_EQ(pos, grph.payload + grph.length);
  mvdb_test::FixSectionCrc(&snap, "GRPH");

  Index broken;
  uint64_t uo = 0, ul = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(snap.data(), snap.size(), &broken, &uo, &ul).ok());
  GrowableArray<Neighbor> got;
  for (uint32_t q = 0; q < 5; ++q) {
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(broken, Query(q), kK, kEf, nullptr, 0, &got, &plan).ok());
    EXPECT_EQ(plan, SearchPlan::kGraphThenFlat);
    ExpectExact(got, BruteForce(Metric::kL2, data_, kDim, Query(q), kK), [](uint32_t) { return true; });
  }
}

}  // namespace
