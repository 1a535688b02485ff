// The distance computers the graph measures through (distance_computer.hpp,
// code_store.hpp), against references computed here in double / integer
// arithmetic: exact distances, the bound contract of Measure and Symmetric
// (a value <= bound is the exact one bit for bit, a value above it lies in
// (bound, exact]), and which rows and kernels may stop early.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "minivectordb/code_store.hpp"
#include "minivectordb/distance_computer.hpp"
#include "test_data.hpp"

namespace {

using mvdb::CodeDistance;
using mvdb::CodeStore;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::VectorDistance;
using mvdb::VectorStore;

constexpr float kInf = std::numeric_limits<float>::infinity();

VectorStore Rows(uint32_t n, uint32_t dim, uint64_t seed) {
  const std::vector<float> data = mvdb_test::UniformData(size_t{n} * dim, seed);
  VectorStore s(dim);
  EXPECT_TRUE(s.Reserve(n).ok());
  for (uint32_t i = 0; i < n; ++i) s.AppendUnchecked(data.data() + size_t{i} * dim);
  return s;
}

double Tolerance(double exact, uint32_t dim) { return 1e-5 * (std::fabs(exact) + 1.0) * std::sqrt(double(dim)); }

template <typename Dc>
void CheckExact(const VectorStore& rows, Dc dc, Metric m) {
  const uint32_t n = rows.size(), dim = rows.dim();
  const std::vector<float> query = mvdb_test::UniformData(dim, 999);
  dc.SetQuery(query.data());
  std::vector<Neighbor> batch(n);
  for (uint32_t i = 0; i < n; ++i) batch[i] = {0.f, i};
  dc.Measure(batch.data(), n, kInf);
  for (uint32_t i = 0; i < n; ++i) {
    const double ref = mvdb_test::RefDistance(m, query.data(), rows.Get(i), dim);
    EXPECT_NEAR(dc(i), ref, Tolerance(ref, dim)) << "label " << i;
    EXPECT_EQ(batch[i].distance, dc(i)) << "Measure with no bound is operator()";
    const double sym = mvdb_test::RefDistance(m, rows.Get(3), rows.Get(i), dim);
    EXPECT_NEAR(dc.Symmetric(3, i), sym, Tolerance(sym, dim));
  }
  // MeasureFrom(base) is Symmetric(base, j), and SetQueryLabel(base) makes
  // operator() measure from that stored row.
  dc.MeasureFrom(3, batch.data(), n);
  Dc from_label = dc;
  from_label.SetQueryLabel(3);
  for (uint32_t i = 0; i < n; ++i) {
    EXPECT_EQ(batch[i].distance, dc.Symmetric(3, i));
    EXPECT_EQ(from_label(i), dc.Symmetric(3, i));
  }
}

TEST(DistanceComputer, FloatRowsMeasureExactDistances) {
  for (uint32_t dim : {7u, 128u, 256u}) {  // 1 KB rows at 256: touched, bounded
    const VectorStore rows = Rows(40, dim, dim);
    CheckExact(rows, VectorDistance<mvdb::L2Kernel>(rows), Metric::kL2);
    CheckExact(rows, VectorDistance<mvdb::InnerProductKernel>(rows), Metric::kIP);
  }
}

TEST(DistanceComputer, OnlyL2OnLargeRowsStopsEarly) {
  const VectorStore small = Rows(2, 191, 1), large = Rows(2, 192, 2);  // 764 and 768 bytes
  EXPECT_FALSE(VectorDistance<mvdb::L2Kernel>(small).Abandons());
  EXPECT_TRUE(VectorDistance<mvdb::L2Kernel>(large).Abandons());
  EXPECT_FALSE(VectorDistance<mvdb::InnerProductKernel>(large).Abandons());
  CodeStore codes(1024);
  EXPECT_FALSE(CodeDistance<mvdb::L2I8Kernel>(codes, {1.f}).Abandons());
}

TEST(DistanceComputer, BoundedMeasureKeepsTheContract) {
  const VectorStore rows = Rows(60, 320, 5);
  VectorDistance<mvdb::L2Kernel> dc(rows);
  ASSERT_TRUE(dc.Abandons());
  const std::vector<float> query(rows.Get(0), rows.Get(0) + 320);  // label 0 at distance 0
  dc.SetQuery(query.data());
  // Half the second-nearest distance as the bound: label 0 below it, every
  // other label above it, most of them by a partial sum.
  std::vector<float> exact(60);
  for (uint32_t i = 0; i < 60; ++i) exact[i] = dc(i);
  std::vector<float> sorted = exact;
  std::sort(sorted.begin(), sorted.end());
  const float bound = 0.5f * sorted[1];
  std::vector<Neighbor> batch(60);
  for (uint32_t i = 0; i < 60; ++i) batch[i] = {0.f, i};
  dc.Measure(batch.data(), 60, bound);
  uint32_t stopped = 0;
  for (uint32_t i = 0; i < 60; ++i) {
    if (exact[i] <= bound) {
      EXPECT_EQ(batch[i].distance, exact[i]) << i;
    } else {
      EXPECT_GT(batch[i].distance, bound) << i;
      EXPECT_LE(batch[i].distance, exact[i]) << i;
      stopped += batch[i].distance < exact[i] ? 1 : 0;
      const float s = dc.Symmetric(0, i, bound);
      const float se = dc.Symmetric(0, i);
      EXPECT_TRUE(se <= bound ? s == se : (s > bound && s <= se)) << i;
    }
  }
  EXPECT_GT(stopped, 0u) << "no measurement stopped early: the bound was not used";
}

TEST(DistanceComputer, CodesMeasureScaledIntegerDistances) {
  const uint32_t dim = 48, n = 20;
  CodeStore codes(dim);
  ASSERT_TRUE(codes.Reserve(n).ok());
  mvdb_test::Gaussian g(3);
  std::vector<int8_t> row(dim);
  for (uint32_t i = 0; i < n; ++i) {
    for (int8_t& c : row) c = static_cast<int8_t>(int(g.Bits() % 255) - 127);
    codes.AppendUnchecked(row.data());
  }
  const float step2 = 0.0025f;
  CodeDistance<mvdb::L2I8Kernel> l2(codes, {step2});
  CodeDistance<mvdb::InnerProductI8Kernel> ip(codes, {step2});
  l2.SetQuery(codes.Get(0));
  ip.SetQuery(codes.Get(0));
  std::vector<Neighbor> batch(n);
  for (uint32_t i = 0; i < n; ++i) batch[i] = {0.f, i};
  l2.Measure(batch.data(), n, 1.f);  // a bound never stops an integer kernel
  for (uint32_t i = 0; i < n; ++i) {
    int64_t sq = 0, dot = 0;
    for (uint32_t j = 0; j < dim; ++j) {
      const int64_t a = codes.Get(0)[j], b = codes.Get(i)[j];
      sq += (a - b) * (a - b);
      dot += a * b;
    }
    EXPECT_FLOAT_EQ(l2(i), step2 * float(sq));
    EXPECT_EQ(batch[i].distance, l2(i));
    EXPECT_FLOAT_EQ(ip(i), 1.f - step2 * float(dot));
    EXPECT_EQ(ip.Symmetric(0, i), ip(i));
  }
}

}  // namespace
