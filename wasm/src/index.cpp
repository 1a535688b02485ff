#include "minivectordb/index.hpp"

#include <algorithm>
#include <string>

namespace mvdb {

Status Index::Init(const IndexConfig& config) {
  MVDB_RETURN_IF_ERROR(ValidateConfig(config));
  config_ = config;
  store_ = VectorStore(config.dim);
  graph_ = HnswGraph(config.M, config.ef_construction, config.seed);
  tombstones_ = Tombstones();
  quant_ = quantized() ? ScalarQuantizer(config.dim, config.metric) : ScalarQuantizer();
  codes_ = CodeStore(quantized() ? config.dim : 0);
  has_floats_ = true;
  order_ = DimensionOrder();
  fresh_ = FreshList();
  MVDB_RETURN_IF_ERROR(fresh_.Reserve());
  MVDB_RETURN_IF_ERROR(query_.Resize(config.dim));
  // dim int8 of scratch for a quantized query or insert, sized once here so
  // that no later call allocates it.
  MVDB_RETURN_IF_ERROR(qcode_.Resize(quantized() ? config.dim : 0));
  return row_.Resize(config.dim);
}

uint32_t Index::AppendedBy(uint32_t n) const {
  return n - (reuse_deleted_ ? std::min<uint32_t>(n, tombstones_.free_count()) : 0);
}

Status Index::Reserve(uint32_t total) {
  Status st = has_floats_ ? store_.Reserve(total) : Status::Ok();
  if (st.ok() && quantized()) st = codes_.Reserve(total);
  if (st.ok()) st = graph_.Reserve(total);
  if (st.ok()) st = tombstones_.Reserve(total);
  if (!st.ok()) {
    // At the heap's ceiling: the blocks of rows and links reserved for an
    // insert that cannot happen go back, so a save or a smaller insert
    // still finds them.
    store_.Trim();
    codes_.Trim();
    graph_.TrimStorage();
  }
  return st;
}

Status Index::ReserveForAdd(uint32_t n) {
  const uint64_t total = uint64_t{size()} + AppendedBy(n);
  if (total >= kNoLabel) return OutOfMemory("label space exhausted: " + std::to_string(total) + " labels exceed 2^32 - 1");
  return Reserve(static_cast<uint32_t>(total));
}

Status Index::Add(const float* vectors, uint32_t n, uint32_t* labels, VectorProblem* problem) {
  if (n == 0) return Status::Ok();
  const uint32_t dim = config_.dim;
  const uint32_t appended = AppendedBy(n);
  // Check every vector before touching anything.
  MVDB_RETURN_IF_ERROR(CheckVectors(vectors, n, dim, config_.metric, "vector", true, problem));
  MVDB_RETURN_IF_ERROR(ReserveForAdd(n));  // the label space, then room for all
  MVDB_RETURN_IF_ERROR(row_.Resize(dim));
  MVDB_RETURN_IF_ERROR(LearnOrderIfDue(vectors, n));  // last step that can fail before inserting

  // New labels first: only they can fail (an upper-layer link block), and
  // then only they need undoing; reusing a slot cannot fail.
  const uint32_t first = size();
  uint32_t i = 0;
  if (build_threads_ > 1 && appended >= kParallelMinBatch) {  // index_parallel.cpp
    MVDB_RETURN_IF_ERROR(AppendParallel(vectors, appended));
    for (; i < appended; ++i) {
      if (labels != nullptr) labels[i] = first + i;
      if (n <= kFreshMaxBatch) fresh_.Record(first + i);
    }
  }
  for (; i < n; ++i) {
    const float* v = PrepareRow(vectors + uint64_t{i} * dim);
    uint32_t label = size();
    if (i < appended) {
      Status st = AppendPrepared(v, nullptr);
      if (!st.ok()) {
        // Tombstone what this call already linked, so that seen from outside
        // (live labels, search results) the index is unchanged.
        for (uint32_t l = first; l < first + i; ++l) tombstones_.Mark(l);
        RefitIfLearning();
        return st;
      }
    } else {
      label = tombstones_.TakeLowestFree();
      ReusePrepared(label, v);
    }
    if (labels != nullptr) labels[i] = label;
    if (n <= kFreshMaxBatch) fresh_.Record(label);
  }
  RefitIfLearning();
  return Status::Ok();
}

const float* Index::PrepareRow(const float* v) {
  const uint32_t dim = config_.dim;
  if (config_.metric == Metric::kCosine) {
    std::copy(v, v + dim, row_.data());
    NormalizeInPlace(row_.data(), dim);
    return row_.data();
  }
  if (order_.learned()) {  // never for cosine (OrderPays)
    order_.Arrange(v, row_.data());
    return row_.data();
  }
  return v;
}

bool Index::OrderPays() const {
  // Exactly when the walk over these rows measures with the bounded kernel.
  return !quantized() && WithSpace(store_, config_.metric, [](const auto& space) { return space.Abandons(); });
}

Status Index::LearnOrderIfDue(const float* vectors, uint32_t n) {
  if (order_.learned() || !OrderPays() || uint64_t{size()} + n < kOrderSample) return Status::Ok();
  const uint32_t stored = std::min(size(), kOrderSample);
  DimensionOrder order;
  MVDB_RETURN_IF_ERROR(order.Learn(config_.dim, kOrderSample, [&](uint32_t i) {
    return i < stored ? store_.Get(i) : vectors + uint64_t{i - stored} * config_.dim;
  }));
  // Cannot fail from here on: arrange every stored row through row_.
  for (uint32_t label = 0; label < size(); ++label) {
    order.Arrange(store_.Get(label), row_.data());
    std::copy(row_.begin(), row_.end(), store_.GetMutable(label));
  }
  order_ = std::move(order);
  return Status::Ok();
}

void Index::RefitIfLearning() {
  if (!quantized() || quant_.frozen()) return;
  // Before freezing every row is float32, so the fit sees all of them.
  const uint32_t n = size();
  quant_.Fit(n, [&](uint32_t label) { return store_.Get(label); });
  for (uint32_t label = 0; label < n; ++label) quant_.Encode(store_.Get(label), codes_.GetMutable(label), false);
  if (n < kFitTarget) return;
  quant_.Freeze();
  if (!config_.keep_float) {
    store_ = VectorStore(config_.dim);  // frees the float32 rows
    has_floats_ = false;
  }
}

Status Index::AppendPrepared(const float* v, const int8_t* code) {
  if (has_floats_) store_.AppendUnchecked(v);
  if (quantized()) {
    if (code == nullptr) {
      // Before the fit is frozen these codes are provisional (RefitIfLearning
      // re-encodes them), so clipping is only counted afterwards.
      quant_.Encode(v, qcode_.data(), quant_.frozen());
      code = qcode_.data();
    }
    codes_.AppendUnchecked(code);
  }
  tombstones_.AppendLive();
  // The graph is built over float32 rows while they exist (the most accurate
  // neighbours), else over the codes.
  Status st = WithGraphSpace([&](const auto& space) { return graph_.InsertT(space); });
  if (!st.ok()) {  // the graph rolled back its own node; drop the vector
    if (has_floats_) store_.PopBack();
    if (quantized()) codes_.PopBack();
    tombstones_.PopBack();
  }
  return st;
}

void Index::ReusePrepared(uint32_t label, const float* v) {
  // Reads the old vector's neighbourhood, in the graph's space.
  WithGraphSpace([&](const auto& space) { graph_.UnlinkForReuseT(space, label); });
  if (has_floats_) std::copy(v, v + config_.dim, store_.GetMutable(label));
  // As in AppendPrepared: clipping is only counted once the fit is frozen.
  if (quantized()) quant_.Encode(v, codes_.GetMutable(label), quant_.frozen());
  WithGraphSpace([&](const auto& space) { graph_.RelinkReusedT(space, label); });
  tombstones_.Revive(label);
}

Status Index::Compact(GrowableArray<uint32_t>* remap) {
  const uint32_t n = size();
  MVDB_RETURN_IF_ERROR(remap->Resize(n));
  if (deleted_count() == 0) {
    for (uint32_t label = 0; label < n; ++label) (*remap)[label] = label;
    return Status::Ok();
  }
  const uint32_t live = live_count();
  // In place, so that an index filling the heap compacts too: what can fail
  // comes first, with the index unchanged (the rebuilt graph's upper-layer
  // pool; the quantizer refitted on float32 rows). Then nothing allocates:
  // the live rows move down over the tombstones in label order, the graph is
  // emptied and the rows inserted again in its own buffers, from the seed, as
  // a fresh index would insert them.
  MVDB_RETURN_IF_ERROR(graph_.ReserveRebuild(live, config_.seed));
  const bool refit = quantized() && has_floats_;  // without float32 rows: keep the quantizer and the codes
  ScalarQuantizer quant = refit ? ScalarQuantizer(config_.dim, config_.metric) : ScalarQuantizer();
  // The dimension order a fresh index of the live rows would learn (from its
  // first kOrderSample rows, or none below that): the rebuilt graph then
  // measures with the same float summation order, so it equals that index's
  // graph even where two distances nearly tie. Learning needs 20 bytes per
  // dimension; where even that is not free (at the insert ceiling) the
  // current order is kept rather than failing the compaction: the graph can
  // then differ from a scratch build only where two distances nearly tie.
  DimensionOrder order;
  bool reorder_dims = order_.learned() && live < kOrderSample;  // a fresh index would not have learned yet
  if (OrderPays() && live >= kOrderSample) {
    uint32_t cursor = 0;  // Learn reads rows 0, 1, ... in turn: the next live label to read
    reorder_dims = order.Learn(config_.dim, kOrderSample, [&](uint32_t) {
                     while (IsDeleted(cursor)) ++cursor;
                     CopyVector(cursor++, row_.data());  // the caller's order
                     return static_cast<const float*>(row_.data());
                   }).ok();  // kOutOfMemory: order stays unlearned, rows keep the current order
  }

  uint32_t next = 0;
  for (uint32_t label = 0; label < n; ++label) {
    if (IsDeleted(label)) {
      (*remap)[label] = kNoLabel;
      continue;
    }
    (*remap)[label] = next;
    if (has_floats_ && reorder_dims) {
      // Through row_ in the caller's order: the destination may be the source (next == label).
      float* caller = row_.data();
      CopyVector(label, caller);
      if (order.learned()) {
        order.Arrange(caller, store_.GetMutable(next));
      } else {
        std::copy(caller, caller + config_.dim, store_.GetMutable(next));
      }
    } else if (next != label) {  // next < label: row `next` was a tombstone or has moved already
      if (has_floats_) std::copy(store_.Get(label), store_.Get(label) + config_.dim, store_.GetMutable(next));
    }
    if (next != label && quantized()) std::copy(codes_.Get(label), codes_.Get(label) + config_.dim, codes_.GetMutable(next));
    ++next;
  }
  if (reorder_dims) order_ = std::move(order);
  if (has_floats_) store_.Truncate(live);
  if (quantized()) codes_.Truncate(live);
  tombstones_.ResetLive(live);
  fresh_.Remap(remap->data(), n);
  if (refit) quant_ = std::move(quant);
  graph_.ResetForRebuild(config_.seed);
  for (uint32_t label = 0; label < live; ++label) {
    // Reserved by ReserveRebuild and the graph's buffers for n >= live nodes: cannot fail.
    const Status st = WithGraphSpace([&](const auto& space) { return graph_.InsertT(space); });
    (void)st;
  }
  graph_.TrimStorage();
  // Drift policy: with float32 rows the compacted index refits on all its
  // live vectors (learning again, frozen once kFitTarget are stored).
  RefitIfLearning();
  return Status::Ok();
}

Status Index::MarkDeleted(uint32_t label) {
  if (label >= size()) return NotFound("label " + std::to_string(label) + " does not exist (size " + std::to_string(size()) + ")");
  if (IsDeleted(label)) return NotFound("label " + std::to_string(label) + " is already deleted");
  tombstones_.Mark(label);
  return Status::Ok();
}

uint64_t Index::MemoryBytes() const {
  return store_.MemoryBytes() + codes_.MemoryBytes() + graph_.MemoryBytes() + tombstones_.MemoryBytes() +
         query_.capacity_bytes() + row_.capacity_bytes() + qcode_.capacity_bytes() + hits_.capacity_bytes() +
         uint64_t{quant_.dim()} * sizeof(float) + order_.MemoryBytes();
}

uint32_t Index::BytesPerVector() const {
  return (has_floats_ ? 4 * config_.dim : 0) + (quantized() ? config_.dim : 0);
}

void Index::CopyVector(uint32_t label, float* out) const {
  if (has_floats_ && order_.learned()) {
    order_.Restore(store_.Get(label), out);
  } else if (has_floats_) {
    std::copy(store_.Get(label), store_.Get(label) + config_.dim, out);
  } else {
    quant_.Decode(codes_.Get(label), out);
  }
}

Index Index::FromParts(const IndexConfig& config, VectorStore&& store, HnswGraph&& graph,
                       GrowableArray<uint8_t>&& deleted, uint32_t deleted_count) {
  Index index;
  index.config_ = config;
  index.store_ = std::move(store);
  index.graph_ = std::move(graph);
  index.tombstones_ = Tombstones(std::move(deleted), deleted_count);
  return index;
}

Status Index::FinishRestore() {
  MVDB_RETURN_IF_ERROR(query_.Resize(config_.dim));
  MVDB_RETURN_IF_ERROR(row_.Resize(config_.dim));
  MVDB_RETURN_IF_ERROR(qcode_.Resize(quantized() ? config_.dim : 0));
  // Snapshots hold rows in the caller's order: learn the order again from
  // the first kOrderSample rows. Those are the rows it was learned from
  // unless their slots were reused since; then the order may differ, and
  // distances with it in the last bits (float sums in another order).
  MVDB_RETURN_IF_ERROR(LearnOrderIfDue(nullptr, 0));
  MVDB_RETURN_IF_ERROR(fresh_.Reserve());
  // The free slots are exactly the tombstones.
  return tombstones_.RebuildFree();
}

Index Index::FromParts(const IndexConfig& config, VectorStore&& store, HnswGraph&& graph,
                       GrowableArray<uint8_t>&& deleted, uint32_t deleted_count, ScalarQuantizer&& quant,
                       CodeStore&& codes, bool has_floats) {
  Index index = FromParts(config, std::move(store), std::move(graph), std::move(deleted), deleted_count);
  index.quant_ = std::move(quant);
  index.codes_ = std::move(codes);
  index.has_floats_ = has_floats;
  return index;
}

}  // namespace mvdb
