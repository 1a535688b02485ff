// Epoch-stamped visited set, reused across queries (as hnswlib's
// visited_list_pool.h): clearing is O(1) by bumping the epoch, and the marks
// array is only wiped when the 8-bit epoch wraps around (every 255
// queries: at 100,000 labels a 100 KB memset per 255 walks). One byte per
// label keeps the set a quarter of 32-bit marks, so more of it stays in
// cache beside the rows (searchBatch keeps eight of them).
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"

namespace mvdb {

class VisitedSet {
 public:
  /// Makes room for labels [0, n). Fails with kOutOfMemory, set unchanged.
  Status Reserve(uint32_t n) { return marks_.Resize(n > marks_.size() ? n : marks_.size()); }

  /// Starts a new query: every label becomes unvisited.
  void NewEpoch() {
    if (++epoch_ == 0) {  // wrapped: old stamps could collide, wipe them
      for (uint64_t i = 0; i < marks_.size(); ++i) marks_[i] = 0;
      epoch_ = 1;
    }
  }

  /// Marks `label` visited; returns true if it was already visited.
  bool TestAndSet(uint32_t label) {
    if (marks_[label] == epoch_) return true;
    marks_[label] = epoch_;
    return false;
  }

  /// Marks labels[0..n) visited and writes those that were not (each once,
  /// in order) to out[0..count) as {0.f, label}; returns count. `out` needs
  /// room for n entries: every label is written, and only the unvisited
  /// ones advance the count. T: an aggregate {float, uint32_t} (Neighbor).
  /// Without a branch on "already visited": an outcome the CPU cannot
  /// predict, which mispredicts often (bench/README.md, "Measuring rules").
  template <typename T>
  uint32_t GatherUnvisited(const uint32_t* labels, uint32_t n, T* out) {
    uint8_t* marks = marks_.data();
    const uint8_t epoch = epoch_;
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t label = labels[i];
      const bool seen = marks[label] == epoch;
      marks[label] = epoch;
      out[count] = {0.f, label};
      count += seen ? 0u : 1u;
    }
    return count;
  }

  uint64_t MemoryBytes() const { return marks_.capacity_bytes(); }

 private:
  GrowableArray<uint8_t> marks_;
  uint8_t epoch_ = 0;
};

}  // namespace mvdb
