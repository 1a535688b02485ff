// DimensionOrder (dimensions by decreasing variance) and how Index stores
// rows in it: results against the brute-force reference of test_data.hpp on
// the caller's vectors, vectors given back bit for bit in the caller's
// order (CopyVector, snapshots, compaction, slot reuse), and the cases where
// no order is learned.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "minivectordb/dim_order.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb_test::BruteForce;
using mvdb_test::Config;

constexpr uint32_t kDim = 256;  // 1,024-byte rows: large enough to order
constexpr uint32_t kN = 3000;
constexpr uint32_t kQueries = 40;

// Scale of dimension j: a fixed shuffle of 0.05 .. 12.8, so the widest
// dimensions are scattered through the row.
float ScaleOf(uint32_t j) { return 0.05f * static_cast<float>(1 + (j * 97u) % kDim); }

// (kN + kQueries) x kDim clustered points, dimension j scaled by ScaleOf(j).
std::vector<float> ScaledData() {
  std::vector<float> v = mvdb_test::ClusteredData(kN + kQueries, kDim, 30, 2024, 0.6);
  for (size_t i = 0; i < v.size(); ++i) v[i] *= ScaleOf(static_cast<uint32_t>(i % kDim));
  return v;
}

const float* Row(const std::vector<float>& v, uint32_t i) { return v.data() + static_cast<size_t>(i) * kDim; }

// Every label's vector comes back bit for bit in the caller's order.
void ExpectVectorsKept(const Index& index, const std::vector<float>& data, uint32_t n) {
  std::vector<float> got(kDim);
  for (uint32_t l = 0; l < n; ++l) {
    index.CopyVector(l, got.data());
    ASSERT_EQ(std::memcmp(got.data(), Row(data, l), kDim * sizeof(float)), 0) << "label " << l;
  }
}

// recall@10 of the graph walk against brute force on the caller's vectors,
// and the exact search's labels and distances against the same reference.
void ExpectSearchMatchesReference(Index* index, const std::vector<float>& data) {
  const std::vector<float> base(data.begin(), data.begin() + static_cast<size_t>(kN) * kDim);
  GrowableArray<Neighbor> out;
  double recall = 0;
  for (uint32_t q = 0; q < kQueries; ++q) {
    const float* query = Row(data, kN + q);
    const auto truth = BruteForce(Metric::kL2, base, kDim, query, 10);
    ASSERT_TRUE(mvdb_test::SearchOne(*index, query, 10, 64, nullptr, 0, &out).ok());
    recall += mvdb_test::Recall(out, truth);
    ASSERT_TRUE(mvdb_test::SearchExactOne(*index, query, 10, nullptr, &out).ok());
    ASSERT_EQ(out.size(), truth.size());
    for (size_t i = 0; i < truth.size(); ++i) {
      EXPECT_EQ(out[i].label, truth[i].label) << "query " << q << " rank " << i;
      EXPECT_NEAR(out[i].distance, truth[i].distance, 1e-4 * truth[i].distance) << "query " << q;
    }
  }
  EXPECT_GE(recall / kQueries, 0.95);
}

TEST(DimensionOrder, SortsByDecreasingVarianceTiesByIndex) {
  // Dimension j of row i: (i % 7 - 3) * w[j]; w = 0 twice (a tie: by index).
  const float w[6] = {1.f, 0.f, 5.f, 2.f, 0.f, 3.f};
  std::vector<float> rows(70 * 6);
  for (uint32_t i = 0; i < 70; ++i)
    for (uint32_t j = 0; j < 6; ++j) rows[i * 6 + j] = static_cast<float>(static_cast<int>(i % 7) - 3) * w[j] + 10.f;
  mvdb::DimensionOrder order;
  EXPECT_FALSE(order.learned());
  ASSERT_TRUE(order.Learn(6, 70, [&](uint32_t i) { return rows.data() + i * 6; }).ok());
  ASSERT_TRUE(order.learned());
  const uint32_t want[6] = {2, 5, 3, 0, 1, 4};
  for (uint32_t j = 0; j < 6; ++j) EXPECT_EQ(order.perm()[j], want[j]) << j;
  const float v[6] = {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f};
  float arranged[6], back[6];
  order.Arrange(v, arranged);
  for (uint32_t j = 0; j < 6; ++j) EXPECT_EQ(arranged[j], v[want[j]]);
  order.Restore(arranged, back);
  EXPECT_EQ(std::memcmp(back, v, sizeof v), 0);
}

TEST(DimensionOrder, IndexLearnsFromOneBatchAndMatchesBruteForce) {
  const std::vector<float> data = ScaledData();
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2)).ok());
  ASSERT_TRUE(index.Add(data.data(), kN).ok());
  ASSERT_TRUE(index.dimension_order().learned());
  // Learned from the first kOrderSample rows: their variances (two-pass, in
  // double, here) must not increase along the order.
  std::vector<double> variance(kDim, 0.0);
  for (uint32_t j = 0; j < kDim; ++j) {
    double mean = 0;
    for (uint32_t i = 0; i < mvdb::kOrderSample; ++i) mean += Row(data, i)[j];
    mean /= mvdb::kOrderSample;
    for (uint32_t i = 0; i < mvdb::kOrderSample; ++i) variance[j] += (Row(data, i)[j] - mean) * (Row(data, i)[j] - mean);
  }
  const uint32_t* perm = index.dimension_order().perm();
  for (uint32_t j = 1; j < kDim; ++j)
    EXPECT_GE(variance[perm[j - 1]] * (1 + 1e-9), variance[perm[j]]) << "position " << j;
  // Rows are stored arranged: the first stored value is that widest one.
  EXPECT_EQ(index.StoredRow(5)[0], Row(data, 5)[perm[0]]);
  ExpectVectorsKept(index, data, kN);
  ExpectSearchMatchesReference(&index, data);
}

TEST(DimensionOrder, IndexLearnsWhenSingleInsertsReachTheSample) {
  const std::vector<float> data = ScaledData();
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2)).ok());
  for (uint32_t i = 0; i < kN; ++i) {
    ASSERT_TRUE(index.Add(Row(data, i), 1).ok());
    ASSERT_EQ(index.dimension_order().learned(), i + 1 >= mvdb::kOrderSample) << i;
  }
  // Rows stored before the order was learned were arranged in place.
  ExpectVectorsKept(index, data, kN);
  ExpectSearchMatchesReference(&index, data);
}

TEST(DimensionOrder, SnapshotsHoldTheCallersOrderAndReloadLearnsAgain) {
  const std::vector<float> data = ScaledData();
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2)).ok());
  ASSERT_TRUE(index.Add(data.data(), kN).ok());
  ASSERT_TRUE(index.dimension_order().learned());
  const std::vector<uint8_t> bytes = mvdb_test::Serialize(index);
  const mvdb_test::Section vecs = mvdb_test::FindSection(bytes, "VECS");
  ASSERT_EQ(vecs.length, uint64_t{kN} * kDim * 4);
  EXPECT_EQ(std::memcmp(bytes.data() + vecs.payload, data.data(), vecs.length), 0);  // little-endian host

  Index reloaded;
  uint64_t user_offset = 0, user_len = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), &reloaded, &user_offset, &user_len).ok());
  ASSERT_TRUE(reloaded.dimension_order().learned());
  ExpectVectorsKept(reloaded, data, kN);
  GrowableArray<Neighbor> a, b;
  for (uint32_t q = 0; q < kQueries; ++q) {
    ASSERT_TRUE(mvdb_test::SearchOne(index, Row(data, kN + q), 10, 64, nullptr, 0, &a).ok());
    ASSERT_TRUE(mvdb_test::SearchOne(reloaded, Row(data, kN + q), 10, 64, nullptr, 0, &b).ok());
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].label, b[i].label) << "query " << q;
  }
  EXPECT_EQ(mvdb_test::Serialize(reloaded), bytes);
}

TEST(DimensionOrder, CompactionAndSlotReuseKeepVectors) {
  std::vector<float> data = ScaledData();
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2)).ok());
  ASSERT_TRUE(index.Add(data.data(), kN).ok());
  // Reuse: tombstone label 7 and add a query vector into its slot.
  ASSERT_TRUE(index.MarkDeleted(7).ok());
  uint32_t label = 0;
  ASSERT_TRUE(index.Add(Row(data, kN), 1, &label).ok());
  ASSERT_EQ(label, 7u);
  std::memcpy(data.data() + 7 * kDim, Row(data, kN), kDim * sizeof(float));
  ExpectVectorsKept(index, data, kN);
  // Compaction: drop every third label; the survivors keep their vectors.
  std::vector<float> live;
  for (uint32_t l = 0; l < kN; ++l) {
    if (l % 3 == 0) {
      ASSERT_TRUE(index.MarkDeleted(l).ok());
    } else {
      live.insert(live.end(), Row(data, l), Row(data, l) + kDim);
    }
  }
  GrowableArray<uint32_t> remap;
  ASSERT_TRUE(index.Compact(&remap).ok());
  ASSERT_TRUE(index.dimension_order().learned());
  ASSERT_EQ(index.size(), live.size() / kDim);
  ExpectVectorsKept(index, live, index.size());
}

TEST(DimensionOrder, NotLearnedWhereItCannotPay) {
  const std::vector<float> data = ScaledData();
  struct Case {
    const char* name;
    uint32_t dim;
    Metric metric;
    bool int8;
    uint32_t n;
  };
  const Case cases[] = {
      {"cosine", kDim, Metric::kCosine, false, kN},  // 1 - dot cannot stop early
      {"ip", kDim, Metric::kIP, false, kN},
      {"int8", kDim, Metric::kL2, true, kN},  // codes and quantizer in the caller's order
      {"128 dims", 128, Metric::kL2, false, kN},  // 512-byte rows: checks cost more than they save
      {"too few", kDim, Metric::kL2, false, mvdb::kOrderSample - 1},
  };
  for (const Case& c : cases) {
    mvdb::IndexConfig config = Config(c.dim, c.metric);
    if (c.int8) config.quantization = mvdb::Quantization::kInt8;
    Index index;
    ASSERT_TRUE(index.Init(config).ok()) << c.name;
    // 128 dims: the first half of each 256-float row as its own vector.
    std::vector<float> rows;
    for (uint32_t i = 0; i < c.n; ++i) rows.insert(rows.end(), Row(data, i), Row(data, i) + c.dim);
    ASSERT_TRUE(index.Add(rows.data(), c.n).ok()) << c.name;
    EXPECT_FALSE(index.dimension_order().learned()) << c.name;
  }
}

}  // namespace
