// HNSW construction: INSERT (Algorithm 1), the neighbour-selection heuristic
// (Algorithm 4) and slot reuse; see hnsw.hpp for the algorithm sources.
#include <algorithm>

#include "hnsw_walk.hpp"

namespace mvdb {

template <typename Dc>
void HnswGraph::SelectNeighborsHeuristic(const Dc& dc, GrowableArray<Neighbor>* candidates, uint32_t m,
                                         bool keep_pruned) {
  std::sort(candidates->begin(), candidates->end());
  if (candidates->size() <= m) return;
  kept_.Clear();
  for (const Neighbor& c : *candidates) {
    if (kept_.size() >= m) break;
    // Keep c only if it is closer to the base node than to every neighbour
    // kept so far: a closer kept neighbour already covers c's direction.
    bool diverse = true;
    for (const Neighbor& r : kept_) {
      // Only "nearer than c.distance" matters: the measure may stop above it.
      if (dc.Symmetric(c.label, r.label, c.distance) < c.distance) {
        diverse = false;
        break;
      }
    }
    if (diverse) kept_.PushBackUnchecked(c);
  }
  if (!keep_pruned) {
    // Copied back, not swapped: each scratch array keeps the capacity Reserve gave it.
    candidates->Clear();
    for (const Neighbor& k : kept_) candidates->PushBackUnchecked(k);
    return;
  }
  // keepPrunedConnections (Algorithm 4): the new node's list is filled up
  // to m with the nearest pruned candidates, so it is held by M lists, not
  // only by the few diverse ones: when those lists overflow and re-select,
  // it keeps an in-link (bench/README.md, "Keep-pruned fill at 340k").
  // kept_ is a subsequence of the sorted candidates, so one merge walk
  // writes the kept ones and the nearest m - |kept_| pruned ones, in order,
  // in place (the write position never passes the read position).
  uint64_t fill = m - kept_.size();
  uint64_t out = 0, j = 0;
  Neighbor* c = candidates->data();
  for (uint64_t i = 0; i < candidates->size() && out < m; ++i) {
    if (j < kept_.size() && kept_[j].label == c[i].label) {
      ++j;
    } else if (fill > 0) {
      --fill;
    } else {
      continue;
    }
    c[out++] = c[i];
  }
  (void)candidates->Resize(out);  // shrinking: cannot fail
}

template <typename Dc>
void HnswGraph::Connect(const Dc& dc, uint32_t target, uint32_t source, uint32_t layer) {
  LinkGuard guard(locks_, target);  // concurrent build: the list is rewritten under its lock
  uint32_t* block = LinkBlock(target, layer);
  const uint32_t max_links = MaxLinks(layer);
  for (uint32_t i = 0; i < block[0]; ++i)
    if (block[1 + i] == source) return;  // only when relinking a reused slot
  if (block[0] < max_links) {
    block[1 + block[0]] = source;
    ++block[0];
    return;
  }
  prune_.Clear();
  for (uint32_t i = 0; i < block[0]; ++i) prune_.PushBackUnchecked({0.f, block[1 + i]});
  dc.MeasureFrom(target, prune_.data(), block[0]);
  prune_.PushBackUnchecked({dc.Symmetric(target, source), source});
  SelectNeighborsHeuristic(dc, &prune_, max_links, false);
  block[0] = static_cast<uint32_t>(prune_.size());
  for (uint32_t i = 0; i < max_links; ++i) block[1 + i] = i < prune_.size() ? prune_[i].label : 0;
}

template <typename Dc>
Status HnswGraph::InsertT(Dc dc) {
  const uint32_t label = size_;
  const uint64_t rng_before = rng_.state();
  const uint32_t level = DrawLevel();
  Status st = AppendNodeForRestore(level);
  if (!st.ok()) {
    rng_.set_state(rng_before);  // leave the graph exactly as it was
    return st;
  }
  if (entry_point_ == kNoLabel) {
    entry_point_ = label;
    max_level_ = static_cast<int32_t>(level);
    return Status::Ok();
  }
  dc.SetQueryLabel(label);
  LinkT(dc, label, level);
  if (static_cast<int32_t>(level) > max_level_) {
    entry_point_ = label;
    max_level_ = static_cast<int32_t>(level);
  }
  return Status::Ok();
}

template <typename Dc>
void HnswGraph::LinkT(const Dc& dc, uint32_t label, uint32_t level) {
  Neighbor cur{dc(entry_point_), entry_point_};
  cur = GreedyDescend(dc, cur, max_level_, static_cast<int32_t>(level));

  // Tombstoned nodes are ordinary points for construction: they stay in the
  // graph for routing, so the new node may link to them. Excluding them from
  // the ef-set (as hnswlib does) makes the walk expand the whole graph when
  // most nodes are deleted, and can leave the new node without links.
  const LabelFilter all;
  for (int32_t layer = std::min<int32_t>(static_cast<int32_t>(level), max_level_); layer >= 0; --layer) {
    const uint32_t lc = static_cast<uint32_t>(layer);
    SearchLayer(dc, cur, ef_construction_, lc, all);
    selected_.Clear();
    for (const Neighbor& r : results_)
      if (r.label != label) selected_.PushBackUnchecked(r);  // a reused slot finds itself
    std::sort(selected_.begin(), selected_.end());
    const Neighbor nearest = selected_.empty() ? cur : selected_[0];
    SelectNeighborsHeuristic(dc, &selected_, M_, true);

    {
      LinkGuard guard(locks_, label);  // concurrent build: walks of other threads may read it
      uint32_t* block = LinkBlock(label, lc);
      block[0] = static_cast<uint32_t>(selected_.size());
      for (uint64_t i = 0; i < selected_.size(); ++i) block[1 + i] = selected_[i].label;
    }
    for (const Neighbor& nb : selected_) Connect(dc, nb.label, label, lc);
    cur = nearest;
  }
}

template <typename Dc>
void HnswGraph::UnlinkForReuseT(const Dc& dc, uint32_t label) {
  for (uint32_t layer = 0; layer <= Level(label); ++layer) {
    const uint32_t* own = LinkBlock(label, layer);
    for (uint32_t i = 0; i < own[0]; ++i) {
      const uint32_t nb = own[1 + i];
      if (nb == label) continue;
      uint32_t* block = LinkBlock(nb, layer);
      bool links_back = false;
      for (uint32_t j = 0; j < block[0] && !links_back; ++j) links_back = block[1 + j] == label;
      if (!links_back) continue;
      // Candidates: nb's other links and label's links, each once, never nb
      // itself; at most 2 * M0 (prune_ reserved for that).
      visited_.NewEpoch();
      visited_.TestAndSet(nb);
      visited_.TestAndSet(label);
      prune_.Clear();
      for (const uint32_t* list : {static_cast<const uint32_t*>(block), own}) {
        for (uint32_t j = 0; j < list[0]; ++j) {
          const uint32_t c = list[1 + j];
          if (!visited_.TestAndSet(c)) prune_.PushBackUnchecked({dc.Symmetric(nb, c), c});
        }
      }
      SelectNeighborsHeuristic(dc, &prune_, MaxLinks(layer), false);
      block[0] = static_cast<uint32_t>(prune_.size());
      for (uint32_t j = 0; j < MaxLinks(layer); ++j) block[1 + j] = j < prune_.size() ? prune_[j].label : 0;
    }
  }
}

template <typename Dc>
void HnswGraph::RelinkReusedT(Dc dc, uint32_t label) {
  if (size_ <= 1) return;  // alone in the graph: nothing to link to
  dc.SetQueryLabel(label);
  LinkT(dc, label, Level(label));
}

#define MVDB_INSTANTIATE_INSERT(Dc)                                 \
  template Status HnswGraph::InsertT<Dc>(Dc);                       \
  template void HnswGraph::UnlinkForReuseT<Dc>(const Dc&, uint32_t); \
  template void HnswGraph::RelinkReusedT<Dc>(Dc, uint32_t);         \
  template void HnswGraph::LinkT<Dc>(const Dc&, uint32_t, uint32_t); /* hnsw_parallel.cpp */
MVDB_FOR_EACH_DISTANCE_COMPUTER(MVDB_INSTANTIATE_INSERT)
#undef MVDB_INSTANTIATE_INSERT

}  // namespace mvdb
