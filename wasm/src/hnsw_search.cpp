// HNSW K-NN search (Algorithm 5) and the filtered walk's gathering of
// admitted nodes (ACORN-1); see hnsw.hpp for the algorithm sources.
#include <algorithm>

#include "hnsw_walk.hpp"
#include "minivectordb/rabitq.hpp"

namespace mvdb {

uint32_t HnswGraph::GatherAdmitted(const uint32_t* links, uint32_t n, uint32_t layer, const LabelFilter& filter) {
  // Admitted neighbours first (up to M0), then, while fewer than M were
  // found, admitted neighbours of the others (two hops): a sparse filter
  // gets about M fresh nodes per expansion, a dense one no detours (a cap of
  // M rather than M0 on the two-hop fill was faster at 50% selectivity with
  // the same recall; bench/README.md, "Measuring rules"). Filtered-out nodes
  // are looked through, never measured: a distance is paid only for a node
  // that can be a result.
  const uint32_t cap = static_cast<uint32_t>(batch_.size());
  uint32_t fresh = 0;
  for (uint32_t i = 0; i < n && fresh < cap; ++i) {
    if (filter.Admits(links[i]) && !visited_.TestAndSet(links[i])) batch_[fresh++] = {0.f, links[i]};
  }
  for (uint32_t i = 0; i < n && fresh < M_; ++i) {
    if (filter.Admits(links[i])) continue;
    uint32_t n2 = 0;
    const uint32_t* hop = Links(links[i], layer, &n2);
    for (uint32_t j = 0; j < n2 && fresh < M_; ++j) {
      if (filter.Admits(hop[j]) && !visited_.TestAndSet(hop[j])) batch_[fresh++] = {0.f, hop[j]};
    }
  }
  return fresh;
}

template <typename Dc>
Status HnswGraph::SearchT(const Dc& dc, uint32_t k, uint32_t ef, const LabelFilter& filter,
                          GrowableArray<Neighbor>* out) {
  out->Clear();
  if (size_ == 0 || entry_point_ == kNoLabel || k == 0) return Status::Ok();
  ef = std::max(ef, k);
  MVDB_RETURN_IF_ERROR(ReserveSearch(ef));
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{ef} + 1));
  Neighbor cur{dc(entry_point_), entry_point_};
  cur = GreedyDescend(dc, cur, max_level_, 0);
  SearchLayer(dc, cur, ef, 0, filter);
  for (const Neighbor& r : results_) out->PushBackUnchecked(r);
  std::sort(out->begin(), out->end());
  if (out->size() > k) MVDB_RETURN_IF_ERROR(out->Resize(k));  // shrinking: cannot fail
  return Status::Ok();
}

#define MVDB_INSTANTIATE_SEARCH(Dc) \
  template Status HnswGraph::SearchT<Dc>(const Dc&, uint32_t, uint32_t, const LabelFilter&, GrowableArray<Neighbor>*);
MVDB_FOR_EACH_DISTANCE_COMPUTER(MVDB_INSTANTIATE_SEARCH)
MVDB_INSTANTIATE_SEARCH(::mvdb::RabitqDistance)  // search only (rabitq_search.cpp): no graph is built on estimates
#undef MVDB_INSTANTIATE_SEARCH

}  // namespace mvdb
