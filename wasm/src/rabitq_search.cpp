// RabitqSearch: the walk on RaBitQ estimates and the re-ranking its error
// bound decides (rabitq_search.hpp).
#include "minivectordb/rabitq_search.hpp"

#include <algorithm>

#include "minivectordb/distance_computer.hpp"

namespace mvdb {

Status RabitqSearch(HnswGraph& graph, const RabitqCodes& codes, const VectorStore& rows, Metric metric,
                    const float* query, const RabitqQuery& prepared, uint32_t k, uint32_t ef, const LabelFilter& filter,
                    GrowableArray<Neighbor>* candidates, GrowableArray<Neighbor>* out, RabitqSearchStats* stats) {
  out->Clear();
  if (k == 0) return Status::Ok();
  ef = std::max(ef, k);
  RabitqDistance estimates(codes);
  estimates.SetQuery(&prepared);
  // Every candidate of the pool: the bound, not a fixed count, picks the
  // ones worth a float32 row.
  MVDB_RETURN_IF_ERROR(graph.SearchT(estimates, ef, ef, filter, candidates));
  for (Neighbor& c : *candidates) c.distance = codes.LowerBound(prepared, c.label, c.distance);
  std::sort(candidates->begin(), candidates->end());
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{k} + 1));
  uint32_t reranked = 0;
  WithSpace(rows, metric, [&](auto exact) {
    exact.SetQuery(query);
    for (const Neighbor& c : *candidates) {
      // Sorted by lower bound: once one cannot beat the k-th, none can.
      if (out->size() == k && !(c.distance < out->front().distance)) break;
      const Neighbor e{exact(c.label), c.label};
      ++reranked;
      if (out->size() < k) {
        out->PushBackUnchecked(e);
        std::push_heap(out->begin(), out->end());
      } else if (e < out->front()) {
        std::pop_heap(out->begin(), out->end());
        out->back() = e;
        std::push_heap(out->begin(), out->end());
      }
    }
  });
  std::sort_heap(out->begin(), out->end());
  if (stats != nullptr) {
    stats->candidates = static_cast<uint32_t>(candidates->size());
    stats->reranked = reranked;
  }
  return Status::Ok();
}

}  // namespace mvdb
