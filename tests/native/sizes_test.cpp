// Sizes and values at the limits of wasm32 (issue #16): region checks of the
// Embind boundary (region.hpp), buffer and reservation sizes whose products
// pass 2^32 bytes, and the squared-norm limit that keeps float32 distances
// finite (kMaxSquaredNorm).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/distance_int8.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/region.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::ErrorCode;
using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::Metric;
using mvdb::Neighbor;

constexpr uint64_t kTwo32 = uint64_t{1} << 32;

TEST(RegionBytes, ProductsPast32BitsAreExactOrSaturate) {
  // The batch: 536,335 queries × k = 1,000 labels of 4 bytes; in
  // 32 bits 2,145,340,000 · 2 (labels + distances) + … wrapped.
  EXPECT_EQ(mvdb::RegionBytes(536335, 1000, 8), 4290680000u);
  EXPECT_EQ(mvdb::RegionBytes(1u << 20, 1u << 20, 4), uint64_t{1} << 42);  // 0 in 32 bits
  EXPECT_EQ(mvdb::RegionBytes(UINT32_MAX, UINT32_MAX, 8), UINT64_MAX);     // 2^67: saturates
  EXPECT_EQ(mvdb::RegionBytes(UINT64_MAX, 2, 1), UINT64_MAX);
  EXPECT_EQ(mvdb::RegionBytes(0, UINT64_MAX, UINT64_MAX), 0u);
  EXPECT_EQ(mvdb::SaturatingMul(kTwo32, kTwo32), UINT64_MAX);
  EXPECT_EQ(mvdb::SaturatingMul(kTwo32, kTwo32 - 1), (kTwo32 - 1) << 32);
}

TEST(CheckRegion, InsideTheMemoryOnly) {
  const uint64_t memory = 64u << 20;
  EXPECT_TRUE(mvdb::CheckRegion(1024, 4096, memory, "x").ok());
  EXPECT_TRUE(mvdb::CheckRegion(memory - 16, 16, memory, "x").ok());  // ends exactly at the end
  EXPECT_TRUE(mvdb::CheckRegion(0, 0, memory, "x").ok());             // empty: never touched
  EXPECT_EQ(mvdb::CheckRegion(memory - 16, 17, memory, "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb::CheckRegion(memory + 1, 1, memory, "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb::CheckRegion(0, 4, memory, "x").code(), ErrorCode::kInvalidArgument);  // null address
  // A size that wraps to a few bytes in 32 bits is still seen whole.
  const uint64_t wrapped = mvdb::RegionBytes(536335, 1000 * 2 + 2, 4) + 536335 * 4;
  EXPECT_GT(wrapped, kTwo32);
  EXPECT_EQ(mvdb::CheckRegion(1024, wrapped, kTwo32, "scratch").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb::CheckRegion(1024, UINT64_MAX, kTwo32, "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb::CheckRegion(UINT64_MAX, 1, kTwo32, "x").code(), ErrorCode::kInvalidArgument);
  // The message names the region and both sizes.
  const mvdb::Status st = mvdb::CheckRegion(1024, uint64_t{1} << 42, memory, "result labels");
  EXPECT_NE(st.message().find("result labels: 4398046511104 bytes at address 1024"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(std::to_string(memory)), std::string::npos);
  EXPECT_NE(mvdb::CheckRegion(1, UINT64_MAX, memory, "q").message().find("over 2^64"), std::string::npos);
}

// One buffer holds at most 2^32 - 1 bytes natively too (the wasm32 limit),
// so these fail before malloc instead of allocating gigabytes.
TEST(GrowableArray, BuffersOver4GiBAreRefusedBeforeMalloc) {
  GrowableArray<float> f;
  ASSERT_TRUE(f.Resize(3).ok());
  EXPECT_EQ(f.Reserve(uint64_t{1} << 30).code(), ErrorCode::kOutOfMemory);  // exactly 2^32 bytes
  EXPECT_EQ(f.Reserve((uint64_t{1} << 30) + 1).code(), ErrorCode::kOutOfMemory);
  EXPECT_EQ(f.size(), 3u);
  GrowableArray<uint8_t> b;
  EXPECT_EQ(b.Reserve(kTwo32).code(), ErrorCode::kOutOfMemory);
  const mvdb::Status st = b.Reserve(UINT64_MAX);
  EXPECT_EQ(st.code(), ErrorCode::kOutOfMemory);
  EXPECT_NE(st.message().find("4294967295"), std::string::npos) << st.message();
  EXPECT_EQ(b.capacity(), 0u);
}

class IndexSizes : public ::testing::Test {
 protected:
  void Make(uint32_t dim, Metric metric) { ASSERT_TRUE(index_.Init(mvdb_test::Config(dim, metric, 4, 8)).ok()); }
  Index index_;
};

// Reservations whose bytes (n × dim × 4) pass 2^32 are refused whole; the
// index is unchanged.
TEST_F(IndexSizes, ReserveForAddPast4GiBIsOutOfMemory) {
  Make(mvdb::kMaxDim, Metric::kL2);
  std::vector<float> v(mvdb::kMaxDim, 0.5f);
  ASSERT_TRUE(index_.Add(v.data(), 1).ok());
  const std::vector<uint8_t> before = mvdb_test::Serialize(index_);
  // 16,384 × 65,536 × 4 = 2^32 bytes of rows (in 32 bits: 0).
  for (uint32_t n : {16384u, 16385u, 1u << 20, UINT32_MAX - 1}) {
    const mvdb::Status st = index_.ReserveForAdd(n);
    EXPECT_EQ(st.code(), ErrorCode::kOutOfMemory) << "n=" << n;
    EXPECT_FALSE(st.message().empty());
  }
  EXPECT_EQ(mvdb_test::Serialize(index_), before);
  EXPECT_EQ(index_.size(), 1u);
  // Still usable.
  ASSERT_TRUE(index_.Add(v.data(), 1).ok());
  GrowableArray<Neighbor> out;
  ASSERT_TRUE(mvdb_test::SearchOne(index_, v.data(), 2, 8, nullptr, 0, &out).ok());
  EXPECT_EQ(out.size(), 2u);
}

// k and ef at and past their limits.
TEST_F(IndexSizes, SearchKAndEfLimits) {
  Make(4, Metric::kL2);
  const std::vector<float> data = mvdb_test::UniformData(4 * 50, 3);
  ASSERT_TRUE(index_.Add(data.data(), 50).ok());
  GrowableArray<Neighbor> out;
  EXPECT_TRUE(mvdb_test::SearchOne(index_, data.data(), mvdb::kMaxK, mvdb::kMaxEf, nullptr, 0, &out).ok());
  EXPECT_EQ(out.size(), 50u);
  // k is clamped to the labels that can match before kMaxK applies: any k
  // past them returns all 50, graph or exact.
  EXPECT_TRUE(mvdb_test::SearchOne(index_, data.data(), mvdb::kMaxK + 1, 8, nullptr, 0, &out).ok());
  EXPECT_EQ(out.size(), 50u);
  EXPECT_TRUE(mvdb_test::SearchOne(index_, data.data(), UINT32_MAX, 8, nullptr, 0, &out).ok());
  EXPECT_EQ(out.size(), 50u);
  EXPECT_EQ(mvdb_test::SearchOne(index_, data.data(), 4, mvdb::kMaxEf + 1, nullptr, 0, &out).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(mvdb_test::SearchExactOne(index_, data.data(), UINT32_MAX, nullptr, &out).ok());
  EXPECT_EQ(out.size(), 50u);
}

/// Σ c² over d values, in double, in index order (as Index::Add sums).
double SquaredNorm(float c, uint32_t d) {
  double s = 0.0;
  for (uint32_t i = 0; i < d; ++i) s += static_cast<double>(c) * c;
  return s;
}

/// The largest float c such that a vector of d values c is accepted.
float LargestAccepted(uint32_t d) {
  float c = static_cast<float>(std::sqrt(mvdb::kMaxSquaredNorm / d));
  while (SquaredNorm(c, d) > mvdb::kMaxSquaredNorm) c = std::nextafter(c, 0.f);
  while (SquaredNorm(std::nextafter(c, FLT_MAX), d) <= mvdb::kMaxSquaredNorm) c = std::nextafter(c, FLT_MAX);
  return c;
}

double RefL2(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
  return s;
}

double RefDot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += double{a[i]} * b[i];
  return s;
}

TEST_F(IndexSizes, ValuesWhoseSquaresOverflowAreRefused) {
  Make(4, Metric::kL2);
  const std::vector<float> ok = {1.f, 2.f, 3.f, 4.f};
  ASSERT_TRUE(index_.Add(ok.data(), 1).ok());
  const std::vector<uint8_t> before = mvdb_test::Serialize(index_);
  // Second vector of the batch: 3e38 (finite, but its square is not).
  const std::vector<float> batch = {1.f, 1.f, 1.f, 1.f, 0.f, 3e38f, 0.f, 0.f};
  const mvdb::Status st = index_.Add(batch.data(), 2);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("vector 1 has squared norm 9e+76, over the limit 4.25353e+37"), std::string::npos) << st.message();
  EXPECT_EQ(mvdb_test::Serialize(index_), before);
  GrowableArray<Neighbor> out;
  const mvdb::Status q = mvdb_test::SearchOne(index_, batch.data() + 4, 1, 8, nullptr, 0, &out);
  EXPECT_EQ(q.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(q.message().find("query has squared norm"), std::string::npos) << q.message();
  EXPECT_EQ(mvdb_test::SearchExactOne(index_, batch.data() + 4, 1, nullptr, &out).code(), ErrorCode::kInvalidArgument);
}

// At the limit every distance is finite and matches a double reference; one
// float32 step above it is refused.
TEST_F(IndexSizes, VectorsAtTheLimitHaveFiniteDistances) {
  for (Metric metric : {Metric::kL2, Metric::kIP, Metric::kCosine}) {
    for (uint32_t dim : {1u, 3u, 128u}) {
      SCOPED_TRACE(testing::Message() << "metric " << static_cast<int>(metric) << " dim " << dim);
      index_ = Index();
      Make(dim, metric);
      const float c = LargestAccepted(dim);
      std::vector<std::vector<float>> rows;
      for (uint32_t p = 0; p < 4; ++p) {
        std::vector<float> v(dim);
        for (uint32_t i = 0; i < dim; ++i) v[i] = (i + p) % (p + 2) == 0 ? -c : c;
        rows.push_back(v);
      }
      std::vector<float> neg(rows[0]);
      for (float& x : neg) x = -x;
      rows.push_back(neg);
      for (const auto& r : rows) ASSERT_TRUE(index_.Add(r.data(), 1).ok());
      const std::vector<float> over(dim, std::nextafter(c, FLT_MAX));
      EXPECT_EQ(index_.Add(over.data(), 1).code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(index_.size(), rows.size());
      GrowableArray<Neighbor> out;
      for (const auto& q : rows) {
        ASSERT_TRUE(mvdb_test::SearchExactOne(index_, q.data(), 8, nullptr, &out).ok());
        ASSERT_EQ(out.size(), rows.size());
        for (const Neighbor& n : out) {
          ASSERT_TRUE(std::isfinite(n.distance)) << "label " << n.label;
          const std::vector<float>& r = rows[n.label];
          double ref = 0.0;
          if (metric == Metric::kL2) {
            ref = RefL2(q, r);
          } else if (metric == Metric::kIP) {
            ref = 1.0 - RefDot(q, r);
          } else {
            ref = 1.0 - RefDot(q, r) / std::sqrt(RefDot(q, q) * RefDot(r, r));
          }
          EXPECT_NEAR(n.distance, ref, 1e-5 * std::max(1.0, std::fabs(ref)));
        }
      }
      if (metric == Metric::kL2) {
        ASSERT_TRUE(mvdb_test::SearchExactOne(index_, rows[0].data(), 8, nullptr, &out).ok());
        EXPECT_LE(out.back().distance, FLT_MAX / 2 * 1.0001);  // ‖x − (−x)‖² = 4‖x‖² ≤ FLT_MAX / 2
        EXPECT_GE(out.back().distance, FLT_MAX / 2 * 0.9999);
      }
    }
  }
}

// A snapshot cannot bring in what Add refuses: a vector over the limit is
// corrupt; one at the limit loads and keeps its finite distances.
TEST_F(IndexSizes, SnapshotVectorsOverTheLimitAreRefused) {
  Make(4, Metric::kL2);
  const float c = LargestAccepted(4);
  const std::vector<float> rows = {1.f, 2.f, 3.f, 4.f, c, c, c, c, -c, -c, -c, -c};
  ASSERT_TRUE(index_.Add(rows.data(), 3).ok());
  const std::vector<uint8_t> good = mvdb_test::Serialize(index_);
  Index loaded;
  uint64_t off = 0, len = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(good.data(), good.size(), &loaded, &off, &len).ok());
  GrowableArray<Neighbor> out;
  ASSERT_TRUE(mvdb_test::SearchExactOne(loaded, rows.data() + 4, 3, nullptr, &out).ok());
  EXPECT_TRUE(std::isfinite(out[2].distance));
  for (float bad : {3e38f, std::nextafter(c, FLT_MAX) * 2}) {
    std::vector<uint8_t> b = good;
    uint32_t bits;
    std::memcpy(&bits, &bad, 4);
    mvdb_test::PutU32(&b, mvdb_test::FindSection(b, "VECS").payload + 4 * 5, bits);  // vector 1, value 1
    mvdb_test::FixSectionCrc(&b, "VECS");
    const mvdb::Status st = mvdb::DeserializeSnapshot(b.data(), b.size(), &loaded, &off, &len);
    EXPECT_EQ(st.code(), ErrorCode::kSnapshotCorrupt) << bad;
    EXPECT_NE(st.message().find("vector 1 has a squared norm over the limit"), std::string::npos) << st.message();
  }
}

// The int8 kernels saturate instead of overflowing to ±Infinity.
TEST(Int8Kernels, DistancesSaturateAtFltMax) {
  const std::vector<int8_t> a(64, 127), b(64, -127);
  const float step2 = static_cast<float>(mvdb::kMaxStep * mvdb::kMaxStep);
  const float l2 = mvdb::L2I8Kernel::Distance(a.data(), b.data(), 64, step2);
  EXPECT_EQ(l2, FLT_MAX);
  const float ip = mvdb::InnerProductI8Kernel::Distance(a.data(), a.data(), 64, step2);
  EXPECT_EQ(ip, -FLT_MAX);
  EXPECT_EQ(mvdb::InnerProductI8Kernel::Distance(a.data(), b.data(), 64, step2), FLT_MAX);
  // Ordinary values are untouched.
  EXPECT_EQ(mvdb::L2I8Kernel::Distance(a.data(), b.data(), 64, 0.25f), 0.25f * 64 * 254 * 254);
}

}  // namespace
