// HNSW K-NN search of several queries with their layer-0 walks interleaved
// (HnswGraph::SearchBatchT; why in hnsw.hpp). Each walk is SearchLayerPool's,
// split into its two steps (GatherPool, MeasurePool in hnsw_walk.hpp), so a
// query's results are those of SearchT bit for bit.
#include "hnsw_walk.hpp"

namespace mvdb {

template <typename Dc>
Status HnswGraph::SearchBatchT(const Dc* dcs, uint32_t nq, uint32_t k, uint32_t ef, GrowableArray<Neighbor>* outs) {
  if (nq > kBatchWalks) return InvalidArgument("SearchBatchT takes at most kBatchWalks queries");
  for (uint32_t i = 0; i < nq; ++i) outs[i].Clear();
  if (size_ == 0 || entry_point_ == kNoLabel || k == 0 || nq == 0) return Status::Ok();
  ef = std::max(ef, k);
  MVDB_RETURN_IF_ERROR(ReserveBatch(ef, nq));
  for (uint32_t i = 0; i < nq; ++i) MVDB_RETURN_IF_ERROR(outs[i].Reserve(uint64_t{ef} + 1));
  PoolWalk walks[kBatchWalks];
  uint32_t active[kBatchWalks];
  uint32_t count = 0;
  for (uint32_t i = 0; i < nq; ++i) {
    const Neighbor entry = GreedyDescend(dcs[i], {dcs[i](entry_point_), entry_point_}, max_level_, 0);
    walks[i] = {&walk_visited_[i], &walk_pool_[i], &walk_expanded_[i], walk_batch_.data() + uint64_t{i} * M0_, ef, 0};
    StartPool(&walks[i], entry);
    if (GatherPool(&walks[i])) {
      dcs[i].Prefetch(walks[i].batch, walks[i].fresh);
      active[count++] = i;
    }
  }
  // Round-robin: measure what a walk gathered a round ago, then gather (and
  // touch) its next expansion; a finished walk leaves the ring.
  while (count > 0) {
    for (uint32_t j = 0; j < count;) {
      const uint32_t i = active[j];
      MeasurePool(dcs[i], &walks[i]);
      if (GatherPool(&walks[i])) {
        dcs[i].Prefetch(walks[i].batch, walks[i].fresh);
        ++j;
      } else {
        active[j] = active[--count];
      }
    }
  }
  for (uint32_t i = 0; i < nq; ++i) {
    // The pool is sorted; SearchT's sort of it changes nothing.
    const GrowableArray<Neighbor>& pool = walk_pool_[i];
    const uint64_t n = std::min<uint64_t>(pool.size(), k);
    outs[i].AppendUnchecked(pool.data(), n);
  }
  return Status::Ok();
}

#define MVDB_INSTANTIATE_SEARCH_BATCH(Dc) \
  template Status HnswGraph::SearchBatchT<Dc>(const Dc*, uint32_t, uint32_t, uint32_t, GrowableArray<Neighbor>*);
MVDB_FOR_EACH_DISTANCE_COMPUTER(MVDB_INSTANTIATE_SEARCH_BATCH)
#undef MVDB_INSTANTIATE_SEARCH_BATCH

}  // namespace mvdb
