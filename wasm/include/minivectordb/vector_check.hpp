// The vector value rule, in one place: what Add stores and Search accepts as
// a query. js/src/wasm/core-index.ts reaches it through Embind
// (`checkVectors`), so TypeScript never restates it.
#pragma once

#include <cfloat>
#include <cstdint>

#include "minivectordb/distance.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

/// Largest squared L2 norm Σ v_i² (summed in double, in index order) of a
/// vector that Add or a query accepts: FLT_MAX / 8 ≈ 4.25e37 (every value
/// then below ≈ 6.5e18). For two such vectors ‖x − y‖² ≤ 2‖x‖² + 2‖y‖²
/// ≤ FLT_MAX / 2 and |x · y| ≤ ‖x‖‖y‖ ≤ FLT_MAX / 8, so every float32
/// distance stays finite, with a factor 2 to spare for float32 rounding
/// ((1 + 2^-24)^65536 < 1.004).
constexpr double kMaxSquaredNorm = static_cast<double>(FLT_MAX) / 8;

/// Why a vector was rejected (exported to TypeScript; never renumber).
enum class VectorFault : uint8_t {
  kNone = 0,
  kNonFinite = 1,    ///< a NaN or ±Infinity value
  kNormTooLarge = 2, ///< squared norm over kMaxSquaredNorm
  kZeroNorm = 3,     ///< all zeros (or underflowing to 0) with the cosine metric
};

/// The first rejected vector of a CheckVectors call.
struct VectorProblem {
  uint32_t item = 0;          ///< index of the vector in the batch, 0-based
  uint32_t component = 0;     ///< kNonFinite: index of the first bad value
  VectorFault fault = VectorFault::kNone;
  double squared_norm = 0.0;  ///< kNormTooLarge: Σ v_i² in double
};

/// Checks n vectors of dim float32 (n · dim values, row-major): every value
/// finite, Σ v_i² ≤ kMaxSquaredNorm, and Σ v_i² > 0 for kCosine.
/// Returns Ok, or InvalidArgument whose message names "<noun> <i>" (just
/// "<noun>" when n == 1 and !number_single) and the value or norm; the
/// details go to *problem when non-null (left as kNone on success).
/// Cost: one pass over the values, summed in double.
Status CheckVectors(const float* v, uint32_t n, uint32_t dim, Metric metric, const char* noun, bool number_single,
                    VectorProblem* problem = nullptr);

}  // namespace mvdb
