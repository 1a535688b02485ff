// RaBitQ (rabitq.hpp, rabitq_search.hpp) against independent references:
// the rotation is orthogonal and seeded; the bit-plane kernels (scalar and
// SIMD128 through SIMDe) equal a plain integer dot product of the unpacked
// codes; codes are deterministic for a seed; the estimator is unbiased over
// rotations and within its error bound against exact distances computed
// here in double precision; the search returns exact float32 distances with
// the recall of a brute-force reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/rabitq.hpp"
#include "minivectordb/rabitq_search.hpp"
#include "test_data.hpp"

namespace {

using mvdb::Metric;
using mvdb::RabitqCodes;
using mvdb::RabitqQuery;
using mvdb_test::ClusteredData;
using mvdb_test::Gaussian;

double Dot(const float* a, const float* b, uint32_t n) {
  double s = 0;
  for (uint32_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// Exact distance in double: l2 = Σ(a−b)², ip / cosine = 1 − a·b.
double Exact(Metric m, const float* a, const float* b, uint32_t n) {
  if (m == Metric::kL2) {
    double s = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(a[i]) - b[i];
      s += t * t;
    }
    return s;
  }
  return 1.0 - Dot(a, b, n);
}

std::vector<float> Mean(const std::vector<float>& data, uint32_t dim) {
  std::vector<double> s(dim, 0.0);
  const size_t n = data.size() / dim;
  for (size_t r = 0; r < n; ++r)
    for (uint32_t i = 0; i < dim; ++i) s[i] += data[r * dim + i];
  std::vector<float> out(dim);
  for (uint32_t i = 0; i < dim; ++i) out[i] = static_cast<float>(s[i] / n);
  return out;
}

void Normalize(std::vector<float>* data, uint32_t dim) {
  for (size_t r = 0; r * dim < data->size(); ++r) {
    double s = 0;
    for (uint32_t i = 0; i < dim; ++i) s += double{(*data)[r * dim + i]} * (*data)[r * dim + i];
    for (uint32_t i = 0; i < dim; ++i) (*data)[r * dim + i] = static_cast<float>((*data)[r * dim + i] / std::sqrt(s));
  }
}

TEST(RabitqRotation, PaddedDimension) {
  EXPECT_EQ(mvdb::RabitqPaddedDim(1), 128u);
  EXPECT_EQ(mvdb::RabitqPaddedDim(100), 128u);
  EXPECT_EQ(mvdb::RabitqPaddedDim(128), 128u);
  EXPECT_EQ(mvdb::RabitqPaddedDim(129), 256u);
  EXPECT_EQ(mvdb::RabitqPaddedDim(768), 1024u);
}

TEST(RabitqRotation, OrthogonalAndSeeded) {
  for (const uint32_t dim : {1u, 3u, 100u, 128u, 200u}) {
    const mvdb::RabitqRotation p(dim, 7), same(dim, 7), other(dim, 8);
    const uint32_t D = p.padded_dim();
    Gaussian g(dim);
    std::vector<float> a(dim), b(dim), pa(D), pb(D), sa(D), oa(D);
    for (uint32_t i = 0; i < dim; ++i) a[i] = static_cast<float>(g.Next()), b[i] = static_cast<float>(g.Next());
    p.Apply(a.data(), pa.data());
    p.Apply(b.data(), pb.data());
    same.Apply(a.data(), sa.data());
    other.Apply(a.data(), oa.data());
    const double na = Dot(a.data(), a.data(), dim), ab = Dot(a.data(), b.data(), dim);
    EXPECT_NEAR(Dot(pa.data(), pa.data(), D), na, 1e-5 * na) << dim;
    EXPECT_NEAR(Dot(pa.data(), pb.data(), D), ab, 1e-5 * std::sqrt(na * Dot(b.data(), b.data(), dim))) << dim;
    EXPECT_EQ(0, std::memcmp(pa.data(), sa.data(), D * sizeof(float))) << "same seed, same rotation";
    EXPECT_NE(0, std::memcmp(pa.data(), oa.data(), D * sizeof(float))) << "another seed, another rotation";
  }
}

TEST(RabitqKernel, PlanesEqualIntegerDotProduct) {
  using Fn = uint32_t (*)(const uint8_t*, uint32_t, const uint8_t*, uint32_t);
  std::vector<std::pair<const char*, Fn>> kernels = {{"scalar", &mvdb::scalar::RabitqDotPlanes},
                                                     {"dispatch", &mvdb::RabitqDotPlanes}};
#if MVDB_HAVE_SIMD128
  kernels.push_back({"simd128", &mvdb::simd128::RabitqDotPlanes});
#endif
  Gaussian g(3);
  for (const uint32_t bytes : {16u, 32u, 48u, 128u}) {
    const uint32_t D = bytes * 8;
    for (uint32_t bits = 1; bits <= mvdb::kRabitqMaxBits; ++bits) {
      // Codes and queries as integers, then packed as bit planes.
      std::vector<uint32_t> x(D), u(D);
      std::vector<uint8_t> code(bits * bytes, 0), query(mvdb::kRabitqQueryBits * bytes, 0);
      for (uint32_t i = 0; i < D; ++i) {
        // Extremes too: all-ones codes and queries reach the largest sums.
        x[i] = i % 7 == 0 ? (1u << bits) - 1 : static_cast<uint32_t>(g.Bits() % (1u << bits));
        u[i] = i % 5 == 0 ? 255u : static_cast<uint32_t>(g.Bits() % 256);
        for (uint32_t b = 0; b < bits; ++b) code[b * bytes + i / 8] |= ((x[i] >> b) & 1u) << (i % 8);
        for (uint32_t j = 0; j < 8; ++j) query[j * bytes + i / 8] |= ((u[i] >> j) & 1u) << (i % 8);
      }
      uint64_t expected = 0;
      for (uint32_t i = 0; i < D; ++i) expected += uint64_t{x[i]} * u[i];
      for (const auto& [name, fn] : kernels) EXPECT_EQ(fn(code.data(), bits, query.data(), bytes), expected) << name << " bits " << bits << " bytes " << bytes;
      // The largest sum of all: every code and query value at its top.
      std::vector<uint8_t> ones_c(bits * bytes, 0xFF), ones_q(mvdb::kRabitqQueryBits * bytes, 0xFF);
      for (const auto& [name, fn] : kernels)
        EXPECT_EQ(fn(ones_c.data(), bits, ones_q.data(), bytes), uint64_t{D} * ((1u << bits) - 1) * 255u) << name;
    }
  }
}

TEST(RabitqCodes, RejectsBadBits) {
  RabitqCodes c;
  EXPECT_EQ(c.Init(16, 0, Metric::kL2, 1).code(), mvdb::ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.Init(16, 5, Metric::kL2, 1).code(), mvdb::ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.Init(0, 1, Metric::kL2, 1).code(), mvdb::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(c.Init(16, 4, Metric::kL2, 1).ok());
  EXPECT_EQ(c.row_bytes(), 16u + 4u * 16u);
}

TEST(RabitqCodes, DeterministicForSeed) {
  const uint32_t dim = 100, n = 200;
  const std::vector<float> data = ClusteredData(n, dim, 4, 11);
  const std::vector<float> centroid = Mean(data, dim);
  for (uint32_t bits = 1; bits <= 4; ++bits) {
    RabitqCodes a, b, c;
    ASSERT_TRUE(a.Init(dim, bits, Metric::kL2, 5).ok());
    ASSERT_TRUE(b.Init(dim, bits, Metric::kL2, 5).ok());
    ASSERT_TRUE(c.Init(dim, bits, Metric::kL2, 6).ok());
    for (RabitqCodes* x : {&a, &b, &c}) {
      x->SetCentroid(centroid.data());
      ASSERT_TRUE(x->Reserve(n).ok());
      for (uint32_t r = 0; r < n; ++r) x->AppendUnchecked(data.data() + r * dim);
    }
    size_t differ = 0;
    for (uint32_t r = 0; r < n; ++r) {
      ASSERT_EQ(0, std::memcmp(a.Row(r), b.Row(r), a.row_bytes())) << "row " << r << " bits " << bits;
      differ += std::memcmp(a.Row(r), c.Row(r), a.row_bytes()) != 0;
    }
    EXPECT_EQ(differ, n) << "another seed codes every row differently";
  }
}

struct ErrorStats {
  double mean = 0, rms = 0;
  double violations = 0;        // share of |error| > bound (ε0 = 1.9)
  double wide_violations = 0;   // share of |error| > 1.5 · bound
};

// Estimates of every (row, query) pair against the exact distance.
ErrorStats Errors(Metric metric, uint32_t bits, uint64_t seed, const std::vector<float>& data,
                  const std::vector<float>& queries, uint32_t dim) {
  RabitqCodes codes;
  EXPECT_TRUE(codes.Init(dim, bits, metric, seed).ok());
  codes.SetCentroid(Mean(data, dim).data());
  const uint32_t n = static_cast<uint32_t>(data.size() / dim), nq = static_cast<uint32_t>(queries.size() / dim);
  EXPECT_TRUE(codes.Reserve(n).ok());
  for (uint32_t r = 0; r < n; ++r) codes.AppendUnchecked(data.data() + r * dim);
  ErrorStats s;
  RabitqQuery q;
  for (uint32_t j = 0; j < nq; ++j) {
    codes.PrepareQuery(queries.data() + j * dim, &q);
    for (uint32_t r = 0; r < n; ++r) {
      const double est = codes.Estimate(q, r);
      const double err = est - Exact(metric, data.data() + r * dim, queries.data() + j * dim, dim);
      const double bound = est - codes.LowerBound(q, r, static_cast<float>(est));
      s.mean += err;
      s.rms += err * err;
      s.violations += std::fabs(err) > bound;
      s.wide_violations += std::fabs(err) > 1.5 * bound;
    }
  }
  const double pairs = static_cast<double>(n) * nq;
  s.mean /= pairs;
  s.rms = std::sqrt(s.rms / pairs);
  s.violations /= pairs;
  s.wide_violations /= pairs;
  return s;
}

TEST(RabitqCodes, EstimatorWithinBoundAndTighterWithBits) {
  const uint32_t dim = 100;
  for (const Metric metric : {Metric::kL2, Metric::kIP, Metric::kCosine}) {
    std::vector<float> data = ClusteredData(1000, dim, 8, 21), queries = ClusteredData(20, dim, 8, 22);
    if (metric == Metric::kCosine) Normalize(&data, dim), Normalize(&queries, dim);
    if (metric == Metric::kIP) {  // small norms, so 1 − a·b stays near 1
      for (float& v : data) v *= 0.1f;
      for (float& v : queries) v *= 0.1f;
    }
    double rms1 = 0;
    for (uint32_t bits = 1; bits <= 4; ++bits) {
      const ErrorStats s = Errors(metric, bits, 9, data, queries, dim);
      // The error is close to normal with standard deviation bound / ε0 ·
      // √(1 − ⟨o,q⟩²) (the papers' analysis), so ε0 = 1.9 fails for at most
      // P(|N(0,1)| > 1.9) ≈ 5.7 % of the pairs (nearly orthogonal ones), and
      // 1.5 times the bound (2.85 σ) for about 0.4 %.
      EXPECT_LE(s.violations, 0.07) << "metric " << int(metric) << " bits " << bits;
      EXPECT_LE(s.wide_violations, 0.01) << "metric " << int(metric) << " bits " << bits;
      // No gross systematic error across pairs (unbiasedness proper is over
      // rotations: EstimatorUnbiasedOverRotations).
      EXPECT_LE(std::fabs(s.mean), 0.25 * s.rms) << "metric " << int(metric) << " bits " << bits;
      if (bits == 1) rms1 = s.rms;
      if (bits == 4) {
        EXPECT_LT(s.rms, rms1 / 4) << "4 bits are much tighter than 1, metric " << int(metric);
      }
    }
  }
}

TEST(RabitqCodes, EstimatorUnbiasedOverRotations) {
  // One (row, query) pair estimated under 400 seeds: the mean estimate is
  // the exact distance within 4 standard errors (the unbiasedness of the
  // papers' estimator is over the random rotation).
  const uint32_t dim = 64, seeds = 400;
  const std::vector<float> data = ClusteredData(2, dim, 2, 31);
  const float* o = data.data();
  const float* q = data.data() + dim;
  for (const Metric metric : {Metric::kL2, Metric::kIP}) {
    for (const uint32_t bits : {1u, 3u}) {
      double sum = 0, sum2 = 0;
      RabitqQuery prepared;
      for (uint32_t seed = 0; seed < seeds; ++seed) {
        RabitqCodes codes;
        ASSERT_TRUE(codes.Init(dim, bits, metric, 1000 + seed).ok());
        ASSERT_TRUE(codes.Reserve(1).ok());
        codes.AppendUnchecked(o);  // centroid 0
        codes.PrepareQuery(q, &prepared);
        const double e = codes.Estimate(prepared, 0);
        sum += e;
        sum2 += e * e;
      }
      const double mean = sum / seeds, sd = std::sqrt(std::max(0.0, sum2 / seeds - mean * mean));
      EXPECT_GT(sd, 0.0) << "the rotations differ";
      EXPECT_NEAR(mean, Exact(metric, o, q, dim), 4 * sd / std::sqrt(double{seeds}) + 1e-6)
          << "metric " << int(metric) << " bits " << bits;
    }
  }
}

TEST(RabitqCodes, CentroidRowHasExactZeroResidual) {
  const uint32_t dim = 10;
  std::vector<float> c(dim, 0.5f), q(dim, 0.f);
  q[0] = 1.f;
  RabitqCodes codes;
  ASSERT_TRUE(codes.Init(dim, 2, Metric::kL2, 1).ok());
  codes.SetCentroid(c.data());
  ASSERT_TRUE(codes.Reserve(1).ok());
  codes.AppendUnchecked(c.data());
  RabitqQuery prepared;
  codes.PrepareQuery(q.data(), &prepared);
  EXPECT_NEAR(codes.Estimate(prepared, 0), Exact(Metric::kL2, c.data(), q.data(), dim), 1e-5);
  EXPECT_FLOAT_EQ(codes.LowerBound(prepared, 0, 1.f), 1.f) << "no error term without a residual";
}

TEST(RabitqSearch, ExactDistancesAndRecall) {
  const uint32_t dim = 48, n = 3000, nq = 40, k = 10;
  const std::vector<float> data = ClusteredData(n, dim, 12, 41), queries = ClusteredData(nq, dim, 12, 42);
  mvdb::Index index;
  ASSERT_TRUE(index.Init(mvdb_test::Config(dim, Metric::kL2)).ok());
  ASSERT_TRUE(index.Add(data.data(), n).ok());
  // SearchT uses the graph's scratch; the index is this test's own.
  mvdb::HnswGraph& graph = const_cast<mvdb::HnswGraph&>(index.graph());
  for (const uint32_t bits : {1u, 4u}) {
    RabitqCodes codes;
    ASSERT_TRUE(codes.Init(dim, bits, Metric::kL2, 3).ok());
    codes.SetCentroid(Mean(data, dim).data());
    ASSERT_TRUE(codes.Reserve(n).ok());
    for (uint32_t r = 0; r < n; ++r) codes.AppendUnchecked(index.StoredRow(r));
    double recall = 0;
    uint64_t reranked = 0;
    mvdb::GrowableArray<mvdb::Neighbor> candidates, out;
    RabitqQuery prepared;
    for (uint32_t j = 0; j < nq; ++j) {
      const float* q = queries.data() + j * dim;
      codes.PrepareQuery(q, &prepared);
      mvdb::RabitqSearchStats stats;
      ASSERT_TRUE(mvdb::RabitqSearch(graph, codes, index.store(), Metric::kL2, q, prepared, k, 128, mvdb::LabelFilter{},
                                     &candidates, &out, &stats)
                      .ok());
      ASSERT_EQ(out.size(), k);
      EXPECT_EQ(stats.candidates, 128u);
      EXPECT_GE(stats.reranked, k);
      EXPECT_LE(stats.reranked, stats.candidates);
      reranked += stats.reranked;
      for (uint32_t i = 0; i < k; ++i) {
        const double exact = Exact(Metric::kL2, data.data() + uint64_t{out[i].label} * dim, q, dim);
        EXPECT_NEAR(out[i].distance, exact, 1e-4 * (1 + exact)) << "results carry exact float32 distances";
        if (i > 0) {
          EXPECT_LE(out[i - 1].distance, out[i].distance);
        }
      }
      recall += mvdb_test::Recall(out, mvdb_test::BruteForce(Metric::kL2, data, dim, q, k));
    }
    // One bit on 48 dimensions estimates coarsely (the walk goes astray
    // more often); four bits walk almost as float32 does.
    EXPECT_GE(recall / nq, bits == 1 ? 0.85 : 0.95) << "bits " << bits;
    // The bound prunes: not every candidate needs its float32 row.
    EXPECT_LT(reranked, uint64_t{nq} * 128) << "bits " << bits;
  }
}

}  // namespace
