// Index::AppendParallel: the new labels of one Add linked on several threads
// (Index::set_build_threads). Every row goes into the stores first, on the
// calling thread, so that no store grows or moves while the threads read it;
// then HnswGraph::InsertBatchT links them.
#include "minivectordb/index.hpp"

namespace mvdb {

Status Index::AppendParallel(const float* vectors, uint32_t count) {
  // Room for every row was reserved by Add (ReserveForAdd): appends cannot fail.
  for (uint32_t i = 0; i < count; ++i) {
    const float* v = PrepareRow(vectors + uint64_t{i} * config_.dim);
    if (has_floats_) store_.AppendUnchecked(v);
    if (quantized()) {
      // As AppendPrepared: provisional codes (no clipping counted) until the fit freezes.
      quant_.Encode(v, qcode_.data(), quant_.frozen());
      codes_.AppendUnchecked(qcode_.data());
    }
    tombstones_.AppendLive();
  }
  Status st = WithGraphSpace([&](const auto& space) { return graph_.InsertBatchT(space, count, build_threads_); });
  if (!st.ok()) {  // the graph is unchanged; drop the rows
    for (uint32_t i = 0; i < count; ++i) {
      if (has_floats_) store_.PopBack();
      if (quantized()) codes_.PopBack();
      tombstones_.PopBack();
    }
  }
  return st;
}

}  // namespace mvdb
