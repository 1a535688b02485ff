// DimensionOrder: the order in which an index stores the dimensions of its
// float32 rows and queries, so that a bounded squared-L2 measurement
// (L2SqBounded) passes its bound as early as possible.
//
// Squared L2 is a sum over dimensions, so any fixed permutation applied to
// both the rows and the query leaves every distance unchanged (up to float
// rounding of the sum order). Putting the dimensions of largest variance
// first makes the partial sum grow fastest, and the graph walk can stop
// reading the row of a neighbour that is already farther than its bound
// after the first few cache lines. On MNIST (784 pixels, most of the border
// constant) 256 of 784 dimensions carry 83% of the variance; in the natural
// pixel order the first 256 carry 21%. The early stop is partial distance
// search (Bei & Gray, "An improvement of the minimum distortion encoding
// algorithm for vector quantization", IEEE Trans. Communications 33(10),
// 1985); taking the dimensions by decreasing variance is the usual order for
// it.
//
// The order is learned once (Index: from the first kOrderSample rows) and
// then fixed; data that drifts later only makes the early stop less
// effective, never a result wrong. Snapshots store rows in the caller's
// order; a loaded index learns its order again from its rows.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

class DimensionOrder {
 public:
  /// True once Learn ran: rows and queries are then stored arranged.
  bool learned() const { return !perm_.empty(); }

  /// Learns the order from `n` >= 1 rows of `dim` floats (row_at(i) for i
  /// in [0, n), in the caller's order): dimensions by decreasing variance,
  /// ties by index. Errors: kOutOfMemory (the order stays unlearned).
  template <typename RowAt>
  Status Learn(uint32_t dim, uint32_t n, RowAt row_at) {
    GrowableArray<double> stats;  // sum then sum of squares, per dimension
    MVDB_RETURN_IF_ERROR(stats.Resize(2 * uint64_t{dim}));
    for (uint64_t j = 0; j < 2 * uint64_t{dim}; ++j) stats[j] = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      const float* row = row_at(i);
      for (uint32_t j = 0; j < dim; ++j) {
        stats[j] += row[j];
        stats[dim + j] += static_cast<double>(row[j]) * row[j];
      }
    }
    return LearnFromSums(dim, n, &stats);
  }

  /// out[j] = in[perm[j]]: a vector in the caller's order to the stored
  /// order (dim floats; in and out must not overlap). Only when learned().
  void Arrange(const float* in, float* out) const;
  /// out[perm[j]] = in[j]: the inverse of Arrange.
  void Restore(const float* in, float* out) const;

  /// perm[j]: the caller's dimension stored at position j (dim entries).
  const uint32_t* perm() const { return perm_.data(); }
  /// Copies `other` (kOutOfMemory leaves this unchanged).
  Status CopyFrom(const DimensionOrder& other);
  uint64_t MemoryBytes() const { return perm_.capacity_bytes(); }

 private:
  // stats: per-dimension sums (dim) then sums of squares (dim) over n rows;
  // the variance of dimension j is E[x²] − E[x]² (overwrites stats).
  Status LearnFromSums(uint32_t dim, uint32_t n, GrowableArray<double>* stats);

  GrowableArray<uint32_t> perm_;  // empty until learned
};

}  // namespace mvdb
