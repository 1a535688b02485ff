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

/// Values between two bound checks of L2SqBounded: 64 floats, four cache
/// lines of a row; fewer checks stop later, more cost more than they save
/// (bench/README.md, "Measuring rules").
constexpr uint32_t kAbandonChunk = 64;

/// The loop of both L2SqBounded kernels over an accumulator type Acc
/// (scalar::L2Acc, simd128::L2Acc): Block adds Acc::kBlock values (a divisor
/// of kAbandonChunk), Sum is the partial sum, Finish adds the rest.
template <typename Acc>
inline float L2SqBoundedWith(const float* a, const float* b, uint32_t d, float bound) {
  Acc acc;
  uint32_t i = 0;
  for (uint32_t end = kAbandonChunk; end <= d; end += kAbandonChunk) {
    for (; i < end; i += Acc::kBlock) acc.Block(a + i, b + i);
    const float partial = acc.Sum();
    if (partial > bound) return partial;
  }
  return acc.Finish(a, b, i, d);
}

namespace scalar {

/// Four partial sums of squared differences: the state of the scalar L2
/// kernels (four independent sums shorten the dependency chain of the adds).
struct L2Acc {
  float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;

  static constexpr uint32_t kBlock = 4;  ///< values per Block
  /// Adds the squared differences of a[0..4) and b[0..4).
  void Block(const float* a, const float* b) {
    const float t0 = a[0] - b[0], t1 = a[1] - b[1], t2 = a[2] - b[2], t3 = a[3] - b[3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  /// Sum so far, in the one order every caller uses.
  float Sum() const { return (s0 + s1) + (s2 + s3); }
  /// Adds a[i..d) - b[i..d) from position i and returns the total.
  float Finish(const float* a, const float* b, uint32_t i, uint32_t d) {
    for (; i + 4 <= d; i += 4) Block(a + i, b + i);
    for (; i < d; ++i) {
      const float t = a[i] - b[i];
      s0 += t * t;
    }
    return Sum();
  }
};

/// Squared Euclidean distance between a[0..d) and b[0..d).
inline float L2Sq(const float* a, const float* b, uint32_t d) { return L2Acc{}.Finish(a, b, 0, d); }

/// Squared L2 that may stop early: every kAbandonChunk values it compares
/// the partial sum with `bound` and returns that partial sum once it exceeds
/// the bound. The partial sums only grow (non-negative terms, monotone
/// rounding), so a returned value above `bound` is <= L2Sq(a, b, d) and the
/// exact distance is above `bound` too; a returned value <= `bound` equals
/// L2Sq(a, b, d) bit for bit (same accumulators, same order). The classic
/// partial distance search / early abandoning of exact nearest-neighbour
/// scans; it saves reading the rest of the row, which is what pays.
inline float L2SqBounded(const float* a, const float* b, uint32_t d, float bound) {
  return L2SqBoundedWith<L2Acc>(a, b, d, bound);
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

/// Four vector accumulators of squared differences: the state of the SIMD128
/// L2 kernels. Without -ffast-math the compiler will not reorder a float
/// reduction, so we keep four accumulators by hand: each f32x4.add has
/// several cycles of latency and four independent chains keep the adder busy
/// (see Highway's dot-inl.h for the same reasoning).
struct L2Acc {
  v128_t acc0 = wasm_f32x4_splat(0.f), acc1 = acc0, acc2 = acc0, acc3 = acc0;

  static constexpr uint32_t kBlock = 16;  ///< values per Block
  /// Adds the squared differences of a[0..16) and b[0..16).
  void Block(const float* a, const float* b) {
    const v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a), wasm_v128_load(b));
    const v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + 4), wasm_v128_load(b + 4));
    const v128_t d2 = wasm_f32x4_sub(wasm_v128_load(a + 8), wasm_v128_load(b + 8));
    const v128_t d3 = wasm_f32x4_sub(wasm_v128_load(a + 12), wasm_v128_load(b + 12));
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(d0, d0));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(d1, d1));
    acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(d2, d2));
    acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(d3, d3));
  }
  /// Sum so far, in the one order every caller uses.
  float Sum() const { return HorizontalSum(wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, acc3))); }
  /// Adds a[i..d) - b[i..d) from position i (blocks of 16, 4, then scalars)
  /// and returns the total.
  float Finish(const float* a, const float* b, uint32_t i, uint32_t d) {
    for (; i + 16 <= d; i += 16) Block(a + i, b + i);
    for (; i + 4 <= d; i += 4) {
      const v128_t t = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
      acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(t, t));
    }
    float s = Sum();
    for (; i < d; ++i) {
      const float t = a[i] - b[i];
      s += t * t;
    }
    return s;
  }
};

/// Squared Euclidean distance, SIMD128.
inline float L2Sq(const float* a, const float* b, uint32_t d) { return L2Acc{}.Finish(a, b, 0, d); }

/// L2SqBounded (see scalar::L2SqBounded for the contract), SIMD128.
inline float L2SqBounded(const float* a, const float* b, uint32_t d, float bound) {
  return L2SqBoundedWith<L2Acc>(a, b, d, bound);
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

/// L2SqBounded with the best kernel compiled in.
inline float L2SqBounded(const float* a, const float* b, uint32_t d, float bound) {
#if MVDB_HAVE_SIMD128
  return simd128::L2SqBounded(a, b, d, bound);
#else
  return scalar::L2SqBounded(a, b, d, bound);
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

/// Compile-time distance kernels. Search code is templated on these, so the
/// kernel is inlined into the graph walk instead of called through a pointer
/// (an indirect call per distance costs measurably in WebAssembly).
/// Abandons: whether Bounded may stop early (L2SqBounded's contract).
struct L2Kernel {
  static constexpr bool kAbandons = true;
  static float Distance(const float* a, const float* b, uint32_t d) { return L2Sq(a, b, d); }
  static float Bounded(const float* a, const float* b, uint32_t d, float bound) { return L2SqBounded(a, b, d, bound); }
};
/// 1 - dot: `ip`, and `cosine` on unit vectors. Partial dot products do not
/// grow monotonically, so Bounded never stops early.
struct InnerProductKernel {
  static constexpr bool kAbandons = false;
  static float Distance(const float* a, const float* b, uint32_t d) { return 1.f - Dot(a, b, d); }
  static float Bounded(const float* a, const float* b, uint32_t d, float) { return Distance(a, b, d); }
};

/// Scales v[0..d) to unit L2 norm in place. Returns false (and leaves v
/// unchanged) when the norm is zero or not finite.
bool NormalizeInPlace(float* v, uint32_t d);

}  // namespace mvdb
