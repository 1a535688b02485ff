// Distance kernels: squared L2 and inner product over float32 vectors.
//
// Two implementations of each kernel exist:
//  - scalar::*   always compiled; the reference and the fallback.
//  - simd128::*  WebAssembly SIMD128 intrinsics, compiled when SIMD128 is
//                available (see simd128.hpp).
// The unqualified l2sq()/dot() pick SIMD128 at compile time when present.
//
// All kernels accept any dimension d >= 1: the SIMD loop handles blocks of
// 16 and 4 floats, a scalar tail handles d % 4.
#pragma once

#include <cstdint>

#include "minivectordb/simd128.hpp"

namespace mvdb {

/// Distance metric of an index. Values are part of the snapshot format and
/// of the JS boundary: never renumber.
enum class Metric : uint8_t {
  kL2 = 0,      ///< squared Euclidean distance, sum (a_i - b_i)^2
  kIP = 1,      ///< inner product, distance = 1 - dot(a, b)
  kCosine = 2,  ///< vectors unit-normalised on insert, distance = 1 - dot(a, b)
};

/// True when `m` is one of the Metric enumerators.
inline bool IsValidMetric(uint32_t m) { return m <= 2; }

namespace scalar {

/// Squared Euclidean distance between a[0..d) and b[0..d).
inline float L2Sq(const float* a, const float* b, uint32_t d) {
  // Four independent partial sums shorten the dependency chain of the adds.
  float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
  uint32_t i = 0;
  for (; i + 4 <= d; i += 4) {
    const float t0 = a[i] - b[i], t1 = a[i + 1] - b[i + 1];
    const float t2 = a[i + 2] - b[i + 2], t3 = a[i + 3] - b[i + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  for (; i < d; ++i) {
    const float t = a[i] - b[i];
    s0 += t * t;
  }
  return (s0 + s1) + (s2 + s3);
}

/// Inner product of a[0..d) and b[0..d).
inline float Dot(const float* a, const float* b, uint32_t d) {
  float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
  uint32_t i = 0;
  for (; i + 4 <= d; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < d; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace scalar

#if MVDB_HAVE_SIMD128
namespace simd128 {

/// Sum of the four float lanes of v.
inline float HorizontalSum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/// Squared Euclidean distance, SIMD128. Without -ffast-math the compiler will
/// not reorder a float reduction, so we keep four vector accumulators by hand:
/// each f32x4.add has several cycles of latency and four independent chains
/// keep the adder busy (see Highway's dot-inl.h for the same reasoning).
inline float L2Sq(const float* a, const float* b, uint32_t d) {
  v128_t acc0 = wasm_f32x4_splat(0.f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  uint32_t i = 0;
  for (; i + 16 <= d; i += 16) {
    const v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    const v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
    const v128_t d2 = wasm_f32x4_sub(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8));
    const v128_t d3 = wasm_f32x4_sub(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12));
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(d0, d0));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(d1, d1));
    acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(d2, d2));
    acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(d3, d3));
  }
  for (; i + 4 <= d; i += 4) {
    const v128_t t = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(t, t));
  }
  float s = HorizontalSum(wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, acc3)));
  for (; i < d; ++i) {
    const float t = a[i] - b[i];
    s += t * t;
  }
  return s;
}

/// Inner product, SIMD128, four accumulators (see L2Sq).
inline float Dot(const float* a, const float* b, uint32_t d) {
  v128_t acc0 = wasm_f32x4_splat(0.f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  uint32_t i = 0;
  for (; i + 16 <= d; i += 16) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  for (; i + 4 <= d; i += 4) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  }
  float s = HorizontalSum(wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, acc3)));
  for (; i < d; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace simd128
#endif  // MVDB_HAVE_SIMD128

/// Squared L2 with the best kernel compiled in.
inline float L2Sq(const float* a, const float* b, uint32_t d) {
#if MVDB_HAVE_SIMD128
  return simd128::L2Sq(a, b, d);
#else
  return scalar::L2Sq(a, b, d);
#endif
}

/// Inner product with the best kernel compiled in.
inline float Dot(const float* a, const float* b, uint32_t d) {
#if MVDB_HAVE_SIMD128
  return simd128::Dot(a, b, d);
#else
  return scalar::Dot(a, b, d);
#endif
}

/// 1 - dot(a, b): the distance used for `ip` and (on unit vectors) `cosine`.
inline float OneMinusDot(const float* a, const float* b, uint32_t d) { return 1.f - Dot(a, b, d); }

/// Compile-time distance kernels. Search code is templated on these, so the
/// kernel is inlined into the graph walk instead of called through a pointer
/// (an indirect call per distance costs measurably in WebAssembly).
struct L2Kernel {
  static float Distance(const float* a, const float* b, uint32_t d) { return L2Sq(a, b, d); }
};
/// 1 - dot: `ip`, and `cosine` on unit vectors.
struct InnerProductKernel {
  static float Distance(const float* a, const float* b, uint32_t d) { return 1.f - Dot(a, b, d); }
};

/// A distance function: lower is closer. Arguments: two vectors of d floats.
using DistanceFn = float (*)(const float* a, const float* b, uint32_t d);

/// The distance function for a metric (held per index instance, never global).
inline DistanceFn DistanceFor(Metric m) { return m == Metric::kL2 ? &L2Sq : &OneMinusDot; }

/// Scales v[0..d) to unit L2 norm in place. Returns false (and leaves v
/// unchanged) when the norm is zero or not finite.
bool NormalizeInPlace(float* v, uint32_t d);

}  // namespace mvdb
