// Index::Compact: every live vector kept bit for bit under a dense,
// order-preserving remap; the result equals an index built from scratch
// from the live vectors (same seed); recall@10 against the brute-force
// reference of test_data.hpp; snapshots of the compacted index round-trip
// bit-identically.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::kNoLabel;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::SearchPlan;
using mvdb_test::BruteForce;
using mvdb_test::Config;
using mvdb_test::Serialize;

constexpr uint32_t kN = 4000;
constexpr uint32_t kDim = 32;
constexpr uint32_t kQueries = 150;
constexpr uint32_t kK = 10;

const char* MetricName(Metric m) { return m == Metric::kL2 ? "l2" : m == Metric::kIP ? "ip" : "cosine"; }

// kN clustered points (plus kQueries held-out queries) with ~30% of the
// labels tombstoned at random (seeded); `deleted[i]` says which.
struct Fixture {
  std::vector<float> all;   // (kN + kQueries) x kDim
  std::vector<float> data;  // first kN rows
  std::vector<bool> deleted;
  Index index;
};

void BuildWithTombstones(Fixture* f, Metric metric) {
  f->all = mvdb_test::ClusteredData(kN + kQueries, kDim, 40, 321, 1.0);
  f->data.assign(f->all.begin(), f->all.begin() + static_cast<size_t>(kN) * kDim);
  ASSERT_TRUE(f->index.Init(Config(kDim, metric, 16, 200, 7)).ok());
  ASSERT_TRUE(f->index.Add(f->data.data(), kN).ok());
  mvdb_test::Gaussian g(99);
  f->deleted.assign(kN, false);
  for (uint32_t i = 0; i < kN; ++i) {
    if (g.Uniform01() < 0.3) {
      f->deleted[i] = true;
      ASSERT_TRUE(f->index.MarkDeleted(i).ok());
    }
  }
}

class CompactByMetric : public ::testing::TestWithParam<Metric> {};

TEST_P(CompactByMetric, KeepsEveryLiveVectorUnderADenseOrderPreservingRemap) {
  Fixture f;
  BuildWithTombstones(&f, GetParam());
  const uint32_t live = f.index.live_count();
  ASSERT_GT(f.index.deleted_count(), kN / 5);
  // Copies of the stored (for cosine: normalised) vectors before compaction.
  std::vector<float> before(f.index.StoredRow(0), f.index.StoredRow(0) + static_cast<size_t>(kN) * kDim);

  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(f.index.Compact(&remap).ok());
  ASSERT_EQ(remap.size(), kN);
  EXPECT_EQ(f.index.size(), live);
  EXPECT_EQ(f.index.live_count(), live);
  EXPECT_EQ(f.index.deleted_count(), 0u);
  uint32_t next = 0;
  for (uint32_t old = 0; old < kN; ++old) {
    if (f.deleted[old]) {
      EXPECT_EQ(remap[old], kNoLabel) << old;
      continue;
    }
    ASSERT_EQ(remap[old], next) << "live labels must be renumbered densely, in order";
    EXPECT_FALSE(f.index.IsDeleted(next));
    EXPECT_EQ(std::memcmp(f.index.StoredRow(next), before.data() + static_cast<size_t>(old) * kDim, kDim * sizeof(float)), 0)
        << "vector of old label " << old;
    ++next;
  }
  EXPECT_EQ(next, live);
}

TEST_P(CompactByMetric, RecallAt10AtLeast098AgainstBruteForceOverLiveVectors) {
  const Metric metric = GetParam();
  Fixture f;
  BuildWithTombstones(&f, metric);
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(f.index.Compact(&remap).ok());
  double recall_sum = 0;
  GrowableArray<Neighbor> got;
  for (uint32_t q = 0; q < kQueries; ++q) {
    const float* query = f.all.data() + static_cast<size_t>(kN + q) * kDim;
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(f.index, query, kK, 64, nullptr, 0, &got, &plan).ok());
    ASSERT_EQ(plan, SearchPlan::kGraph);
    ASSERT_EQ(got.size(), kK);
    // Reference over the ORIGINAL data, live rows only, mapped to new labels.
    std::vector<mvdb_test::RefHit> truth = BruteForce(metric, f.data, kDim, query, kK, [&](uint32_t i) { return !f.deleted[i]; });
    for (mvdb_test::RefHit& h : truth) h.label = remap[h.label];
    recall_sum += mvdb_test::Recall(got, truth);
  }
  const double recall = recall_sum / kQueries;
  RecordProperty("recall", std::to_string(recall));
  EXPECT_GE(recall, 0.98) << MetricName(metric);
}

TEST_P(CompactByMetric, EqualsAnIndexBuiltFromScratchFromTheLiveVectors) {
  const Metric metric = GetParam();
  Fixture f;
  BuildWithTombstones(&f, metric);
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(f.index.Compact(&remap).ok());

  std::vector<float> live_rows;
  for (uint32_t i = 0; i < kN; ++i)
    if (!f.deleted[i]) live_rows.insert(live_rows.end(), f.data.begin() + static_cast<size_t>(i) * kDim, f.data.begin() + static_cast<size_t>(i + 1) * kDim);
  Index fresh;
  ASSERT_TRUE(fresh.Init(Config(kDim, metric, 16, 200, 7)).ok());
  ASSERT_TRUE(fresh.Add(live_rows.data(), static_cast<uint32_t>(live_rows.size() / kDim)).ok());
  EXPECT_EQ(Serialize(f.index), Serialize(fresh));

  // Both keep evolving identically (same PRNG state).
  const std::vector<float> more = mvdb_test::ClusteredData(200, kDim, 5, 777);
  ASSERT_TRUE(f.index.Add(more.data(), 200).ok());
  ASSERT_TRUE(fresh.Add(more.data(), 200).ok());
  EXPECT_EQ(Serialize(f.index), Serialize(fresh));
}

std::string ParamName(const ::testing::TestParamInfo<Metric>& i) { return MetricName(i.param); }
INSTANTIATE_TEST_SUITE_P(Metrics, CompactByMetric, ::testing::Values(Metric::kL2, Metric::kIP, Metric::kCosine), ParamName);

TEST(Compact, SnapshotAfterCompactRoundTripsBitIdentically) {
  Fixture f;
  BuildWithTombstones(&f, Metric::kCosine);
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(f.index.Compact(&remap).ok());
  const std::vector<uint8_t> user = {1, 2, 3, 4, 5};
  const std::vector<uint8_t> first = Serialize(f.index, user);
  ASSERT_FALSE(first.empty());
  Index reloaded;
  uint64_t off = 0, len = 0;
  const mvdb::Status st = mvdb::DeserializeSnapshot(first.data(), first.size(), &reloaded, &off, &len);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(reloaded.size(), f.index.size());
  EXPECT_EQ(reloaded.deleted_count(), 0u);
  EXPECT_EQ(Serialize(reloaded, user), first);
}

TEST(Compact, WithoutTombstonesWritesTheIdentityAndChangesNothing) {
  const std::vector<float> data = mvdb_test::ClusteredData(500, 8, 5, 11);
  Index index;
  ASSERT_TRUE(index.Init(Config(8, Metric::kL2, 8, 50, 3)).ok());
  ASSERT_TRUE(index.Add(data.data(), 500).ok());
  const std::vector<uint8_t> before = Serialize(index);
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(index.Compact(&remap).ok());
  ASSERT_EQ(remap.size(), 500u);
  for (uint32_t i = 0; i < 500; ++i) EXPECT_EQ(remap[i], i);
  EXPECT_EQ(Serialize(index), before);
}

TEST(Compact, EverythingDeletedLeavesAnEmptyIndexThatAcceptsInserts) {
  const std::vector<float> data = mvdb_test::ClusteredData(300, 8, 5, 12);
  Index index;
  ASSERT_TRUE(index.Init(Config(8, Metric::kL2, 8, 50, 3)).ok());
  ASSERT_TRUE(index.Add(data.data(), 300).ok());
  for (uint32_t i = 0; i < 300; ++i) ASSERT_TRUE(index.MarkDeleted(i).ok());
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(index.Compact(&remap).ok());
  for (uint32_t i = 0; i < 300; ++i) EXPECT_EQ(remap[i], kNoLabel);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.graph().entry_point(), kNoLabel);
  GrowableArray<Neighbor> got;
  ASSERT_TRUE(mvdb_test::SearchOne(index, data.data(), 5, 16, nullptr, 0, &got).ok());
  EXPECT_TRUE(got.empty());
  ASSERT_TRUE(index.Add(data.data(), 10).ok());
  ASSERT_TRUE(mvdb_test::SearchOne(index, data.data(), 1, 16, nullptr, 0, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].label, 0u);
  EXPECT_EQ(got[0].distance, 0.f);
}


// Compaction runs in place (no second index): rows spread over several
// blocks of the row store (row_blocks.hpp) move down over the tombstones, the
// graph is rebuilt in its own buffers, and the blocks past the live rows are
// freed. The result still equals a from-scratch build, and its searches
// match brute force over the live vectors.
TEST(Compact, InPlaceAcrossBlocksEqualsAScratchBuildAndFreesTheTombstonesBlocks) {
  constexpr uint32_t kBigDim = 512;  // 2 KiB rows: 2,048 per block
  constexpr uint32_t kRows = 5000;   // three blocks
  constexpr uint32_t kQ = 40;
  const std::vector<float> all = mvdb_test::ClusteredData(kRows + kQ, kBigDim, 30, 4242, 1.0);
  const std::vector<float> data(all.begin(), all.begin() + static_cast<size_t>(kRows) * kBigDim);
  Index index;
  ASSERT_TRUE(index.Init(Config(kBigDim, Metric::kL2, 8, 40, 9)).ok());
  ASSERT_TRUE(index.Add(data.data(), kRows).ok());
  std::vector<bool> deleted(kRows, false);
  for (uint32_t i = 0; i < kRows; ++i) {
    if ((i >= 600 && i < 2900) || i % 7 == 3) {  // most of the second block, and a sprinkle
      deleted[i] = true;
      ASSERT_TRUE(index.MarkDeleted(i).ok());
    }
  }
  const uint64_t rows_before = index.store().MemoryBytes();
  const uint64_t memory_before = index.MemoryBytes();
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(index.Compact(&remap).ok());
  const uint32_t live = index.size();
  ASSERT_LT(live, 2u * 2048);
  EXPECT_LE(index.store().MemoryBytes(), rows_before - uint64_t{2048} * kBigDim * 4) << "a block of rows went back";
  EXPECT_LT(index.MemoryBytes(), memory_before);

  std::vector<float> live_rows;
  uint32_t next = 0;
  for (uint32_t i = 0; i < kRows; ++i) {
    if (deleted[i]) {
      ASSERT_EQ(remap[i], kNoLabel);
      continue;
    }
    ASSERT_EQ(remap[i], next++);
    live_rows.insert(live_rows.end(), data.begin() + static_cast<size_t>(i) * kBigDim, data.begin() + static_cast<size_t>(i + 1) * kBigDim);
  }
  ASSERT_EQ(next, live);
  Index fresh;
  ASSERT_TRUE(fresh.Init(Config(kBigDim, Metric::kL2, 8, 40, 9)).ok());
  ASSERT_TRUE(fresh.Add(live_rows.data(), live).ok());
  EXPECT_EQ(Serialize(index), Serialize(fresh));

  double recall_sum = 0;
  GrowableArray<Neighbor> got;
  for (uint32_t q = 0; q < kQ; ++q) {
    const float* query = all.data() + static_cast<size_t>(kRows + q) * kBigDim;
    ASSERT_TRUE(mvdb_test::SearchOne(index, query, kK, 64, nullptr, 0, &got).ok());
    std::vector<mvdb_test::RefHit> truth = BruteForce(Metric::kL2, data, kBigDim, query, kK, [&](uint32_t i) { return !deleted[i]; });
    for (mvdb_test::RefHit& h : truth) h.label = remap[h.label];
    recall_sum += mvdb_test::Recall(got, truth);
  }
  EXPECT_GE(recall_sum / kQ, 0.95);
  // Still an index that grows: the freed blocks are allocated again.
  ASSERT_TRUE(index.Add(data.data(), 3000).ok());
  EXPECT_EQ(index.size(), live + 3000);
}

}  // namespace
