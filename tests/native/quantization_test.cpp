// int8 scalar quantization: the integer kernels (SIMD128 through SIMDe and
// scalar) against an independent int64 reference, the quantizer's error
// bound and drift counter, recall of int8 indexes against float brute force,
// keepFloat off, and snapshots of int8 indexes (round trip, corruption).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "minivectordb/code_store.hpp"
#include "minivectordb/distance_int8.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/quantizer.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::Quantization;
using mvdb_test::BruteForce;

std::vector<int8_t> RandomCodes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> u(-127, 127);
  std::vector<int8_t> out(n);
  for (int8_t& c : out) c = static_cast<int8_t>(u(rng));
  return out;
}

int64_t RefL2(const int8_t* a, const int8_t* b, uint32_t d) {
  int64_t s = 0;
  for (uint32_t i = 0; i < d; ++i) s += (int64_t{a[i]} - b[i]) * (int64_t{a[i]} - b[i]);
  return s;
}
int64_t RefDot(const int8_t* a, const int8_t* b, uint32_t d) {
  int64_t s = 0;
  for (uint32_t i = 0; i < d; ++i) s += int64_t{a[i]} * b[i];
  return s;
}

TEST(Int8Kernels, MatchTheInt64ReferenceForEveryTailLength) {
  for (uint32_t d : {1u, 3u, 4u, 8u, 12u, 15u, 16u, 17u, 24u, 28u, 31u, 32u, 33u, 100u, 128u, 257u, 784u}) {
    const std::vector<int8_t> a = RandomCodes(d, d), b = RandomCodes(d, d + 1000);
    EXPECT_EQ(int64_t{mvdb::scalar::L2SqI8(a.data(), b.data(), d)}, RefL2(a.data(), b.data(), d)) << d;
    EXPECT_EQ(int64_t{mvdb::scalar::DotI8(a.data(), b.data(), d)}, RefDot(a.data(), b.data(), d)) << d;
    EXPECT_EQ(int64_t{mvdb::L2SqI8(a.data(), b.data(), d)}, RefL2(a.data(), b.data(), d)) << d;
    EXPECT_EQ(int64_t{mvdb::DotI8(a.data(), b.data(), d)}, RefDot(a.data(), b.data(), d)) << d;
  }
}

TEST(Int8Kernels, ExtremesAtTheLargestDimensionDoNotOverflow) {
  const uint32_t d = mvdb::kMaxDim;
  const std::vector<int8_t> hi(d, 127), lo(d, -127);
  EXPECT_EQ(uint64_t{mvdb::L2SqI8(hi.data(), lo.data(), d)}, uint64_t{d} * 254 * 254);
  EXPECT_EQ(int64_t{mvdb::DotI8(hi.data(), lo.data(), d)}, -int64_t{d} * 127 * 127);
  EXPECT_EQ(int64_t{mvdb::DotI8(hi.data(), hi.data(), d)}, int64_t{d} * 127 * 127);
}

#if MVDB_HAVE_SIMD128
TEST(Int8Kernels, Simd128EqualsScalar) {
  for (uint32_t d = 1; d <= 300; d += 7) {
    const std::vector<int8_t> a = RandomCodes(d, 3 * d), b = RandomCodes(d, 5 * d);
    EXPECT_EQ(mvdb::simd128::L2SqI8(a.data(), b.data(), d), mvdb::scalar::L2SqI8(a.data(), b.data(), d));
    EXPECT_EQ(mvdb::simd128::DotI8(a.data(), b.data(), d), mvdb::scalar::DotI8(a.data(), b.data(), d));
  }
}
#endif

TEST(Quantizer, RoundTripErrorIsAtMostHalfAStepAndDistancesFollow) {
  for (Metric m : {Metric::kL2, Metric::kIP}) {
    const uint32_t dim = 24, n = 500;
    const std::vector<float> data = mvdb_test::ClusteredData(n, dim, 8, 77);
    mvdb::ScalarQuantizer q(dim, m);
    q.Fit(n, [&](uint32_t r) { return data.data() + uint64_t{r} * dim; });
    std::vector<int8_t> codes(uint64_t{n} * dim);
    std::vector<float> back(dim);
    for (uint32_t r = 0; r < n; ++r) {
      q.Encode(data.data() + uint64_t{r} * dim, codes.data() + uint64_t{r} * dim, true);
      q.Decode(codes.data() + uint64_t{r} * dim, back.data());
      for (uint32_t j = 0; j < dim; ++j) ASSERT_LE(std::fabs(back[j] - data[uint64_t{r} * dim + j]), q.step() * 0.5f + 1e-5f);
    }
    EXPECT_EQ(q.clipped_values(), 0u);  // the fitted data itself is never clipped
    // The int8 kernel in distance units equals the float distance of the
    // dequantized vectors (up to float rounding).
    std::vector<float> a(dim), b(dim);
    q.Decode(codes.data(), a.data());
    q.Decode(codes.data() + dim, b.data());
    const float got = m == Metric::kL2 ? mvdb::L2I8Kernel::Distance(codes.data(), codes.data() + dim, dim, q.step2())
                                       : mvdb::InnerProductI8Kernel::Distance(codes.data(), codes.data() + dim, dim, q.step2());
    EXPECT_NEAR(got, mvdb_test::RefDistance(m, a.data(), b.data(), dim), 1e-3 * std::max(1.0, std::fabs(static_cast<double>(got))));
  }
}

TEST(Quantizer, ValuesBeyondTheFittedRangeAreClampedAndCounted) {
  const uint32_t dim = 4;
  const std::vector<float> fit = {0, 0, 0, 0, 1, 1, 1, 1};
  mvdb::ScalarQuantizer q(dim, Metric::kL2);
  q.Fit(2, [&](uint32_t r) { return fit.data() + r * dim; });
  const float drift[4] = {5.f, 0.5f, -3.f, 1.f};
  int8_t code[4];
  q.Encode(drift, code, true);
  EXPECT_EQ(code[0], 127);
  EXPECT_EQ(code[2], -127);
  EXPECT_EQ(q.clipped_values(), 2u);
  EXPECT_EQ(q.encoded_values(), 4u);
}

mvdb::IndexConfig Int8Config(uint32_t dim, Metric m, bool keep_float) {
  mvdb::IndexConfig c = mvdb_test::Config(dim, m, 16, 200, 9);
  c.quantization = Quantization::kInt8;
  c.rerank = 4;
  c.keep_float = keep_float;
  return c;
}

double MeanRecall(Index* index, Metric m, const std::vector<float>& data, const std::vector<float>& queries,
                  uint32_t dim, uint32_t ef) {
  const uint32_t nq = static_cast<uint32_t>(queries.size() / dim);
  double sum = 0;
  GrowableArray<Neighbor> out;
  for (uint32_t i = 0; i < nq; ++i) {
    const float* q = queries.data() + uint64_t{i} * dim;
    mvdb::SearchPlan plan;
    EXPECT_TRUE(mvdb_test::SearchOne(*index, q, 10, ef, nullptr, 0, &out, &plan).ok());
    EXPECT_EQ(plan, mvdb::SearchPlan::kGraph);
    sum += mvdb_test::Recall(out, BruteForce(m, data, dim, q, 10));
  }
  return sum / nq;
}

class Int8Recall : public ::testing::TestWithParam<Metric> {};

TEST_P(Int8Recall, AtLeast095AgainstFloatBruteForceWithAndWithoutFloat32) {
  const Metric m = GetParam();
  const uint32_t dim = 32, n = 4000;
  // Queries from the same mixture as the data (as in hnsw_test.cpp).
  const std::vector<float> all = mvdb_test::ClusteredData(n + 100, dim, 40, 123, 1.0);
  const std::vector<float> data(all.begin(), all.begin() + uint64_t{n} * dim);
  const std::vector<float> queries(all.begin() + uint64_t{n} * dim, all.end());
  for (bool keep : {true, false}) {
    Index index;
    ASSERT_TRUE(index.Init(Int8Config(dim, m, keep)).ok());
    for (uint32_t at = 0; at < n; at += 1000) ASSERT_TRUE(index.Add(data.data() + uint64_t{at} * dim, 1000).ok());
    EXPECT_EQ(index.has_floats(), keep);
    EXPECT_EQ(index.BytesPerVector(), keep ? 5 * dim : dim);
    const double recall = MeanRecall(&index, m, data, queries, dim, 96);
    // Without float32 there is no re-ranking: the bound is looser.
    EXPECT_GE(recall, keep ? 0.95 : 0.90) << "keepFloat " << keep;
    // With float32 kept, distances are the exact float ones.
    GrowableArray<Neighbor> out;
    ASSERT_TRUE(mvdb_test::SearchOne(index, queries.data(), 10, 96, nullptr, 0, &out).ok());
    for (const Neighbor& nb : out) {
      const double ref = mvdb_test::RefDistance(m, queries.data(), data.data() + uint64_t{nb.label} * dim, dim);
      EXPECT_NEAR(nb.distance, ref, keep ? 1e-4 * std::max(1.0, std::fabs(ref)) : 0.05 * std::max(1.0, std::fabs(ref)));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Metrics, Int8Recall, ::testing::Values(Metric::kL2, Metric::kIP, Metric::kCosine));

TEST(Int8Index, FitsOnTheFirstVectorsThenFreezesAndDropsFloats) {
  const uint32_t dim = 8;
  const std::vector<float> data = mvdb_test::UniformData(uint64_t{1500} * dim, 5);
  Index index;
  ASSERT_TRUE(index.Init(Int8Config(dim, Metric::kL2, false)).ok());
  ASSERT_TRUE(index.Add(data.data(), 600).ok());
  EXPECT_FALSE(index.quantizer().frozen());
  EXPECT_TRUE(index.has_floats());  // learning: float32 still held
  ASSERT_TRUE(index.Add(data.data() + 600 * dim, 900).ok());
  EXPECT_TRUE(index.quantizer().frozen());
  EXPECT_FALSE(index.has_floats());
  std::vector<float> v(dim);
  for (uint32_t l : {0u, 700u, 1499u}) {
    index.CopyVector(l, v.data());
    for (uint32_t j = 0; j < dim; ++j) EXPECT_NEAR(v[j], data[uint64_t{l} * dim + j], index.quantizer().step() * 0.5f + 1e-6f);
  }
  // Compaction keeps the quantizer and the codes (no float32 to refit on).
  ASSERT_TRUE(index.MarkDeleted(3).ok());
  const float step = index.quantizer().step();
  mvdb::GrowableArray<uint32_t> remap;
  ASSERT_TRUE(index.Compact(&remap).ok());
  EXPECT_EQ(index.size(), 1499u);
  EXPECT_EQ(index.quantizer().step(), step);
  index.CopyVector(remap[4], v.data());
  for (uint32_t j = 0; j < dim; ++j) EXPECT_NEAR(v[j], data[4 * dim + j], step * 0.5f + 1e-6f);
}

TEST(Int8Index, CompactionRefitsOnLiveFloatVectors) {
  const uint32_t dim = 4;
  std::vector<float> data = mvdb_test::UniformData(uint64_t{1100} * dim, 8);
  for (uint32_t j = 0; j < dim; ++j) data[j] = 50.f;  // an outlier at label 0 widens the fit
  Index index;
  ASSERT_TRUE(index.Init(Int8Config(dim, Metric::kL2, true)).ok());
  ASSERT_TRUE(index.Add(data.data(), 1100).ok());
  const float wide = index.quantizer().step();
  ASSERT_TRUE(index.MarkDeleted(0).ok());
  mvdb::GrowableArray<uint32_t> remap;
  ASSERT_TRUE(index.Compact(&remap).ok());
  EXPECT_LT(index.quantizer().step(), wide / 10);  // refitted without the outlier
  EXPECT_TRUE(index.quantizer().frozen());
}

std::vector<uint8_t> Bytes(const Index& index) { return mvdb_test::Serialize(index, {1, 2, 3}); }

Index Reload(const std::vector<uint8_t>& b, mvdb::Status* st) {
  Index out;
  uint64_t off = 0, len = 0;
  *st = mvdb::DeserializeSnapshot(b.data(), b.size(), &out, &off, &len);
  return out;
}

TEST(Int8Snapshot, RoundTripIsBitIdenticalWithTheSameAnswers) {
  const uint32_t dim = 16;
  const std::vector<float> data = mvdb_test::ClusteredData(2000, dim, 10, 12);
  for (bool keep : {true, false}) {
    Index index;
    ASSERT_TRUE(index.Init(Int8Config(dim, Metric::kCosine, keep)).ok());
    ASSERT_TRUE(index.Add(data.data(), 2000).ok());
    ASSERT_TRUE(index.MarkDeleted(5).ok());
    const std::vector<uint8_t> b = Bytes(index);
    EXPECT_EQ(mvdb_test::FindSection(b, "VECS").tag.empty(), !keep);
    EXPECT_EQ(mvdb_test::FindSection(b, "CODE").length, uint64_t{2000} * dim);
    mvdb::Status st;
    Index again = Reload(b, &st);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(Bytes(again), b);
    EXPECT_EQ(again.config().keep_float, keep);
    EXPECT_EQ(again.config().quantization, Quantization::kInt8);
    GrowableArray<Neighbor> x, y;
    for (uint32_t i = 0; i < 20; ++i) {
      ASSERT_TRUE(mvdb_test::SearchOne(index, data.data() + i * dim, 10, 64, nullptr, 0, &x).ok());
      ASSERT_TRUE(mvdb_test::SearchOne(again, data.data() + i * dim, 10, 64, nullptr, 0, &y).ok());
      ASSERT_EQ(x.size(), y.size());
      for (size_t j = 0; j < x.size(); ++j) EXPECT_EQ(x[j].label, y[j].label);
    }
  }
}

void ExpectCorrupt(const std::vector<uint8_t>& b, const std::string& needle) {
  mvdb::Status st;
  Reload(b, &st);
  EXPECT_EQ(st.code(), mvdb::ErrorCode::kSnapshotCorrupt) << needle;
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
}

TEST(Int8Snapshot, CorruptQuantizerAndCodesAreRejected) {
  const uint32_t dim = 8;
  const std::vector<float> data = mvdb_test::ClusteredData(1200, dim, 5, 3);
  Index index;
  ASSERT_TRUE(index.Init(Int8Config(dim, Metric::kL2, false)).ok());
  ASSERT_TRUE(index.Add(data.data(), 1200).ok());
  const std::vector<uint8_t> good = Bytes(index);
  const mvdb_test::Section q = mvdb_test::FindSection(good, "QNT8");
  const mvdb_test::Section c = mvdb_test::FindSection(good, "CODE");
  const mvdb_test::Section conf = mvdb_test::FindSection(good, "CONF");
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU32(&b, q.payload, 0x7FC00000u);  // NaN step
    mvdb_test::FixSectionCrc(&b, "QNT8");
    ExpectCorrupt(b, "step");
  }
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU32(&b, q.payload + 24 + 4, 0x7F800000u);  // Inf offset
    mvdb_test::FixSectionCrc(&b, "QNT8");
    ExpectCorrupt(b, "offset 1");
  }
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU64(&b, q.payload + 8, 99);  // clipped > encoded (0)
    mvdb_test::FixSectionCrc(&b, "QNT8");
    ExpectCorrupt(b, "clipped");
  }
  {
    std::vector<uint8_t> b = good;
    b[c.payload + 17] = 0x80;
    mvdb_test::FixSectionCrc(&b, "CODE");
    ExpectCorrupt(b, "-128");
  }
  {
    std::vector<uint8_t> b = good;
    b[c.payload + 17] ^= 0x01;  // checksum catches a flipped code
    ExpectCorrupt(b, "checksum mismatch in section CODE");
  }
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU32(&b, conf.payload + 64, 1);  // keepFloat on, but no VECS
    mvdb_test::FixSectionCrc(&b, "CONF");
    ExpectCorrupt(b, "missing section VECS");
  }
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU32(&b, conf.payload + 56, 0);  // quantization none, but QNT8/CODE present
    mvdb_test::FixSectionCrc(&b, "CONF");
    ExpectCorrupt(b, "QNT8/CODE sections");
  }
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU32(&b, conf.payload + 56, 7);
    mvdb_test::FixSectionCrc(&b, "CONF");
    ExpectCorrupt(b, "unknown quantization 7");
  }
  {
    std::vector<uint8_t> b = good;
    mvdb_test::PutU32(&b, conf.payload + 60, 0);  // rerank 0
    mvdb_test::FixSectionCrc(&b, "CONF");
    ExpectCorrupt(b, "rerank");
  }
}

std::vector<uint8_t> ReadFixture(const std::string& name) {
  std::ifstream f(std::string(MVDB_SOURCE_DIR) + "/tests/fixtures/snapshots/" + name, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST(LegacySnapshot, Version10FixturesOpenThroughTheUpgradeAndResaveAs20) {
  for (const char* name : {"v1.0-l2.mvdb", "v1.0-cosine.mvdb"}) {
    const std::vector<uint8_t> b = ReadFixture(name);
    ASSERT_GT(b.size(), 24u) << name;
    ASSERT_EQ(b[8] | b[9] << 8, 1) << name;  // really a 1.0 file
    mvdb::Status st;
    Index index = Reload(b, &st);
    ASSERT_TRUE(st.ok()) << name << ": " << st.message();
    EXPECT_EQ(index.size(), 300u);
    EXPECT_EQ(index.deleted_count(), 1u);
    EXPECT_EQ(index.config().quantization, Quantization::kNone);
    EXPECT_TRUE(index.has_floats());
    // Exact search over the upgraded index equals brute force over its rows.
    const uint32_t dim = index.config().dim;
    std::vector<float> rows(index.StoredRow(0), index.StoredRow(0) + uint64_t{300} * dim);
    GrowableArray<Neighbor> out;
    ASSERT_TRUE(mvdb_test::SearchExactOne(index, rows.data() + 10 * dim, 5, nullptr, &out).ok());
    const auto ref = BruteForce(index.config().metric, rows, dim, rows.data() + 10 * dim, 5,
                                [&](uint32_t l) { return !index.IsDeleted(l); });
    ASSERT_EQ(out.size(), ref.size());
    for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].label, ref[i].label);
    const std::vector<uint8_t> resaved = Bytes(index);
    EXPECT_EQ(resaved[8] | resaved[9] << 8, mvdb::kSnapshotMajor);
    Index again = Reload(resaved, &st);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(Bytes(again), resaved);
  }
}

}  // namespace
