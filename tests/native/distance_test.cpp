// Distance kernels (scalar and SIMD128 through SIMDe) against an independent
// double-precision reference, and NormalizeInPlace.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "minivectordb/distance.hpp"
#include "test_data.hpp"

namespace {

using mvdb_test::UniformData;

using Kernel = float (*)(const float*, const float*, uint32_t);

struct KernelCase {
  const char* name;
  Kernel l2sq;
  Kernel dot;
};

std::vector<KernelCase> Kernels() {
  std::vector<KernelCase> k = {{"scalar", &mvdb::scalar::L2Sq, &mvdb::scalar::Dot},
                               {"dispatch", &mvdb::L2Sq, &mvdb::Dot}};
#if MVDB_HAVE_SIMD128
  k.push_back({"simd128", &mvdb::simd128::L2Sq, &mvdb::simd128::Dot});
#endif
  return k;
}

const uint32_t kDims[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 128, 384, 768};

struct Ref {
  double value;
  double magnitude;  // sum of |terms|: the scale of the rounding error
};

Ref RefL2(const float* a, const float* b, uint32_t d) {
  double s = 0;
  for (uint32_t i = 0; i < d; ++i) {
    const double t = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    s += t * t;
  }
  return {s, s};
}

Ref RefDot(const float* a, const float* b, uint32_t d) {
  double s = 0, m = 0;
  for (uint32_t i = 0; i < d; ++i) {
    s += static_cast<double>(a[i]) * b[i];
    m += std::fabs(static_cast<double>(a[i]) * b[i]);
  }
  return {s, m};
}

// Float summation of d terms: |error| <= ~d * 2^-24 * sum|terms| (plus the
// rounding of each difference for L2). Twice that keeps well clear of a
// dropped or duplicated element, which moves the result by ~sum|terms| / d.
double Tolerance(const Ref& r, uint32_t d) { return 2.0 * (d + 2) * FLT_EPSILON * r.magnitude + 1e-30; }

TEST(Distance, SimdKernelsAreCompiledWhenSimdeIsEnabled) {
#if defined(MVDB_USE_SIMDE) || defined(__wasm_simd128__)
  EXPECT_EQ(MVDB_HAVE_SIMD128, 1);
#else
  GTEST_SKIP() << "built without SIMDe: only the scalar kernels are tested";
#endif
}

TEST(Distance, RandomDataMatchesDoubleReference) {
  for (const KernelCase& kc : Kernels()) {
    for (uint32_t d : kDims) {
      for (uint64_t trial = 0; trial < 4; ++trial) {
        const std::vector<float> a = UniformData(d, 1000 + d * 17 + trial, -3.0, 3.0);
        const std::vector<float> b = UniformData(d, 5000 + d * 31 + trial, -3.0, 3.0);
        const Ref rl = RefL2(a.data(), b.data(), d);
        const Ref rd = RefDot(a.data(), b.data(), d);
        EXPECT_NEAR(kc.l2sq(a.data(), b.data(), d), rl.value, Tolerance(rl, d)) << kc.name << " l2sq d=" << d;
        EXPECT_NEAR(kc.dot(a.data(), b.data(), d), rd.value, Tolerance(rd, d)) << kc.name << " dot d=" << d;
      }
    }
  }
}

// Small integers make every partial sum exact in float, so any kernel must
// agree with the reference to the last bit: a skipped, repeated or misplaced
// element (block or tail) cannot hide inside the tolerance.
TEST(Distance, SmallIntegerDataIsExact) {
  for (const KernelCase& kc : Kernels()) {
    for (uint32_t d : kDims) {
      mvdb_test::Gaussian g(77 + d);
      std::vector<float> a(d), b(d);
      for (uint32_t i = 0; i < d; ++i) {
        a[i] = static_cast<float>(static_cast<int>(g.Bits() % 17) - 8);
        b[i] = static_cast<float>(static_cast<int>(g.Bits() % 17) - 8);
      }
      EXPECT_EQ(static_cast<double>(kc.l2sq(a.data(), b.data(), d)), RefL2(a.data(), b.data(), d).value)
          << kc.name << " d=" << d;
      EXPECT_EQ(static_cast<double>(kc.dot(a.data(), b.data(), d)), RefDot(a.data(), b.data(), d).value)
          << kc.name << " d=" << d;
    }
  }
}

// Each single coordinate, wherever it falls (16-blocks, 4-blocks, tail),
// contributes exactly once.
TEST(Distance, EveryCoordinateCountsOnce) {
  for (const KernelCase& kc : Kernels()) {
    for (uint32_t d : {1u, 3u, 5u, 17u, 31u, 35u, 100u}) {
      std::vector<float> a(d, 0.f), b(d, 0.f), ones(d, 1.f);
      for (uint32_t i = 0; i < d; ++i) {
        a[i] = 3.f;
        ASSERT_EQ(kc.l2sq(a.data(), b.data(), d), 9.f) << kc.name << " d=" << d << " i=" << i;
        ASSERT_EQ(kc.dot(a.data(), ones.data(), d), 3.f) << kc.name << " d=" << d << " i=" << i;
        a[i] = 0.f;
      }
    }
  }
}

TEST(Distance, UnalignedPointers) {
  for (const KernelCase& kc : Kernels()) {
    for (uint32_t d : kDims) {
      // Offsetting by one float breaks 16-byte alignment of both operands.
      std::vector<float> abuf = UniformData(d + 1, 900 + d);
      std::vector<float> bbuf = UniformData(d + 3, 1900 + d);
      const float* a = abuf.data() + 1;
      const float* b = bbuf.data() + 3;
      const Ref rl = RefL2(a, b, d);
      const Ref rd = RefDot(a, b, d);
      EXPECT_NEAR(kc.l2sq(a, b, d), rl.value, Tolerance(rl, d)) << kc.name << " d=" << d;
      EXPECT_NEAR(kc.dot(a, b, d), rd.value, Tolerance(rd, d)) << kc.name << " d=" << d;
    }
  }
}

using BoundedKernel = float (*)(const float*, const float*, uint32_t, float);

struct BoundedCase {
  const char* name;
  BoundedKernel bounded;
  Kernel full;
};

std::vector<BoundedCase> BoundedKernels() {
  std::vector<BoundedCase> k = {{"scalar", &mvdb::scalar::L2SqBounded, &mvdb::scalar::L2Sq},
                                {"dispatch", &mvdb::L2SqBounded, &mvdb::L2Sq}};
#if MVDB_HAVE_SIMD128
  k.push_back({"simd128", &mvdb::simd128::L2SqBounded, &mvdb::simd128::L2Sq});
#endif
  return k;
}

// The contract the graph walk relies on: at or below the bound the exact
// kernel's value bit for bit; above it a value in (bound, exact], so that a
// dropped neighbour really was farther. The exact value is checked against
// the double reference too, and every bound from 0 to past the distance is
// tried, so stops after each chunk (and none) all occur.
TEST(Distance, BoundedL2StopsOnlyAboveTheBound) {
  for (const BoundedCase& kc : BoundedKernels()) {
    for (uint32_t d : {1u, 63u, 64u, 65u, 128u, 200u, 784u}) {
      const std::vector<float> a = UniformData(d, 300 + d, -2.0, 2.0);
      const std::vector<float> b = UniformData(d, 700 + d, -2.0, 2.0);
      const float exact = kc.full(a.data(), b.data(), d);
      const Ref rl = RefL2(a.data(), b.data(), d);
      ASSERT_NEAR(exact, rl.value, Tolerance(rl, d)) << kc.name << " d=" << d;
      uint32_t stopped = 0;
      for (int step = 0; step <= 24; ++step) {
        const float bound = exact * static_cast<float>(step) / 20.f;
        const float got = kc.bounded(a.data(), b.data(), d, bound);
        if (got <= bound) {
          ASSERT_EQ(got, exact) << kc.name << " d=" << d << " bound=" << bound;
        } else {
          ASSERT_LE(got, exact) << kc.name << " d=" << d << " bound=" << bound;
          if (got < exact) ++stopped;
        }
      }
      // With 64-value chunks a row of more than one chunk stops early for
      // small bounds; a single chunk never can.
      if (d > mvdb::kAbandonChunk) EXPECT_GT(stopped, 0u) << kc.name << " d=" << d;
      if (d <= mvdb::kAbandonChunk) EXPECT_EQ(stopped, 0u) << kc.name << " d=" << d;
      EXPECT_EQ(kc.bounded(a.data(), b.data(), d, std::numeric_limits<float>::infinity()), exact) << kc.name;
    }
  }
}

TEST(Distance, IdenticalVectorsHaveZeroL2) {
  for (const KernelCase& kc : Kernels()) {
    for (uint32_t d : kDims) {
      const std::vector<float> a = UniformData(d, 4242 + d, -100.0, 100.0);
      EXPECT_EQ(kc.l2sq(a.data(), a.data(), d), 0.f) << kc.name << " d=" << d;
    }
  }
}

TEST(Distance, MetricKernelsFollowTheMetrics) {
  const std::vector<float> a = UniformData(17, 1), b = UniformData(17, 2);
  const Ref rl = RefL2(a.data(), b.data(), 17);
  const Ref rd = RefDot(a.data(), b.data(), 17);
  EXPECT_NEAR(mvdb::L2Kernel::Distance(a.data(), b.data(), 17), rl.value, Tolerance(rl, 17));
  EXPECT_NEAR(mvdb::InnerProductKernel::Distance(a.data(), b.data(), 17), 1.0 - rd.value, Tolerance(rd, 17) + 1e-7);
  EXPECT_TRUE(mvdb::IsValidMetric(0));
  EXPECT_TRUE(mvdb::IsValidMetric(2));
  EXPECT_FALSE(mvdb::IsValidMetric(3));
}

double NormOf(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

TEST(Normalize, ProducesUnitNormAndKeepsDirection) {
  for (uint32_t d : kDims) {
    std::vector<float> v = UniformData(d, 31337 + d, -5.0, 5.0);
    const std::vector<float> orig = v;
    const double n0 = NormOf(orig);
    if (n0 == 0.0) continue;
    ASSERT_TRUE(mvdb::NormalizeInPlace(v.data(), d)) << "d=" << d;
    EXPECT_NEAR(NormOf(v), 1.0, 1e-6) << "d=" << d;
    for (uint32_t i = 0; i < d; ++i) EXPECT_NEAR(v[i], orig[i] / n0, 1e-6) << "d=" << d << " i=" << i;
  }
}

TEST(Normalize, ZeroVectorReturnsFalseAndIsUnchanged) {
  std::vector<float> v(16, 0.f);
  EXPECT_FALSE(mvdb::NormalizeInPlace(v.data(), 16));
  for (float x : v) EXPECT_EQ(x, 0.f);
  // -0.0 must stay -0.0 (unchanged bits, not rewritten).
  float z[3] = {-0.f, 0.f, -0.f};
  EXPECT_FALSE(mvdb::NormalizeInPlace(z, 3));
  EXPECT_TRUE(std::signbit(z[0]));
  EXPECT_FALSE(std::signbit(z[1]));
  EXPECT_TRUE(std::signbit(z[2]));
}

TEST(Normalize, NonFiniteReturnsFalseAndIsUnchanged) {
  float inf_v[4] = {1.f, std::numeric_limits<float>::infinity(), 2.f, 3.f};
  EXPECT_FALSE(mvdb::NormalizeInPlace(inf_v, 4));
  EXPECT_EQ(inf_v[0], 1.f);
  EXPECT_TRUE(std::isinf(inf_v[1]));
  EXPECT_EQ(inf_v[3], 3.f);
  float nan_v[2] = {std::numeric_limits<float>::quiet_NaN(), 1.f};
  EXPECT_FALSE(mvdb::NormalizeInPlace(nan_v, 2));
  EXPECT_TRUE(std::isnan(nan_v[0]));
  EXPECT_EQ(nan_v[1], 1.f);
}

// Squares of these overflow (or underflow) in float, not in double.
TEST(Normalize, ExtremeMagnitudes) {
  std::vector<float> big(8, 1e30f);
  ASSERT_TRUE(mvdb::NormalizeInPlace(big.data(), 8));
  for (float x : big) EXPECT_NEAR(x, 1.0 / std::sqrt(8.0), 1e-6);
  std::vector<float> tiny(8, 1e-30f);
  ASSERT_TRUE(mvdb::NormalizeInPlace(tiny.data(), 8));
  for (float x : tiny) EXPECT_NEAR(x, 1.0 / std::sqrt(8.0), 1e-6);
}

// Norms below 1/FLT_MAX: the scale factor does not fit in a float. The result
// must still be a finite unit vector (it used to become Inf/NaN while
// returning true).
TEST(Normalize, SubnormalInput) {
  const float denorm_min = std::numeric_limits<float>::denorm_min();
  float a[3] = {denorm_min, 0.f, 0.f};
  ASSERT_TRUE(mvdb::NormalizeInPlace(a, 3));
  EXPECT_EQ(a[0], 1.f);
  EXPECT_EQ(a[1], 0.f);
  EXPECT_EQ(a[2], 0.f);
  float b[2] = {-3 * denorm_min, 4 * denorm_min};
  ASSERT_TRUE(mvdb::NormalizeInPlace(b, 2));
  EXPECT_NEAR(b[0], -0.6, 1e-6);
  EXPECT_NEAR(b[1], 0.8, 1e-6);
  std::vector<float> c(384, 1e-41f);  // subnormal, norm ~2e-40
  ASSERT_TRUE(mvdb::NormalizeInPlace(c.data(), 384));
  for (float x : c) ASSERT_TRUE(std::isfinite(x));
  EXPECT_NEAR(NormOf(c), 1.0, 1e-6);
}

}  // namespace
