// RowBlocks: fixed-width rows (vectors, codes, layer-0 link blocks) in
// fixed-size blocks of 2^k rows (at most kRowBlockBytes each) instead of one
// contiguous buffer.
//
// Why: a contiguous buffer grows by realloc, which near the 4 GB wasm32 limit
// needs the old and the new block at once (a 2 GB store cannot grow to 2.5
// GB), so inserts stopped at about half the heap. Blocks grow by allocating
// one more block: no row is ever copied and the extra memory of a growth is
// one block. A row is still one address computation away:
// blocks[r >> shift] + (r & mask) * width (the block table is small and stays
// in cache). While the whole store fits in its first block, that block grows
// by doubling (small indexes stay small).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "minivectordb/buffer.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

/// Largest block, in bytes (a block holds at least one row). 4 MiB: the
/// waste of a partly used last block is small against a heap of GBs, the
/// block table of a full 4 GB heap has ~1,000 entries.
constexpr uint64_t kRowBlockBytes = uint64_t{1} << 22;

template <typename T>
class RowBlocks {
  static_assert(std::is_trivially_copyable<T>::value, "RowBlocks holds trivially copyable types only");

 public:
  RowBlocks() : RowBlocks(1) {}
  /// Rows of `width` elements (width >= 1).
  explicit RowBlocks(uint64_t width) : width_(width == 0 ? 1 : width) {
    const uint64_t row_bytes = width_ * sizeof(T);
    while (shift_ < 31 && (uint64_t{2} << shift_) * row_bytes <= kRowBlockBytes) ++shift_;
    block_rows_ = uint64_t{1} << shift_;
    mask_ = block_rows_ - 1;
  }
  ~RowBlocks() { Release(); }
  RowBlocks(const RowBlocks&) = delete;
  RowBlocks& operator=(const RowBlocks&) = delete;
  RowBlocks(RowBlocks&& o) noexcept { *this = std::move(o); }
  RowBlocks& operator=(RowBlocks&& o) noexcept {
    if (this != &o) {
      Release();
      width_ = o.width_;
      shift_ = o.shift_;
      mask_ = o.mask_;
      block_rows_ = o.block_rows_;
      blocks_ = std::move(o.blocks_);
      rows_ = o.rows_;
      capacity_ = o.capacity_;
      adopted_ = o.adopted_;
      adopted_blocks_ = o.adopted_blocks_;
      o.rows_ = o.capacity_ = 0;
      o.adopted_ = nullptr;
      o.adopted_blocks_ = 0;
    }
    return *this;
  }

  uint64_t width() const { return width_; }
  /// Rows in use (0 .. rows()-1).
  uint64_t rows() const { return rows_; }
  /// Rows that fit without allocating.
  uint64_t capacity() const { return capacity_; }
  /// Rows per block (a power of two).
  uint64_t block_rows() const { return block_rows_; }

  /// The `width` elements of row `r` (r < capacity()).
  T* Row(uint64_t r) const { return blocks_[r >> shift_] + (r & mask_) * width_; }
  /// Rows stored contiguously from row `r` on (to the end of its block).
  uint64_t ContiguousFrom(uint64_t r) const { return block_rows_ - (r & mask_); }

  /// Makes room for `n` rows. One growth allocates whole blocks (the first
  /// block, while alone, doubles), never copying more than one block.
  /// kOutOfMemory when the bytes (computed in 64 bits) pass kMaxBufferBytes
  /// or an allocation fails; then the blocks this call allocated are freed
  /// again (the capacity may keep a grown first block).
  Status Reserve(uint64_t n) {
    if (n <= capacity_) return Status::Ok();
    if (n > kMaxBufferBytes / sizeof(T) / width_) return OutOfMemory(OomMessage(n));
    if (capacity_ < block_rows_) {  // the first block grows by doubling, up to a whole block
      uint64_t cap = capacity_ == 0 ? 16 : capacity_ * 2;
      if (cap < n) cap = n;
      if (cap > block_rows_) cap = block_rows_;
      if (blocks_.empty()) MVDB_RETURN_IF_ERROR(blocks_.Reserve(1));
      void* p = std::realloc(blocks_.empty() ? nullptr : blocks_[0], static_cast<size_t>(cap * width_ * sizeof(T)));
      if (p == nullptr) return OutOfMemory(OomMessage(n));
      if (blocks_.empty()) blocks_.PushBackUnchecked(nullptr);
      blocks_[0] = static_cast<T*>(p);
      capacity_ = cap;
      if (n <= capacity_) return Status::Ok();
    }
    const uint64_t need = (n + block_rows_ - 1) >> shift_;
    MVDB_RETURN_IF_ERROR(blocks_.Reserve(need));
    const uint64_t had = blocks_.size();
    while (blocks_.size() < need) {
      void* p = std::malloc(static_cast<size_t>(block_rows_ * width_ * sizeof(T)));
      if (p == nullptr) {
        while (blocks_.size() > had) {  // what this call took goes back
          std::free(blocks_.back());
          blocks_.PopBack();
        }
        return OutOfMemory(OomMessage(n));
      }
      blocks_.PushBackUnchecked(static_cast<T*>(p));
    }
    capacity_ = blocks_.size() << shift_;
    return Status::Ok();
  }

  /// Grows (reserving as needed; new rows zero-filled) or shrinks to `n` rows.
  Status Resize(uint64_t n) {
    MVDB_RETURN_IF_ERROR(Reserve(n));
    for (uint64_t r = rows_; r < n;) {
      const uint64_t run = std::min<uint64_t>(ContiguousFrom(r), n - r);
      std::memset(static_cast<void*>(Row(r)), 0, static_cast<size_t>(run * width_ * sizeof(T)));
      r += run;
    }
    rows_ = n;
    return Status::Ok();
  }

  /// Appends one row within the capacity (call Reserve first).
  void AppendUnchecked(const T* v) {
    std::memcpy(static_cast<void*>(Row(rows_)), v, static_cast<size_t>(width_ * sizeof(T)));
    ++rows_;
  }
  /// Drops the last row.
  void PopBack() { --rows_; }
  /// Keeps the first `n` rows (n <= rows()); Trim frees what is left over.
  void Truncate(uint64_t n) { rows_ = n; }

  /// Frees the blocks past the last used row (after a compaction, or a
  /// reservation that failed): they go back to the heap for other buffers; a
  /// lone first block shrinks to the rows. Blocks inside an adopted buffer
  /// (Adopt) cannot be freed one by one: they stay as capacity.
  void Trim() {
    uint64_t keep = rows_ == 0 ? 0 : ((rows_ - 1) >> shift_) + 1;
    if (keep < 1) keep = 1;  // the first block stays
    if (keep < adopted_blocks_) keep = adopted_blocks_;
    while (blocks_.size() > keep) {
      std::free(blocks_.back());
      blocks_.PopBack();
    }
    if (blocks_.size() > 1 || adopted_blocks_ > 0) {
      capacity_ = blocks_.size() << shift_;
      return;
    }
    // A lone first block shrinks to the rows (a small index compacted).
    const uint64_t cap = rows_ < 16 ? 16 : rows_;
    if (blocks_.size() == 1 && cap < capacity_) {
      void* p = std::realloc(blocks_[0], static_cast<size_t>(cap * width_ * sizeof(T)));
      if (p != nullptr) {
        blocks_[0] = static_cast<T*>(p);
        capacity_ = cap;
      }
    }
  }

  /// Takes `data` (at least `rows` rows, one after the other) as the store's
  /// first rows: a loader that read the rows straight into one buffer holds
  /// them once. Its whole blocks become views into it; a partial last block
  /// is copied into a block of its own (at most kRowBlockBytes) and the
  /// buffer shrunk to the whole blocks. On kOutOfMemory the store is empty
  /// and `data` is freed.
  Status Adopt(GrowableArray<T>&& data, uint64_t rows) {
    GrowableArray<T> buffer = std::move(data);
    Release();
    if (rows == 0) return Status::Ok();
    const uint64_t whole = rows >> shift_, rest = rows & mask_;
    MVDB_RETURN_IF_ERROR(blocks_.Reserve(whole + (rest > 0 ? 1 : 0)));
    T* tail = nullptr;
    if (rest > 0) {
      tail = static_cast<T*>(std::malloc(static_cast<size_t>(block_rows_ * width_ * sizeof(T))));
      if (tail == nullptr) return OutOfMemory(OomMessage(rows));
      std::memcpy(static_cast<void*>(tail), buffer.data() + whole * block_rows_ * width_,
                  static_cast<size_t>(rest * width_ * sizeof(T)));
    }
    if (whole > 0) {
      adopted_ = buffer.Release();
      void* p = std::realloc(adopted_, static_cast<size_t>(whole * block_rows_ * width_ * sizeof(T)));
      if (p != nullptr) adopted_ = static_cast<T*>(p);  // shrinking: in place as a rule; else keep it whole
      adopted_blocks_ = whole;
      for (uint64_t b = 0; b < whole; ++b) blocks_.PushBackUnchecked(adopted_ + b * block_rows_ * width_);
    }
    if (tail != nullptr) blocks_.PushBackUnchecked(tail);
    capacity_ = blocks_.size() << shift_;
    rows_ = rows;
    return Status::Ok();
  }

  /// Bytes held by the blocks and the block table.
  uint64_t MemoryBytes() const {
    const uint64_t blocks = capacity_ * width_ * sizeof(T);
    return blocks + blocks_.capacity_bytes();
  }

 private:
  void Release() {
    for (uint64_t b = adopted_blocks_; b < blocks_.size(); ++b) std::free(blocks_[b]);
    std::free(adopted_);
    adopted_ = nullptr;
    adopted_blocks_ = 0;
    blocks_ = GrowableArray<T*>();
    rows_ = capacity_ = 0;
  }
  std::string OomMessage(uint64_t n) const {
    return "cannot allocate " + std::to_string(n) + " rows of " + std::to_string(width_ * sizeof(T)) +
           " bytes (blocks of " + std::to_string(block_rows_ * width_ * sizeof(T)) + " bytes; at most " +
           std::to_string(kMaxBufferBytes) + " bytes in all)";
  }

  uint64_t width_ = 1;
  uint32_t shift_ = 0;
  uint64_t mask_ = 0;
  uint64_t block_rows_ = 1;
  GrowableArray<T*> blocks_;  // block b holds rows [b << shift_, (b + 1) << shift_)
  uint64_t rows_ = 0;
  uint64_t capacity_ = 0;
  T* adopted_ = nullptr;        // Adopt's buffer: blocks [0, adopted_blocks_) are views into it
  uint64_t adopted_blocks_ = 0;
};

}  // namespace mvdb
