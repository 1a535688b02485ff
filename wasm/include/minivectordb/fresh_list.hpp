// The labels of the most recent small inserts, searched exactly beside the
// graph walk.
//
// Why: HNSW's greedy walk can miss a record that is the clear best match
// when the record is an outlier of the data and the query lies outside the
// data's distribution (a personal note in a corpus of package summaries,
// queried with a few of its own words). The note's graph neighbours are its
// nearest records, which are far from such a query, so the walk stalls in
// the region nearest the query and never reaches them; a larger efSearch,
// more in-links for new nodes or 2M layer-0 neighbours only make it rarer
// (measured with `npm run bench -- --ood-only`, see the README's
// "Out-of-distribution queries and fresh items"). So the records a person
// just added are also scanned exactly, as Milvus scans its growing segments
// and LanceDB its unindexed rows: a freshly added record that is the best
// match is always the first hit. Bulk inserts (more than kFreshMaxBatch
// vectors per call) are not recorded, so bulk-built indexes pay nothing;
// older records age out after kFreshCapacity newer small inserts and rely
// on the walk alone.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

/// Labels kept at most (oldest dropped first): a small exact scan beside a
/// walk that measures thousands of rows at efSearch 64.
constexpr uint32_t kFreshCapacity = 256;
/// Adds of at most this many vectors are recorded.
constexpr uint32_t kFreshMaxBatch = 64;

class FreshList {
 public:
  /// Room for kFreshCapacity labels, so that Record never allocates.
  Status Reserve() { return labels_.Reserve(kFreshCapacity + 1); }

  /// Records `label` as the newest (moved to the end if already present),
  /// dropping the oldest beyond kFreshCapacity.
  void Record(uint32_t label) {
    Forget(label);
    if (labels_.size() == kFreshCapacity) Erase(0);
    labels_.PushBackUnchecked(label);
  }

  /// Renames labels after Index::Compact (remap[old] = new, or 0xFFFFFFFF
  /// for a dropped label, which is then forgotten). `n`: remap's length.
  void Remap(const uint32_t* remap, uint32_t n) {
    uint64_t w = 0;
    for (uint64_t i = 0; i < labels_.size(); ++i) {
      const uint32_t old = labels_[i];
      const uint32_t now = old < n ? remap[old] : 0xFFFFFFFFu;
      if (now != 0xFFFFFFFFu) labels_[w++] = now;
    }
    while (labels_.size() > w) labels_.PopBack();
  }

  void Clear() { labels_.Clear(); }
  uint32_t size() const { return static_cast<uint32_t>(labels_.size()); }
  const uint32_t* data() const { return labels_.data(); }

 private:
  void Forget(uint32_t label) {
    for (uint64_t i = 0; i < labels_.size(); ++i) {
      if (labels_[i] == label) {
        Erase(i);
        return;
      }
    }
  }
  void Erase(uint64_t i) {
    for (uint64_t j = i + 1; j < labels_.size(); ++j) labels_[j - 1] = labels_[j];
    labels_.PopBack();
  }

  GrowableArray<uint32_t> labels_;  // oldest first; capacity kFreshCapacity + 1
};

}  // namespace mvdb
