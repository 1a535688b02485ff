// Tombstones: one flag per label, and the tombstoned labels as a min-heap of
// free slots that Add reuses (lowest first).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>

#include "minivectordb/buffer.hpp"
#include "minivectordb/permutation.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

class Tombstones {
 public:
  Tombstones() = default;
  /// From snapshot flags (one byte per label, 1 = tombstone) and their count;
  /// call RebuildFree before use.
  Tombstones(GrowableArray<uint8_t>&& flags, uint32_t count) : flags_(std::move(flags)), count_(count) {}

  /// Labels tracked (live + tombstoned).
  uint32_t size() const { return static_cast<uint32_t>(flags_.size()); }
  uint32_t count() const { return count_; }
  bool IsDeleted(uint32_t label) const { return flags_[label] != 0; }
  /// One byte per label, nonzero = tombstone (LabelFilter::deleted).
  const uint8_t* flags() const { return flags_.data(); }
  /// Tombstones waiting for reuse (all of them: every tombstone is free).
  uint32_t free_count() const { return static_cast<uint32_t>(free_.size()); }

  /// Room for `total` labels in the flags and in the free heap, so that
  /// AppendLive and Mark never allocate. Errors: kOutOfMemory.
  Status Reserve(uint32_t total) {
    MVDB_RETURN_IF_ERROR(flags_.Reserve(total));
    return free_.Reserve(total);
  }
  /// A new live label size(); room must be reserved.
  void AppendLive() { flags_.PushBackUnchecked(0); }
  /// Undoes AppendLive.
  void PopBack() { flags_.PopBack(); }
  /// Tombstones live `label` and offers its slot for reuse.
  void Mark(uint32_t label) {
    flags_[label] = 1;
    ++count_;
    free_.PushBackUnchecked(label);
    std::push_heap(free_.begin(), free_.end(), std::greater<uint32_t>());
  }
  /// Removes the lowest free label from the heap and returns it (still
  /// tombstoned until Revive). Requires free_count() > 0.
  uint32_t TakeLowestFree() {
    std::pop_heap(free_.begin(), free_.end(), std::greater<uint32_t>());
    const uint32_t label = free_.back();
    free_.PopBack();
    return label;
  }
  /// Makes a label taken by TakeLowestFree live again.
  void Revive(uint32_t label) {
    flags_[label] = 0;
    --count_;
  }
  /// `n` live labels (n <= size()) and no tombstones, in the buffers held
  /// (compaction in place: never allocates).
  void ResetLive(uint32_t n) {
    flags_.Clear();
    (void)flags_.Resize(n);  // within the capacity: cannot fail; zero-filled
    free_.Clear();
    count_ = 0;
  }
  /// Rebuilds the free heap from the flags (after a snapshot load), so that
  /// inserts go where they would have gone before saving: the order depends
  /// only on the tombstone set. Errors: kOutOfMemory.
  Status RebuildFree();

  /// Moves the flag of label `old` to remap[old] (a permutation of
  /// 0 .. size()-1; Index::Relabel) and rebuilds the free heap from the
  /// flags in its own room (capacity >= size(): never allocates). `bits`:
  /// size() bits of scratch.
  void Relabel(const uint32_t* remap, LabelBits* bits) {
    uint8_t temp = 0;
    PermuteInPlace(remap, size(), bits, [&](uint32_t i) { std::swap(flags_[i], temp); });
    free_.Clear();
    for (uint32_t label = 0; label < size(); ++label)  // ascending order is a min-heap
      if (flags_[label] != 0) free_.PushBackUnchecked(label);
  }

  uint64_t MemoryBytes() const { return flags_.capacity_bytes() + free_.capacity_bytes(); }

 private:
  GrowableArray<uint8_t> flags_;
  uint32_t count_ = 0;
  // The tombstoned labels as a min-heap; capacity >= size().
  GrowableArray<uint32_t> free_;
};

}  // namespace mvdb
