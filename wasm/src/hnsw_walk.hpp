// The layer walks of the HNSW graph (private to wasm/src): greedy descent
// through the upper layers and SEARCH-LAYER (Algorithm 2), shared by
// construction (hnsw_insert.cpp) and K-NN search (hnsw_search.cpp). Distances
// come from a DistanceComputer (distance_computer.hpp), which decides when
// rows are touched and when a measurement may stop at the bound it is given.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>

#include "minivectordb/code_store.hpp"
#include "minivectordb/distance_computer.hpp"
#include "minivectordb/hnsw.hpp"

// The distance computers the index uses: X(type) for each, to instantiate
// the graph's templates.
#define MVDB_FOR_EACH_DISTANCE_COMPUTER(X)   \
  X(::mvdb::VectorDistance<::mvdb::L2Kernel>) \
  X(::mvdb::VectorDistance<::mvdb::InnerProductKernel>) \
  X(::mvdb::CodeDistance<::mvdb::L2I8Kernel>) \
  X(::mvdb::CodeDistance<::mvdb::InnerProductI8Kernel>)

namespace mvdb {
namespace walk {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// Comparator that turns std::*_heap into a min-heap on distance (a function
// object, so the heap code inlines it).
struct Farther {
  bool operator()(const Neighbor& a, const Neighbor& b) const { return b < a; }
};

// Replaces the top (largest) element of the max-heap [first, last) with v
// and restores the heap: one sift-down instead of a push and a pop.
inline void ReplaceTop(Neighbor* first, Neighbor* last, Neighbor v) {
  const std::ptrdiff_t n = last - first;
  std::ptrdiff_t hole = 0;
  for (;;) {
    std::ptrdiff_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && first[child] < first[child + 1]) ++child;
    if (!(v < first[child])) break;
    first[hole] = first[child];
    hole = child;
  }
  first[hole] = v;
}

}  // namespace walk

template <typename Dc>
Neighbor HnswGraph::GreedyDescend(const Dc& dc, Neighbor cur, int32_t top, int32_t bottom) {
  for (int32_t layer = top; layer > bottom; --layer) {
    bool changed = true;
    while (changed) {
      changed = false;
      uint32_t n = 0;
      const uint32_t* links = ReadLinks(cur.label, static_cast<uint32_t>(layer), &n);
      // Upper layers hold at most M <= M0 links: they fit batch_.
      for (uint32_t i = 0; i < n; ++i) batch_[i] = {0.f, links[i]};
      // Only a nearer neighbour moves the descent, so each is measured
      // against the distance at the start of the list: a value above it is
      // never taken, and the one taken is exact.
      dc.Measure(batch_.data(), n, cur.distance);
      for (uint32_t i = 0; i < n; ++i) {
        if (batch_[i].distance < cur.distance) {
          cur = batch_[i];
          changed = true;
        }
      }
    }
  }
  return cur;
}

template <typename Dc>
void HnswGraph::SearchLayerPool(const Dc& dc, Neighbor entry, uint32_t ef, uint32_t layer) {
  PoolWalk w{&visited_, &results_, &expanded_, batch_.data(), ef, layer};
  StartPool(&w, entry);
  while (GatherPool(&w)) MeasurePool(dc, &w);
}

inline void HnswGraph::StartPool(PoolWalk* w, Neighbor entry) {
  w->visited->NewEpoch();
  w->visited->TestAndSet(entry.label);
  w->pool->Clear();
  w->expanded->Clear();
  w->pool->PushBackUnchecked(entry);
  w->expanded->PushBackUnchecked(0);
  w->next = 0;
  w->fresh = 0;
}

inline bool HnswGraph::GatherPool(PoolWalk* w) {
  // Algorithm 2 of the HNSW paper with its two heaps merged into one sorted
  // array (as DiskANN's GreedySearch keeps its candidate list: Subramanya et
  // al., NeurIPS 2019). w->pool is the pool: the (at most ef) nearest nodes
  // seen, sorted; expanded[i] tells whether pool[i] was expanded, and `next`
  // is the first unexpanded position. A candidate farther than the ef-th
  // result is never expanded by Algorithm 2 (its stop test), so dropping it
  // from the pool changes nothing: the same nodes are expanded in the same
  // order and the same ef results come out. Without a filter only: then
  // every node reached is a result. Capacities: ef + 1 (ReserveSearch /
  // Reserve). One expansion is two steps, this one (pick the node, gather
  // its unvisited neighbours into w->batch) and MeasurePool, so that
  // SearchBatchT can put other walks' work between them.
  if (w->next >= w->pool->size()) return false;
  const uint32_t c = (*w->pool)[w->next].label;
  (*w->expanded)[w->next] = 1;
  uint32_t n = 0;
  const uint32_t* links = ReadLinks(c, w->layer, &n);
  w->fresh = w->visited->GatherUnvisited(links, n, w->batch);
  return true;
}

template <typename Dc>
void HnswGraph::MeasurePool(const Dc& dc, PoolWalk* w) {
  Neighbor* pool = w->pool->data();
  uint8_t* expanded = w->expanded->data();
  uint32_t size = static_cast<uint32_t>(w->pool->size());
  const uint32_t ef = w->ef;
  // A full pool drops anything not nearer than its last entry.
  dc.Measure(w->batch, w->fresh, size == ef ? pool[size - 1].distance : walk::kInfinity);
  uint32_t lowest = size;  // lowest position inserted at in this expansion
  for (uint32_t i = 0; i < w->fresh; ++i) {
    const Neighbor nb = w->batch[i];
    if (size == ef && !(nb.distance < pool[size - 1].distance)) continue;
    // Insert in order: the pool is short (ef), a scan from the end and a
    // shift beat a heap's unpredictable branches.
    uint32_t pos = size - 1;  // a full pool drops its last entry
    if (size < ef) {
      w->pool->PushBackUnchecked(nb);
      w->expanded->PushBackUnchecked(0);
      pos = size++;
    }
    while (pos > 0 && nb < pool[pos - 1]) {
      pool[pos] = pool[pos - 1];
      expanded[pos] = expanded[pos - 1];
      --pos;
    }
    pool[pos] = nb;
    expanded[pos] = 0;
    if (pos < lowest) lowest = pos;
    // The candidate's link block is not loaded ahead here (hnswlib
    // prefetches it): in WebAssembly such a load waits like a miss, and most
    // candidates are pushed out of the pool before they are expanded
    // (bench/README.md, "Speed with the same results").
  }
  uint32_t next = w->next;
  if (lowest < next) next = lowest;
  while (next < size && expanded[next]) ++next;
  w->next = next;
}

template <typename Dc>
void HnswGraph::SearchLayer(const Dc& dc, Neighbor entry, uint32_t ef, uint32_t layer, const LabelFilter& filter) {
  if (filter.AdmitsAll()) {
    SearchLayerPool(dc, entry, ef, layer);
    return;
  }
  // Capacities: candidates_ holds each visited node at most once (<= size_,
  // reserved by Reserve); results_ at most ef + 1 (ReserveSearch / Reserve).
  visited_.NewEpoch();
  candidates_.Clear();
  results_.Clear();
  visited_.TestAndSet(entry.label);
  candidates_.PushBackUnchecked(entry);
  if (filter.Admits(entry.label)) results_.PushBackUnchecked(entry);
  float bound = results_.empty() ? walk::kInfinity : entry.distance;

  while (!candidates_.empty()) {
    const Neighbor c = candidates_.front();
    // Stop when the nearest unexpanded candidate is farther than the worst of
    // a full result set. While the set is not full (a filter rejected many
    // nodes), keep expanding so that admitted nodes are still found.
    if (c.distance > bound && results_.size() >= ef) break;
    std::pop_heap(candidates_.begin(), candidates_.end(), walk::Farther{});
    candidates_.PopBack();

    uint32_t n = 0;
    const uint32_t* links = Links(c.label, layer, &n);
    // Gather the unvisited neighbours first, then measure them in one batch:
    // with no heap updates (and their mispredicted branches) in between, the
    // CPU overlaps the memory loads of consecutive rows.
    uint32_t fresh = 0;
    if (filter.allowed == nullptr || filter.dense) {
      fresh = visited_.GatherUnvisited(links, n, batch_.data());
    } else {
      fresh = GatherAdmitted(links, n, layer, filter);
    }
    // A full result set keeps only what is nearer than its worst.
    dc.Measure(batch_.data(), fresh, results_.size() >= ef ? bound : walk::kInfinity);
    for (uint32_t i = 0; i < fresh; ++i) {
      const uint32_t next = batch_[i].label;
      const float d = batch_[i].distance;
      if (results_.size() < ef || d < bound) {
        candidates_.PushBackUnchecked({d, next});
        std::push_heap(candidates_.begin(), candidates_.end(), walk::Farther{});
        // Load the candidate's link count now, so that its link block is in
        // cache by the time it is expanded (hnswlib prefetches it; WebAssembly
        // has no prefetch).
        touch_sink_ += *LinkBlock(next, layer);
        if (filter.Admits(next)) {
          if (results_.size() < ef) {
            results_.PushBackUnchecked({d, next});
            std::push_heap(results_.begin(), results_.end());
          } else {
            walk::ReplaceTop(results_.begin(), results_.end(), {d, next});
          }
          bound = results_.front().distance;
        }
      }
    }
  }
}

}  // namespace mvdb
