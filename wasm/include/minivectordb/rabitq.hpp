// RaBitQ codes: B bits per dimension (1 .. 4) after a seeded random rotation,
// with an unbiased estimator of the distance and an error bound on it.
//
// Sources: J. Gao and C. Long, "RaBitQ: Quantizing High-Dimensional Vectors
// with a Theoretical Error Bound for Approximate Nearest Neighbor Search",
// SIGMOD 2024 (1 bit per dimension); J. Gao et al., "Practical and
// Asymptotically Optimal Quantization of High-Dimensional Vectors in
// Euclidean Space for Approximate Nearest Neighbor Search" (extended RaBitQ,
// 2024; B bits per dimension). Written from the papers; no reference code
// is copied.
//
// The method, for a row o, a centroid c and a query q:
//  - r = o − c, u = r / ‖r‖ (unit residual); P a random orthogonal matrix on
//    D' dimensions (the dimensions zero-padded to D' = max(128, 2^⌈log2 d⌉);
//    RabitqRotation: three rounds of random sign flips and a normalised
//    fast Walsh–Hadamard transform, as the RaBitQ library's FHT rotator);
//  - the code x ∈ {0 .. 2^B − 1}^D' is the grid point nearest to t · P u in
//    the centred grid x − c_B (c_B = (2^B − 1) / 2) for the rescaling t that
//    maximises the cosine between x − c_B and P u (B = 1: the signs of P u;
//    B > 1: t searched over kRabitqScaleSteps values, where the paper sorts
//    the critical values for the exact optimum);
//  - ō = (x − c_B) / ‖x − c_B‖ and its cosine with P u, ⟨ō, P u⟩ (> 0);
//  - the estimator ⟨u, q_r⟩ ≈ ⟨ō, P q_r⟩ / ⟨ō, P u⟩ (q_r = q − c) is
//    unbiased over the random rotation, and with probability close to 1
//    |error| ≤ ε0 · ‖q_r‖ · √(1 − ⟨ō,Pu⟩²) / ⟨ō,Pu⟩ / √(D' − 1)
//    (ε0 = kRabitqEpsilon0 = 1.9, the papers' setting), for any codebook;
//  - distances follow from the inner product: l2 ‖r − q_r‖² = ‖r‖² + ‖q_r‖²
//    − 2⟨r, q_r⟩; ip / cosine 1 − ⟨o, q⟩ = (1 − ⟨c, q⟩) − ⟨r, c⟩ − ⟨r, q_r⟩.
//
// Per row we keep the code as B bit planes of D'/8 bytes and four float
// factors (RabitqFactors) in front of them: 16 + B·D'/8 bytes (32 bytes at
// 1 bit for d ≤ 128). The query is rotated once and quantized to 8 bits per
// dimension as bit planes, so ⟨x, P q_r⟩ is a sum of popcounts of ANDs of
// bit planes (RabitqDotPlanes; SIMD128 with a scalar reference). The 8-bit
// rounding of the query (≤ half a step per dimension) is not in the bound,
// as in the paper (its query uses 4 bits).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/distance.hpp"
#include "minivectordb/neighbor.hpp"
#include "minivectordb/simd128.hpp"
#include "minivectordb/status.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

/// ε0 of the error bound (the papers' value; a failure probability of
/// about 2·exp(−ε0²·c) per estimate, small in practice).
constexpr float kRabitqEpsilon0 = 1.9f;
/// Code bits per dimension accepted: 1 (RaBitQ) .. 4 (extended RaBitQ).
constexpr uint32_t kRabitqMaxBits = 4;
/// Bits per rotated query value (bit planes of the query).
constexpr uint32_t kRabitqQueryBits = 8;
/// Rescaling factors tried per row for B > 1.
constexpr uint32_t kRabitqScaleSteps = 40;
/// Smallest rotation dimension (one 16-byte bit plane block per 128 dims).
constexpr uint32_t kRabitqMinPadded = 128;

/// D' for d dimensions: max(128, the next power of two ≥ d).
uint32_t RabitqPaddedDim(uint32_t dim);

/// A seeded random orthogonal transform of R^D' (D' = RabitqPaddedDim(dim)):
/// x ↦ H·S3·H·S2·H·S1·[x; 0], S_i random ±1 diagonals from SplitMix64(seed),
/// H the normalised Walsh–Hadamard matrix (orthogonal, H = Hᵀ = H⁻¹).
class RabitqRotation {
 public:
  static constexpr uint32_t kRounds = 3;

  RabitqRotation() = default;
  RabitqRotation(uint32_t dim, uint64_t seed);

  uint32_t dim() const { return dim_; }
  uint32_t padded_dim() const { return padded_; }
  /// out[0..D') = P · [v[0..dim); 0]. out must not alias v.
  void Apply(const float* v, float* out) const;

 private:
  uint32_t dim_ = 0;
  uint32_t padded_ = 0;
  std::vector<float> signs_;  // kRounds · D' values of ±1
};

/// The four floats in front of each code (distance units of the metric):
///  estimate = add + query.add + rescale · (⟨x, P q_r⟩ − c_B · Σ P q_r),
///  ⟨x, P q_r⟩ ≈ query.low · sum_code + query.step · RabitqDotPlanes(…),
///  lower bound = estimate − query.error · error.
struct RabitqFactors {
  float add = 0.f;       ///< l2: ‖r‖²; ip / cosine: −⟨r, c⟩
  float rescale = 0.f;   ///< s · ‖r‖ / (⟨ō,Pu⟩ · ‖x − c_B‖), s = −2 (l2) or −1 (ip / cosine)
  float error = 0.f;     ///< |s| · ‖r‖ · √(1 − ⟨ō,Pu⟩²) / ⟨ō,Pu⟩ / √(D' − 1)
  float sum_code = 0.f;  ///< Σ x_i
};

/// A rotated, quantized query, prepared once per search (RabitqCodes::PrepareQuery).
struct RabitqQuery {
  std::vector<uint8_t> planes;  ///< kRabitqQueryBits planes of D'/8 bytes
  float low = 0.f;              ///< rotated value of query code 0
  float step = 1.f;             ///< rotated value per query code unit
  float centred_sum = 0.f;      ///< c_B · Σ P q_r
  float add = 0.f;              ///< l2: ‖q_r‖²; ip / cosine: 1 − ⟨c, q⟩
  float error = 0.f;            ///< ε0 · ‖q_r‖
};

namespace scalar {
/// Σ_b Σ_j 2^(b+j) · popcount(code_plane_b & query_plane_j) over `bytes`
/// bytes per plane: ⟨x, u⟩ for a B-bit code x and an 8-bit query u stored as
/// bit planes (`bits` planes of the code, kRabitqQueryBits of the query,
/// each `bytes` long). bytes: a multiple of 16.
uint32_t RabitqDotPlanes(const uint8_t* code, uint32_t bits, const uint8_t* query, uint32_t bytes);
}  // namespace scalar
#if MVDB_HAVE_SIMD128
namespace simd128 {
/// scalar::RabitqDotPlanes with i8x16.popcnt, exact (same integer).
uint32_t RabitqDotPlanes(const uint8_t* code, uint32_t bits, const uint8_t* query, uint32_t bytes);
}  // namespace simd128
#endif
/// RabitqDotPlanes with the best kernel compiled in.
inline uint32_t RabitqDotPlanes(const uint8_t* code, uint32_t bits, const uint8_t* query, uint32_t bytes) {
#if MVDB_HAVE_SIMD128
  return simd128::RabitqDotPlanes(code, bits, query, bytes);
#else
  return scalar::RabitqDotPlanes(code, bits, query, bytes);
#endif
}

/// The RaBitQ code of every row of an index: derived data, made from the
/// float32 rows, the centroid and the seed (so the same inputs give the
/// same bytes on every platform). Encode and PrepareQuery share one scratch
/// buffer: one thread at a time (as the Index's own query scratch).
class RabitqCodes {
 public:
  RabitqCodes() = default;

  /// Sets the shape (no rows). Errors: kInvalidArgument (bits outside
  /// 1 .. kRabitqMaxBits, dim 0).
  Status Init(uint32_t dim, uint32_t bits, Metric metric, uint64_t seed);
  /// The centroid rows are coded against (dim floats; zero until set).
  /// Set it before the first Append.
  void SetCentroid(const float* centroid);

  uint32_t dim() const { return rotation_.dim(); }
  uint32_t bits() const { return bits_; }
  uint32_t padded_dim() const { return rotation_.padded_dim(); }
  /// Bytes of one bit plane: D'/8.
  uint32_t plane_bytes() const { return rotation_.padded_dim() / 8; }
  /// Bytes per row: 16 (factors) + bits · D'/8.
  uint32_t row_bytes() const { return 16 + bits_ * plane_bytes(); }
  uint32_t size() const { return rows_.size(); }

  /// Makes room for n rows in total. Errors: kOutOfMemory.
  Status Reserve(uint32_t n) { return rows_.Reserve(n); }
  /// Codes v (dim floats, the row as the index stores it) and appends it;
  /// room must have been reserved.
  void AppendUnchecked(const float* v);
  /// Writes the code of v into row (row_bytes() bytes).
  void Encode(const float* v, uint8_t* row) const;

  /// The row of `label`: factors, then the bit planes.
  const uint8_t* Row(uint32_t label) const { return rows_.Get(label); }
  RabitqFactors Factors(uint32_t label) const;
  const RowStore<uint8_t>& rows() const { return rows_; }

  /// Rotates and quantizes a query (dim floats) into *out.
  void PrepareQuery(const float* q, RabitqQuery* out) const;
  /// Estimated distance from a prepared query to `label`.
  float Estimate(const RabitqQuery& q, uint32_t label) const;
  /// estimate − q.error · factors.error: below the exact distance but for
  /// a small failure probability (see the file comment).
  float LowerBound(const RabitqQuery& q, uint32_t label, float estimate) const;

 private:
  RabitqRotation rotation_;
  uint32_t bits_ = 1;
  Metric metric_ = Metric::kL2;
  std::vector<float> centroid_;
  RowStore<uint8_t> rows_;
  mutable std::vector<float> scratch_;  // 2 · D' floats for Encode / PrepareQuery
  std::vector<uint8_t> row_scratch_;    // one row for AppendUnchecked
};

/// A DistanceComputer (distance_computer.hpp) of RaBitQ estimates, for
/// HnswGraph::SearchT / SearchBatchT (search only: a graph is never built
/// on estimates, so SetQueryLabel, MeasureFrom and Symmetric are absent).
class RabitqDistance {
 public:
  using Query = const RabitqQuery*;
  static constexpr float kNoBound = std::numeric_limits<float>::infinity();

  explicit RabitqDistance(const RabitqCodes& codes) : codes_(&codes) {}
  void SetQuery(Query q) { query_ = q; }
  float operator()(uint32_t label) const { return codes_->Estimate(*query_, label); }
  /// Estimates for batch[0..n); no early stop (an estimate is one pass).
  void Measure(Neighbor* batch, uint32_t n, float /*bound*/) const {
    for (uint32_t i = 0; i < n; ++i) batch[i].distance = (*this)(batch[i].label);
  }
  void Prefetch(const Neighbor* batch, uint32_t n) const {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; ++i) sum += codes_->rows().Touch(batch[i].label, 64);
    codes_->rows().KeepTouched(sum);
  }

 private:
  const RabitqCodes* codes_;
  Query query_ = nullptr;
};

}  // namespace mvdb
