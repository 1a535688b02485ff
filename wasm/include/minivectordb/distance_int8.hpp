// Integer kernels over int8 codes (see quantizer.hpp): squared L2 and dot
// product, exact in integer arithmetic.
//
// Codes lie in [-127, 127] (the quantizer never writes -128), so for any
// d <= kMaxDim (65536):
//  - L2Sq: each squared difference is at most 254^2 = 64,516 and the total
//    at most 65,536 * 64,516 < 2^32: the sum fits a uint32;
//  - Dot:  |sum| <= 65,536 * 127^2 < 2^31: the sum fits an int32.
// In the SIMD128 kernel each int32 lane holds at most a quarter of the total,
// so no lane overflows either.
//
// As in distance.hpp, scalar::* is always compiled (reference and fallback)
// and simd128::* is selected at compile time. The SIMD128 loop widens 16
// int8 codes to two i16x8 vectors (even and odd lanes, by shifts), subtracts
// (L2) and multiplies-and-adds adjacent pairs into i32x4 with i32x4.dot_i16x8
// (the widening multiply-add); a scalar tail handles d % 16.
#pragma once

#include <algorithm>
#include <cfloat>
#include <cstdint>

#include "minivectordb/simd128.hpp"

namespace mvdb {

namespace scalar {

/// Sum over i of (a_i - b_i)^2, a and b holding d int8 codes.
inline uint32_t L2SqI8(const int8_t* a, const int8_t* b, uint32_t d) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < d; ++i) {
    const int32_t t = int32_t{a[i]} - int32_t{b[i]};
    s += static_cast<uint32_t>(t * t);
  }
  return s;
}

/// Sum over i of a_i * b_i, a and b holding d int8 codes.
inline int32_t DotI8(const int8_t* a, const int8_t* b, uint32_t d) {
  int32_t s = 0;
  for (uint32_t i = 0; i < d; ++i) s += int32_t{a[i]} * int32_t{b[i]};
  return s;
}

}  // namespace scalar

#if MVDB_HAVE_SIMD128
namespace simd128 {

/// Sum of the four int32 lanes, as uint32 (the L2 total may exceed 2^31).
inline uint32_t HorizontalSumU32(v128_t v) {
  return static_cast<uint32_t>(wasm_i32x4_extract_lane(v, 0)) + static_cast<uint32_t>(wasm_i32x4_extract_lane(v, 1)) +
         static_cast<uint32_t>(wasm_i32x4_extract_lane(v, 2)) + static_cast<uint32_t>(wasm_i32x4_extract_lane(v, 3));
}

/// The even-indexed int8 lanes of v, sign-extended to i16x8 (each 16-bit
/// lane shifted left then arithmetically right by 8).
inline v128_t EvenI8ToI16(v128_t v) { return wasm_i16x8_shr(wasm_i16x8_shl(v, 8), 8); }
/// The odd-indexed int8 lanes of v, sign-extended to i16x8.
inline v128_t OddI8ToI16(v128_t v) { return wasm_i16x8_shr(v, 8); }

/// Adds the squared differences of the 16 int8 lanes of va and vb to the
/// two accumulators (even and odd lanes).
inline void L2SqI8Block(v128_t va, v128_t vb, v128_t* acc0, v128_t* acc1) {
  // |a - b| <= 254 fits an int16; dot_i16x8 squares and adds lane pairs.
  const v128_t even = wasm_i16x8_sub(EvenI8ToI16(va), EvenI8ToI16(vb));
  const v128_t odd = wasm_i16x8_sub(OddI8ToI16(va), OddI8ToI16(vb));
  *acc0 = wasm_i32x4_add(*acc0, wasm_i32x4_dot_i16x8(even, even));
  *acc1 = wasm_i32x4_add(*acc1, wasm_i32x4_dot_i16x8(odd, odd));
}

/// Squared L2 of int8 codes, SIMD128. The codes are widened by lane parity
/// (even and odd bytes, two shifts each) rather than by half
/// (i16x8.extend_{low,high}_i8x16): a sum does not care about the pairing,
/// and V8 lowers extend_high to a longer sequence on x64 (bench/README.md,
/// "Measuring rules").
/// Integer adds have one cycle of latency and no rounding, so two
/// accumulators (one per parity) are enough.
/// The tail of d % 16 codes goes through zero-filled 8- and 4-byte loads
/// (lanes past them are 0 in both rows and add nothing) before a scalar loop
/// of at most 3: at 100 dimensions 4 codes that were a scalar loop. Integer
/// sums are exact in any order, so the result is the scalar kernel's.
inline uint32_t L2SqI8(const int8_t* a, const int8_t* b, uint32_t d) {
  v128_t acc0 = wasm_i32x4_splat(0), acc1 = acc0;
  uint32_t i = 0;
  for (; i + 16 <= d; i += 16) L2SqI8Block(wasm_v128_load(a + i), wasm_v128_load(b + i), &acc0, &acc1);
  if (i + 8 <= d) {
    L2SqI8Block(wasm_v128_load64_zero(a + i), wasm_v128_load64_zero(b + i), &acc0, &acc1);
    i += 8;
  }
  if (i + 4 <= d) {
    L2SqI8Block(wasm_v128_load32_zero(a + i), wasm_v128_load32_zero(b + i), &acc0, &acc1);
    i += 4;
  }
  const uint32_t s = HorizontalSumU32(wasm_i32x4_add(acc0, acc1));  // lanes wrap as uint32 sums do
  return i == d ? s : s + scalar::L2SqI8(a + i, b + i, d - i);
}

/// Dot product of int8 codes, SIMD128 (widened by parity, see L2SqI8).
/// Adds the products of the 16 int8 lanes of va and vb (even, odd lanes).
inline void DotI8Block(v128_t va, v128_t vb, v128_t* acc0, v128_t* acc1) {
  *acc0 = wasm_i32x4_add(*acc0, wasm_i32x4_dot_i16x8(EvenI8ToI16(va), EvenI8ToI16(vb)));
  *acc1 = wasm_i32x4_add(*acc1, wasm_i32x4_dot_i16x8(OddI8ToI16(va), OddI8ToI16(vb)));
}
/// The tail as in L2SqI8 (zero lanes add nothing to a dot product either).
inline int32_t DotI8(const int8_t* a, const int8_t* b, uint32_t d) {
  v128_t acc0 = wasm_i32x4_splat(0), acc1 = acc0;
  uint32_t i = 0;
  for (; i + 16 <= d; i += 16) DotI8Block(wasm_v128_load(a + i), wasm_v128_load(b + i), &acc0, &acc1);
  if (i + 8 <= d) {
    DotI8Block(wasm_v128_load64_zero(a + i), wasm_v128_load64_zero(b + i), &acc0, &acc1);
    i += 8;
  }
  if (i + 4 <= d) {
    DotI8Block(wasm_v128_load32_zero(a + i), wasm_v128_load32_zero(b + i), &acc0, &acc1);
    i += 4;
  }
  const int32_t s = static_cast<int32_t>(HorizontalSumU32(wasm_i32x4_add(acc0, acc1)));
  return i == d ? s : s + scalar::DotI8(a + i, b + i, d - i);
}

}  // namespace simd128
#endif  // MVDB_HAVE_SIMD128

/// Squared L2 of int8 codes with the best kernel compiled in.
inline uint32_t L2SqI8(const int8_t* a, const int8_t* b, uint32_t d) {
#if MVDB_HAVE_SIMD128
  return simd128::L2SqI8(a, b, d);
#else
  return scalar::L2SqI8(a, b, d);
#endif
}

/// Dot product of int8 codes with the best kernel compiled in.
inline int32_t DotI8(const int8_t* a, const int8_t* b, uint32_t d) {
#if MVDB_HAVE_SIMD128
  return simd128::DotI8(a, b, d);
#else
  return scalar::DotI8(a, b, d);
#endif
}

/// Compile-time int8 kernels in distance units, given step² of the
/// quantizer (x ≈ offset + step·code, see quantizer.hpp):
///  - l2: step² · Σ(a−b)² (per-dimension offsets cancel);
///  - ip / cosine: 1 − step² · Σ a·b (offsets are 0 for these metrics).
/// Both saturate at ±FLT_MAX: vectors within kMaxSquaredNorm (index.hpp)
/// have finite float32 distances, but their codes round each value by up to
/// step/2, which over 65,536 dimensions can inflate a dequantized distance
/// past FLT_MAX; a saturated distance still orders as the farthest.
struct L2I8Kernel {
  static float Distance(const int8_t* a, const int8_t* b, uint32_t d, float step2) {
    return std::min(step2 * static_cast<float>(L2SqI8(a, b, d)), FLT_MAX);
  }
};
struct InnerProductI8Kernel {
  static float Distance(const int8_t* a, const int8_t* b, uint32_t d, float step2) {
    return std::min(std::max(1.f - step2 * static_cast<float>(DotI8(a, b, d)), -FLT_MAX), FLT_MAX);
  }
};

}  // namespace mvdb
