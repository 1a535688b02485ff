// VectorStore: float32 vectors of one dimension, stored row after row in
// fixed-size blocks (row_blocks.hpp: label i at blocks[i >> k] + (i & mask) *
// dim), so that growing never copies the rows.
// The graph (hnsw.hpp) keeps only links; vectors live here, as faiss splits
// IndexHNSW (vectors) from HNSW (links), and the graph measures them through
// a distance computer (distance_computer.hpp).
#pragma once

#include <cstdint>
#include <cstring>

#include "minivectordb/buffer.hpp"
#include "minivectordb/row_blocks.hpp"

namespace mvdb {

/// Rows of `dim` values of type T (float32 vectors, int8 codes), stored row
/// after row in blocks of 2^k rows (RowBlocks): growth allocates blocks and
/// never copies rows, so the store can fill most of the 4 GB wasm32 heap.
template <typename T>
class RowStore {
 public:
  RowStore() = default;
  explicit RowStore(uint32_t dim) : dim_(dim), data_(dim) {}

  uint32_t dim() const { return dim_; }
  /// Number of stored rows (labels 0 .. size()-1).
  uint32_t size() const { return size_; }

  /// Makes room for `n` rows in total. kOutOfMemory leaves the store unchanged.
  Status Reserve(uint32_t n) { return data_.Reserve(n); }

  /// Appends one row of dim() values; room must have been reserved.
  /// Returns its label.
  uint32_t AppendUnchecked(const T* v) {
    data_.AppendUnchecked(v);
    return size_++;
  }

  /// Takes `data` (at least rows * dim() values, row after row) as the
  /// store's `rows` rows, replacing the store's: a loader that read the rows
  /// straight into it holds them once (RowBlocks::Adopt). Errors:
  /// kOutOfMemory (copying a partial last block; the store is then empty).
  Status Adopt(GrowableArray<T>&& data, uint32_t rows) {
    size_ = 0;
    MVDB_RETURN_IF_ERROR(data_.Adopt(std::move(data), rows));
    size_ = rows;
    return Status::Ok();
  }

  /// Drops the last row (undo of AppendUnchecked).
  void PopBack() {
    data_.PopBack();
    --size_;
  }

  /// Keeps the first `n` rows (n <= size()) and frees the blocks past them
  /// (compaction in place).
  void Truncate(uint32_t n) {
    data_.Truncate(n);
    data_.Trim();
    size_ = n;
  }
  /// Frees the blocks past the last row (a reservation that is not needed).
  void Trim() { data_.Trim(); }

  /// Pointer to the dim() values of `label` (label < size()).
  const T* Get(uint32_t label) const { return data_.Row(label); }
  T* GetMutable(uint32_t label) { return data_.Row(label); }
  /// Rows stored contiguously from `label` on (label < size()): a snapshot
  /// chunk may be a view of that many rows at most.
  uint32_t ContiguousFrom(uint32_t label) const {
    const uint64_t n = data_.ContiguousFrom(label);
    return n < size_ - label ? static_cast<uint32_t>(n) : size_ - label;
  }

  /// Bytes of one row.
  uint64_t row_bytes() const { return uint64_t{sizeof(T)} * dim_; }

  /// Reads the first byte of every 64-byte line of the row of `label` and
  /// returns their sum (give it to KeepTouched, so the loads are not
  /// optimised away). Issued for several rows before their distances are
  /// computed, these independent loads overlap their cache misses: the
  /// nearest WebAssembly has to a prefetch instruction (distance_computer.hpp).
  /// `bytes`: only the lines of the first `bytes` of the row (all by default).
  uint32_t Touch(uint32_t label, uint64_t bytes = ~uint64_t{0}) const {
    const unsigned char* row = reinterpret_cast<const unsigned char*>(Get(label));
    const uint64_t end = bytes < row_bytes() ? bytes : row_bytes();
    uint32_t sum = 0;
    for (uint64_t i = 0; i < end; i += 64) sum += row[i];
    return sum;
  }

  /// Keeps a sum of Touch results, so that the reads stay.
  void KeepTouched(uint32_t sum) const { touch_sink_ += sum; }

  /// Bytes held by the blocks (capacity, not just size).
  uint64_t MemoryBytes() const { return data_.MemoryBytes(); }

 private:
  uint32_t dim_ = 0;
  uint32_t size_ = 0;
  RowBlocks<T> data_;
  // KeepTouched; per thread: the walks of a parallel build touch rows concurrently.
  static inline thread_local uint32_t touch_sink_ = 0;
};

/// float32 vectors; int8 codes are a CodeStore (code_store.hpp).
using VectorStore = RowStore<float>;

}  // namespace mvdb
