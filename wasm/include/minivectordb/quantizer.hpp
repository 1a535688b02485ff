// ScalarQuantizer: float32 -> int8 codes, x ≈ offset[i] + step · code[i],
// code in [-127, 127].
//
// Parameters (learned from the data by Fit):
//  - l2: offset[i] = (min_i + max_i) / 2 per dimension, and one step
//    = max_i (max_i − min_i) / 254 shared by all dimensions;
//  - ip / cosine: offset 0 and step = max |x| / 127 (symmetric).
// Why one step and not one per dimension: the int8 kernels (distance_int8.hpp)
// compute Σ(a−b)² and Σa·b in integers, which equal the float distance up to
// a constant factor only when every dimension has the same unit. Per-dimension
// offsets cancel in l2, so they are kept there; for ip/cosine a zero offset
// keeps the dot product free of per-vector correction terms (so a code row is
// exactly dim bytes). A dimension narrower than the widest one gets fewer
// levels, but its absolute error (≤ step/2) is the same as every other's,
// which is what a distance sees. (Qdrant and Lucene's scalar quantization also
// use one scale for all dimensions.)
//
// Drift policy (documented to users): the index refits on all its vectors
// after each Add until it holds kFitTarget vectors, then freezes the
// quantizer; later values outside the fitted range are clamped to ±127 and
// counted (clipped_values / encoded_values, reported by stats()); Compact()
// refits on the live vectors when float32 vectors are kept.
#pragma once

#include <cstdint>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/distance.hpp"

namespace mvdb {

/// Storage type of an index's vectors. Values are part of the snapshot
/// format and of the JS boundary: never renumber.
enum class Quantization : uint8_t {
  kNone = 0,  ///< float32 only
  kInt8 = 1,  ///< int8 codes for the graph (+ float32 for re-ranking unless dropped)
};
inline bool IsValidQuantization(uint32_t q) { return q <= 1; }

/// Vectors seen before the quantizer freezes (the first 1,024: one JS chunk).
constexpr uint32_t kFitTarget = 1024;
/// Largest step: step² must stay a finite float (sqrt(FLT_MAX) ≈ 1.8e19).
constexpr double kMaxStep = 1.8e19;

class ScalarQuantizer {
 public:
  ScalarQuantizer() = default;
  ScalarQuantizer(uint32_t dim, Metric metric) : dim_(dim), metric_(metric), offset_(dim, 0.f) {}

  uint32_t dim() const { return dim_; }
  float step() const { return step_; }
  /// step², the factor from integer kernel units to distance units.
  float step2() const { return step_ * step_; }
  const float* offsets() const { return offset_.data(); }
  bool frozen() const { return frozen_; }
  uint64_t clipped_values() const { return clipped_; }
  uint64_t encoded_values() const { return encoded_; }

  /// Learns offsets and step from n rows of dim floats (rows(i) -> pointer).
  template <typename Rows>
  void Fit(uint32_t n, const Rows& rows);

  /// Encodes dim floats into dim codes. With `count`, values outside the
  /// fitted range (clamped) are added to the clipped counter.
  void Encode(const float* v, int8_t* code, bool count);
  /// Decodes dim codes into dim floats.
  void Decode(const int8_t* code, float* v) const;

  void Freeze() { frozen_ = true; }

  /// Restores validated snapshot fields.
  void Restore(float step, const float* offsets, bool frozen, uint64_t clipped, uint64_t encoded);

 private:
  void SetRange(const std::vector<float>& lo, const std::vector<float>& hi);

  uint32_t dim_ = 0;
  Metric metric_ = Metric::kL2;
  float step_ = 1.f;
  std::vector<float> offset_;
  bool frozen_ = false;
  uint64_t clipped_ = 0;
  uint64_t encoded_ = 0;
};

template <typename Rows>
void ScalarQuantizer::Fit(uint32_t n, const Rows& rows) {
  std::vector<float> lo(dim_, 0.f), hi(dim_, 0.f);
  for (uint32_t r = 0; r < n; ++r) {
    const float* v = rows(r);
    for (uint32_t i = 0; i < dim_; ++i) {
      if (r == 0 || v[i] < lo[i]) lo[i] = v[i];
      if (r == 0 || v[i] > hi[i]) hi[i] = v[i];
    }
  }
  SetRange(lo, hi);
}

}  // namespace mvdb
