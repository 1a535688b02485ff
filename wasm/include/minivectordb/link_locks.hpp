// Locks of a concurrent HNSW build (HnswGraph::InsertBatchT with threads):
// one mutex per stripe of labels guards the link lists of those labels on
// every layer, and one global mutex guards the entry point and the top level,
// as hnswlib guards them (hnswalg.h: link_list_locks_ per element,
// global). Striped rather than one per label: a few thousand mutexes give
// two to eight threads the same rarity of contention at a fixed size.
// A thread holds at most one stripe at a time (it copies a list out, or
// rewrites one list), so stripes cannot deadlock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <new>

#include "minivectordb/status.hpp"

namespace mvdb {

class LinkLocks {
 public:
  /// Stripes: a power of two.
  static constexpr uint32_t kStripes = 4096;

  /// Allocates the stripes. Errors: kOutOfMemory.
  Status Init() {
    stripes_.reset(new (std::nothrow) std::mutex[kStripes]);
    if (stripes_ == nullptr) return OutOfMemory("cannot allocate the link locks of a parallel build");
    return Status::Ok();
  }

  /// The mutex guarding the link lists of `label`.
  std::mutex& Of(uint32_t label) { return stripes_[label & (kStripes - 1)]; }
  /// The mutex guarding the entry point and the top level.
  std::mutex& Global() { return global_; }

 private:
  std::unique_ptr<std::mutex[]> stripes_;
  std::mutex global_;
};

/// Holds the stripe of `label` when `locks` is set (a concurrent build);
/// does nothing otherwise (a single-thread build pays one null test).
class LinkGuard {
 public:
  LinkGuard(LinkLocks* locks, uint32_t label) : mutex_(locks != nullptr ? &locks->Of(label) : nullptr) {
    if (mutex_ != nullptr) mutex_->lock();
  }
  ~LinkGuard() {
    if (mutex_ != nullptr) mutex_->unlock();
  }
  LinkGuard(const LinkGuard&) = delete;
  LinkGuard& operator=(const LinkGuard&) = delete;

 private:
  std::mutex* mutex_;
};

}  // namespace mvdb
