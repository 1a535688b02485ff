// The fresh list (fresh_list.hpp): the labels of the latest small Adds are
// scanned exactly beside the graph walk. Checked against brute force with a
// walk too short to be trusted (efSearch 1): every freshly added vector that
// is the exact nearest neighbour of a query is its first hit; tombstones and
// filters still apply; no label is returned twice; bulk Adds are not
// recorded; compaction renames the labels; snapshots keep the list (format
// 2.1, FRSH) and 2.0 files without it still open.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "minivectordb/fresh_list.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::FreshList;
using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::kFreshCapacity;
using mvdb::kFreshMaxBatch;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb_test::BruteForce;
using mvdb_test::Config;

constexpr uint32_t kDim = 16;

std::vector<uint32_t> Labels(const FreshList& f) { return std::vector<uint32_t>(f.data(), f.data() + f.size()); }

TEST(FreshList, KeepsTheNewestInOrderWithoutDuplicates) {
  FreshList f;
  ASSERT_TRUE(f.Reserve().ok());
  for (uint32_t i = 0; i < kFreshCapacity + 10; ++i) f.Record(i);
  ASSERT_EQ(f.size(), kFreshCapacity);
  EXPECT_EQ(f.data()[0], 10u);  // the 10 oldest were dropped
  EXPECT_EQ(f.data()[kFreshCapacity - 1], kFreshCapacity + 9);
  f.Record(20);  // already there: becomes the newest, once
  std::vector<uint32_t> got = Labels(f);
  EXPECT_EQ(got.back(), 20u);
  EXPECT_EQ(std::set<uint32_t>(got.begin(), got.end()).size(), got.size());
}

TEST(FreshList, RemapRenamesAndDropsTombstones) {
  FreshList f;
  ASSERT_TRUE(f.Reserve().ok());
  for (uint32_t l : {4u, 1u, 3u}) f.Record(l);
  const uint32_t remap[5] = {0, mvdb::kNoLabel, 1, 2, 3};
  f.Remap(remap, 5);
  EXPECT_EQ(Labels(f), (std::vector<uint32_t>{3, 2}));
}

struct Fixture {
  std::vector<float> data;
  Index index;
};

Fixture Build(uint32_t n, Metric metric) {
  Fixture fx;
  fx.data = mvdb_test::ClusteredData(n, kDim, 20, 7);
  EXPECT_TRUE(fx.index.Init(Config(kDim, metric, 8, 40)).ok());
  EXPECT_TRUE(fx.index.Add(fx.data.data(), n).ok());
  return fx;
}

// Each trial adds one vector far from the data, queries near it with a walk
// of efSearch 1, and deletes it again (its slot is reused by the next trial).
void ExpectFreshFound(Metric metric, mvdb::Quantization q) {
  constexpr uint32_t kN = 2000, kTrials = 60;
  Fixture fx;
  fx.data = mvdb_test::ClusteredData(kN, kDim, 20, 7);
  mvdb::IndexConfig c = Config(kDim, metric, 8, 40);
  c.quantization = q;
  ASSERT_TRUE(fx.index.Init(c).ok());
  ASSERT_TRUE(fx.index.Add(fx.data.data(), kN).ok());
  EXPECT_EQ(fx.index.fresh().size(), 0u);  // a bulk Add is not recorded
  mvdb_test::Gaussian g(99);
  uint32_t checked = 0;
  for (uint32_t t = 0; t < kTrials; ++t) {
    std::vector<float> v(kDim), query(kDim);
    for (uint32_t j = 0; j < kDim; ++j) {
      v[j] = static_cast<float>(4.0 * g.Next());
      query[j] = v[j] + static_cast<float>(0.05 * g.Next());
    }
    uint32_t label = 0;
    ASSERT_TRUE(fx.index.Add(v.data(), 1, &label).ok());
    std::vector<float> all = fx.data;
    all.resize(static_cast<size_t>(fx.index.size()) * kDim, 0.f);
    std::copy(v.begin(), v.end(), all.begin() + static_cast<size_t>(label) * kDim);
    const auto truth = BruteForce(metric, all, kDim, query.data(), 1, [&](uint32_t l) { return l == label || l < kN; });
    GrowableArray<Neighbor> out;
    ASSERT_TRUE(mvdb_test::SearchOne(fx.index, query.data(), 5, 1, nullptr, 0, &out).ok());
    std::set<uint32_t> seen;
    for (const Neighbor& nb : out) EXPECT_TRUE(seen.insert(nb.label).second) << "label " << nb.label << " returned twice";
    if (truth[0].label == label) {
      ++checked;
      ASSERT_FALSE(out.empty());
      EXPECT_EQ(out[0].label, label) << "trial " << t;
    }
    ASSERT_TRUE(fx.index.MarkDeleted(label).ok());
    ASSERT_TRUE(mvdb_test::SearchOne(fx.index, query.data(), 5, 1, nullptr, 0, &out).ok());
    for (const Neighbor& nb : out) EXPECT_NE(nb.label, label) << "a deleted fresh label was returned";
  }
  EXPECT_GE(checked, kTrials / 2);  // the reference ranked the new vector first in most trials
}

TEST(FreshIndex, FreshVectorIsFirstHitEvenWithEfSearchOne) {
  ExpectFreshFound(Metric::kL2, mvdb::Quantization::kNone);
  ExpectFreshFound(Metric::kCosine, mvdb::Quantization::kNone);
  ExpectFreshFound(Metric::kL2, mvdb::Quantization::kInt8);
}

TEST(FreshIndex, FilterAppliesToFreshLabels) {
  Fixture fx = Build(1500, Metric::kL2);
  std::vector<float> v(kDim, 9.f);
  uint32_t label = 0;
  ASSERT_TRUE(fx.index.Add(v.data(), 1, &label).ok());
  mvdb_test::Bitset allowed(fx.index.size());
  for (uint32_t l = 0; l < fx.index.size(); ++l)
    if (l != label) allowed.Set(l);
  GrowableArray<Neighbor> out;
  ASSERT_TRUE(mvdb_test::SearchOne(fx.index, v.data(), 3, 16, allowed.words.data(), fx.index.size() - 1, &out).ok());
  for (const Neighbor& nb : out) EXPECT_NE(nb.label, label);
  ASSERT_TRUE(mvdb_test::SearchOne(fx.index, v.data(), 3, 16, nullptr, 0, &out).ok());
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].label, label);
}

TEST(FreshIndex, OnlySmallAddsAreRecorded) {
  Fixture fx = Build(500, Metric::kL2);
  std::vector<float> batch(static_cast<size_t>(kFreshMaxBatch + 1) * kDim, 1.f);
  ASSERT_TRUE(fx.index.Add(batch.data(), kFreshMaxBatch + 1).ok());
  EXPECT_EQ(fx.index.fresh().size(), 0u);
  ASSERT_TRUE(fx.index.Add(batch.data(), kFreshMaxBatch).ok());
  EXPECT_EQ(fx.index.fresh().size(), kFreshMaxBatch);
}

TEST(FreshIndex, CompactionRenamesFreshLabels) {
  Fixture fx = Build(300, Metric::kL2);
  std::vector<float> v(kDim, 5.f);
  uint32_t a = 0, b = 0;
  ASSERT_TRUE(fx.index.Add(v.data(), 1, &a).ok());
  v[0] = 6.f;
  ASSERT_TRUE(fx.index.Add(v.data(), 1, &b).ok());
  ASSERT_TRUE(fx.index.MarkDeleted(0).ok());
  ASSERT_TRUE(fx.index.MarkDeleted(a).ok());
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(fx.index.Compact(&remap).ok());
  EXPECT_EQ(Labels(fx.index.fresh()), (std::vector<uint32_t>{remap[b]}));
}

TEST(FreshSnapshot, RoundTripKeepsTheListAndOldFilesOpen) {
  Fixture fx = Build(400, Metric::kCosine);
  std::vector<float> v(kDim, 0.5f);
  uint32_t a = 0, b = 0;
  ASSERT_TRUE(fx.index.Add(v.data(), 1, &a).ok());
  v[1] = -3.f;
  ASSERT_TRUE(fx.index.Add(v.data(), 1, &b).ok());
  std::vector<uint8_t> bytes = mvdb_test::Serialize(fx.index);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(mvdb_test::GetU32(bytes, 8) >> 16, uint32_t{mvdb::kSnapshotMinor});
  Index loaded;
  uint64_t uo = 0, ul = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), &loaded, &uo, &ul).ok());
  EXPECT_EQ(Labels(loaded.fresh()), (std::vector<uint32_t>{a, b}));
  EXPECT_EQ(mvdb_test::Serialize(loaded), bytes);

  // A label past the node count, with valid checksums: rejected.
  const mvdb_test::Section fresh = mvdb_test::FindSection(bytes, "FRSH");
  ASSERT_EQ(fresh.length, 12u);
  std::vector<uint8_t> bad = bytes;
  mvdb_test::PutU32(&bad, fresh.payload + 4, fx.index.size());
  mvdb_test::FixSectionCrc(&bad, "FRSH");
  EXPECT_EQ(mvdb::DeserializeSnapshot(bad.data(), bad.size(), &loaded, &uo, &ul).code(), mvdb::ErrorCode::kSnapshotCorrupt);

  // A 2.0 file: no FRSH section. It opens, with an empty list.
  std::vector<uint8_t> old(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(fresh.header));
  old.insert(old.end(), bytes.begin() + static_cast<std::ptrdiff_t>(fresh.payload + fresh.length), bytes.end());
  mvdb_test::PutU16(&old, 10, 0);
  mvdb_test::PutU32(&old, 12, mvdb_test::GetU32(old, 12) - 1);
  mvdb_test::FixHeaderCrc(&old);
  Index from_old;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(old.data(), old.size(), &from_old, &uo, &ul).ok());
  EXPECT_EQ(from_old.fresh().size(), 0u);
  EXPECT_EQ(from_old.size(), fx.index.size());
}

}  // namespace
