// VectorStore: float32 vectors of one dimension, stored row after row in one
// contiguous buffer (label i at data + i * dim). Capacity doubles on demand.
// The graph (hnsw.hpp) keeps only links; vectors live here, as faiss splits
// IndexHNSW (vectors) from HNSW (links).
#pragma once

#include <cstdint>
#include <cstring>

#include "minivectordb/buffer.hpp"
#include "minivectordb/distance.hpp"

namespace mvdb {

/// Rows of `dim` values of type T (float32 vectors, int8 codes), stored row
/// after row in one contiguous buffer (label i at data + i * dim). Capacity
/// doubles on demand.
template <typename T>
class RowStore {
 public:
  RowStore() = default;
  explicit RowStore(uint32_t dim) : dim_(dim) {}

  uint32_t dim() const { return dim_; }
  /// Number of stored rows (labels 0 .. size()-1).
  uint32_t size() const { return size_; }

  /// Makes room for `n` rows in total. kOutOfMemory leaves the store unchanged.
  Status Reserve(uint32_t n) { return data_.Reserve(uint64_t{n} * dim_); }

  /// Appends one row of dim() values; room must have been reserved.
  /// Returns its label.
  uint32_t AppendUnchecked(const T* v) {
    std::memcpy(data_.data() + uint64_t{size_} * dim_, v, sizeof(T) * dim_);
    return size_++;
  }

  /// Drops the last row (undo of AppendUnchecked).
  void PopBack() { --size_; }

  /// Pointer to the dim() values of `label` (label < size()).
  const T* Get(uint32_t label) const { return data_.data() + uint64_t{label} * dim_; }
  T* GetMutable(uint32_t label) { return data_.data() + uint64_t{label} * dim_; }

  /// Bytes of one row.
  uint64_t row_bytes() const { return uint64_t{sizeof(T)} * dim_; }

  /// Reads the first byte of every 64-byte line of the row of `label` and
  /// returns their sum (a use, so the loads are not optimised away). Issued
  /// for several rows before their distances are computed, these independent
  /// loads overlap their cache misses: the nearest WebAssembly has to a
  /// prefetch instruction (see HnswGraph::SearchLayer).
  /// `bytes`: only the lines of the first `bytes` of the row (all by default).
  uint32_t Touch(uint32_t label, uint64_t bytes = ~uint64_t{0}) const {
    const unsigned char* row = reinterpret_cast<const unsigned char*>(Get(label));
    const uint64_t end = bytes < row_bytes() ? bytes : row_bytes();
    uint32_t sum = 0;
    for (uint64_t i = 0; i < end; i += 64) sum += row[i];
    return sum;
  }

  /// Bytes held by the buffer (capacity, not just size).
  uint64_t MemoryBytes() const { return data_.capacity_bytes(); }

 private:
  uint32_t dim_ = 0;
  uint32_t size_ = 0;
  GrowableArray<T> data_;
};

/// float32 vectors; int8 codes are a CodeStore (code_store.hpp).
using VectorStore = RowStore<float>;

/// Rows of at least this many bytes are touched (RowStore::Touch) before
/// their distances are computed during a graph walk. Measured in Node 20,
/// searchBatch at efSearch 16, touch ÷ no touch: MNIST (784 dims) int8
/// codes (784 B) 1.35-1.45x, float32 (3,136 B) 1.1-1.2x; SIFT10K (128 dims)
/// float32 (512 B) 0.96x, int8 (128 B) 1.03x. Small rows of a small index
/// mostly sit in cache already, where the extra loads only cost.
constexpr uint64_t kTouchMinRowBytes = 768;

/// Bytes of a row touched before bounded measurements (VectorSpace::Touch):
/// 16 lines, the first four bound checks. Measured on MNIST (784 dims in the
/// learned order), C++ search loop in wasm at efSearch 10-24, QPS against
/// 512 bytes: 384 1.0x, 768 1.05x, 1,024 1.1x, 1,536 1.05x; touching whole
/// rows before bounded measurements: 0.7x (it reads what the stop saves).
constexpr uint64_t kAbandonTouchBytes = 1024;

/// The vectors of an index seen through a distance kernel (L2Kernel or
/// InnerProductKernel): what the graph needs to measure distances. Lower
/// distance is closer.
template <typename Kernel>
struct VectorSpace {
  using Query = const float*;
  const VectorStore* store = nullptr;

  /// The stored row of `label` as a query (used while inserting it).
  Query QueryOf(uint32_t label) const { return store->Get(label); }

  /// Distance between an external query (dim floats) and stored `label`.
  float ToLabel(const float* query, uint32_t label) const {
    return Kernel::Distance(query, store->Get(label), store->dim());
  }
  /// Distance between two stored labels.
  float Between(uint32_t a, uint32_t b) const { return Kernel::Distance(store->Get(a), store->Get(b), store->dim()); }
  /// Whether touching rows before measuring them pays (kTouchMinRowBytes).
  bool TouchPays() const { return store->row_bytes() >= kTouchMinRowBytes; }
  /// Whether a walk measures with ToLabelBounded: rows large enough to touch
  /// (below that the bound checks cost more than they save: SIFT10K, 128
  /// dims, 0.9x) and a kernel that can stop early (L2).
  bool Abandons() const { return Kernel::kAbandons && TouchPays(); }
  /// Touches the whole row, or with `bounded` only the part a bounded
  /// measurement usually reads (kAbandonTouchBytes).
  uint32_t Touch(uint32_t label, bool bounded = false) const {
    return bounded ? store->Touch(label, kAbandonTouchBytes) : store->Touch(label);
  }
  /// Distance that may stop early once above `bound` (L2SqBounded): exact
  /// when <= bound, else some value in (bound, exact].
  float ToLabelBounded(const float* query, uint32_t label, float bound) const {
    return Kernel::Bounded(query, store->Get(label), store->dim(), bound);
  }
  /// Between(a, b), stopping early above `bound` when Abandons().
  float BetweenBounded(uint32_t a, uint32_t b, float bound) const {
    return Abandons() ? Kernel::Bounded(store->Get(a), store->Get(b), store->dim(), bound) : Between(a, b);
  }
};

/// Calls fn(VectorSpace<K>{&store}) with the kernel K of `metric`: the one
/// place where the runtime metric becomes a compile-time kernel.
template <typename Fn>
decltype(auto) WithSpace(const VectorStore& store, Metric metric, Fn&& fn) {
  if (metric == Metric::kL2) return fn(VectorSpace<L2Kernel>{&store});
  return fn(VectorSpace<InnerProductKernel>{&store});
}

}  // namespace mvdb
