#include "minivectordb/index.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace mvdb {
namespace {

bool AllFinite(const float* v, uint32_t d, uint32_t* bad) {
  for (uint32_t i = 0; i < d; ++i) {
    if (!std::isfinite(v[i])) {
      *bad = i;
      return false;
    }
  }
  return true;
}

}  // namespace

Status ValidateConfig(const IndexConfig& c) {
  if (c.dim < 1 || c.dim > kMaxDim)
    return InvalidArgument("dim must be in [1, " + std::to_string(kMaxDim) + "], got " + std::to_string(c.dim));
  if (!IsValidMetric(static_cast<uint32_t>(c.metric)))
    return InvalidArgument("metric must be 0 (l2), 1 (ip) or 2 (cosine), got " +
                           std::to_string(static_cast<uint32_t>(c.metric)));
  if (c.M < 2 || c.M > kMaxM)
    return InvalidArgument("M must be in [2, " + std::to_string(kMaxM) + "], got " + std::to_string(c.M));
  if (c.ef_construction < 1 || c.ef_construction > kMaxEf)
    return InvalidArgument("efConstruction must be in [1, " + std::to_string(kMaxEf) + "], got " +
                           std::to_string(c.ef_construction));
  if (c.ef_search < 1 || c.ef_search > kMaxEf)
    return InvalidArgument("efSearch must be in [1, " + std::to_string(kMaxEf) + "], got " +
                           std::to_string(c.ef_search));
  return Status::Ok();
}

Status Index::Init(const IndexConfig& config) {
  MVDB_RETURN_IF_ERROR(ValidateConfig(config));
  config_ = config;
  store_ = VectorStore(config.dim);
  graph_ = HnswGraph(config.M, config.ef_construction, config.seed);
  deleted_ = GrowableArray<uint8_t>();
  deleted_count_ = 0;
  free_ = GrowableArray<uint32_t>();
  MVDB_RETURN_IF_ERROR(query_.Resize(config.dim));
  return row_.Resize(config.dim);
}

Status Index::Add(const float* vectors, uint32_t n, uint32_t* labels) {
  if (n == 0) return Status::Ok();
  const uint32_t dim = config_.dim;
  const uint32_t reused = reuse_deleted_ ? std::min<uint32_t>(n, static_cast<uint32_t>(free_.size())) : 0;
  const uint32_t appended = n - reused;
  if (uint64_t{size()} + appended >= kNoLabel)
    return OutOfMemory("label space exhausted: " + std::to_string(size()) + " + " + std::to_string(appended) +
                       " exceeds 2^32 - 1 labels");
  // Check every vector before touching anything.
  for (uint32_t i = 0; i < n; ++i) {
    const float* v = vectors + uint64_t{i} * dim;
    uint32_t bad = 0;
    if (!AllFinite(v, dim, &bad))
      return InvalidArgument("vector " + std::to_string(i) + " has a non-finite value (NaN or Infinity) at index " +
                             std::to_string(bad));
    if (config_.metric == Metric::kCosine) {
      double sum = 0.0;
      for (uint32_t j = 0; j < dim; ++j) sum += static_cast<double>(v[j]) * v[j];
      if (!(sum > 0.0)) return InvalidArgument("vector " + std::to_string(i) + " has zero norm; cosine needs a non-zero vector");
    }
  }
  const uint32_t total = size() + appended;
  MVDB_RETURN_IF_ERROR(store_.Reserve(total));
  MVDB_RETURN_IF_ERROR(graph_.Reserve(total));
  MVDB_RETURN_IF_ERROR(deleted_.Reserve(total));
  MVDB_RETURN_IF_ERROR(free_.Reserve(total));
  MVDB_RETURN_IF_ERROR(row_.Resize(dim));

  // New labels first: only they can fail (an upper-layer link block), and
  // then only they need undoing; reusing a slot cannot fail.
  const uint32_t first = size();
  for (uint32_t i = 0; i < n; ++i) {
    const float* v = vectors + uint64_t{i} * dim;
    if (config_.metric == Metric::kCosine) {
      std::copy(v, v + dim, row_.data());
      NormalizeInPlace(row_.data(), dim);
      v = row_.data();
    }
    uint32_t label = size();
    if (i < appended) {
      Status st = AppendPrepared(v);
      if (!st.ok()) {
        // Tombstone what this call already linked, so that seen from outside
        // (live labels, search results) the index is unchanged.
        for (uint32_t l = first; l < first + i; ++l) Tombstone(l);
        return st;
      }
    } else {
      std::pop_heap(free_.begin(), free_.end(), std::greater<uint32_t>());
      label = free_.back();
      free_.PopBack();
      ReusePrepared(label, v);
    }
    if (labels != nullptr) labels[i] = label;
  }
  return Status::Ok();
}

Status Index::AppendPrepared(const float* v) {
  store_.AppendUnchecked(v);
  deleted_.PushBackUnchecked(0);
  Status st = graph_.Insert(store_, config_.metric);
  if (!st.ok()) {  // the graph rolled back its own node; drop the vector
    store_.PopBack();
    deleted_.PopBack();
  }
  return st;
}

void Index::ReusePrepared(uint32_t label, const float* v) {
  graph_.UnlinkForReuse(store_, config_.metric, label);  // reads the old vector's neighbourhood
  std::copy(v, v + config_.dim, store_.GetMutable(label));
  graph_.RelinkReused(store_, config_.metric, label);
  deleted_[label] = 0;
  --deleted_count_;
}

void Index::Tombstone(uint32_t label) {
  deleted_[label] = 1;
  ++deleted_count_;
  free_.PushBackUnchecked(label);
  std::push_heap(free_.begin(), free_.end(), std::greater<uint32_t>());
}

Status Index::Compact(GrowableArray<uint32_t>* remap) {
  const uint32_t n = size();
  MVDB_RETURN_IF_ERROR(remap->Resize(n));
  if (deleted_count_ == 0) {
    for (uint32_t label = 0; label < n; ++label) (*remap)[label] = label;
    return Status::Ok();
  }
  Index fresh;
  MVDB_RETURN_IF_ERROR(fresh.Init(config_));
  const uint32_t live = live_count();
  MVDB_RETURN_IF_ERROR(fresh.store_.Reserve(live));
  MVDB_RETURN_IF_ERROR(fresh.graph_.Reserve(live));
  MVDB_RETURN_IF_ERROR(fresh.deleted_.Reserve(live));
  MVDB_RETURN_IF_ERROR(fresh.free_.Reserve(live));
  for (uint32_t label = 0; label < n; ++label) {
    if (deleted_[label] != 0) {
      (*remap)[label] = kNoLabel;
      continue;
    }
    (*remap)[label] = fresh.size();
    MVDB_RETURN_IF_ERROR(fresh.AppendPrepared(Vector(label)));  // `fresh` is dropped: *this unchanged
  }
  fresh.reuse_deleted_ = reuse_deleted_;
  *this = std::move(fresh);
  return Status::Ok();
}

Status Index::MarkDeleted(uint32_t label) {
  if (label >= size()) return NotFound("label " + std::to_string(label) + " does not exist (size " + std::to_string(size()) + ")");
  if (deleted_[label] != 0) return NotFound("label " + std::to_string(label) + " is already deleted");
  Tombstone(label);
  return Status::Ok();
}

Status Index::PrepareQuery(const float* query, uint32_t k) {
  if (k < 1 || k > kMaxK) return InvalidArgument("k must be in [1, " + std::to_string(kMaxK) + "], got " + std::to_string(k));
  const uint32_t dim = config_.dim;
  uint32_t bad = 0;
  if (!AllFinite(query, dim, &bad))
    return InvalidArgument("query has a non-finite value (NaN or Infinity) at index " + std::to_string(bad));
  MVDB_RETURN_IF_ERROR(query_.Resize(dim));
  std::copy(query, query + dim, query_.data());
  if (config_.metric == Metric::kCosine && !NormalizeInPlace(query_.data(), dim))
    return InvalidArgument("query has zero norm; cosine needs a non-zero vector");
  return Status::Ok();
}

Status Index::FlatScan(uint32_t k, const LabelFilter& filter, GrowableArray<Neighbor>* out) const {
  out->Clear();
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{std::min(k, size())} + 1));
  WithSpace(store_, config_.metric, [&](const auto& s) {
    const uint32_t n = size();
    for (uint32_t label = 0; label < n; ++label) {
      if (!filter.Admits(label)) continue;
      const Neighbor cand{s.ToLabel(query_.data(), label), label};
      if (out->size() < k) {
        out->PushBackUnchecked(cand);
        std::push_heap(out->begin(), out->end());
      } else if (cand < out->front()) {
        std::pop_heap(out->begin(), out->end());
        out->back() = cand;
        std::push_heap(out->begin(), out->end());
      }
    }
  });
  std::sort_heap(out->begin(), out->end());
  return Status::Ok();
}

LabelFilter Index::MakeFilter(const uint32_t* allowed) const {
  LabelFilter f;
  f.deleted = deleted_count_ > 0 ? deleted_.data() : nullptr;
  f.allowed = allowed;
  return f;
}

Status Index::Search(const float* query, uint32_t k, uint32_t ef, const uint32_t* allowed, uint32_t allowed_count,
                     GrowableArray<Neighbor>* out, SearchPlan* plan) {
  if (ef > kMaxEf) return InvalidArgument("efSearch must be at most " + std::to_string(kMaxEf) + ", got " + std::to_string(ef));
  MVDB_RETURN_IF_ERROR(PrepareQuery(query, k));
  const LabelFilter filter = MakeFilter(allowed);
  const uint32_t matching = allowed != nullptr ? std::min(allowed_count, live_count()) : live_count();
  const uint32_t want = std::min(k, matching);
  ef = std::max(ef, k);
  if (plan != nullptr) *plan = SearchPlan::kFlat;
  if (want == 0) {
    out->Clear();
    return Status::Ok();
  }
  // A graph walk computes roughly ef * M distances; when no more labels than
  // that can match, the exact scan is as cheap and always complete.
  if (uint64_t{matching} <= uint64_t{ef} * config_.M) return FlatScan(k, filter, out);
  MVDB_RETURN_IF_ERROR(graph_.Search(store_, config_.metric, query_.data(), k, ef, filter, out));
  if (plan != nullptr) *plan = SearchPlan::kGraph;
  if (out->size() < want) {
    // The walk could not reach enough admitted labels (a very selective
    // filter or many tombstones): never return fewer than exist.
    MVDB_RETURN_IF_ERROR(FlatScan(k, filter, out));
    if (plan != nullptr) *plan = SearchPlan::kGraphThenFlat;
  }
  return Status::Ok();
}

Status Index::SearchExact(const float* query, uint32_t k, const uint32_t* allowed, GrowableArray<Neighbor>* out) {
  MVDB_RETURN_IF_ERROR(PrepareQuery(query, k));
  return FlatScan(k, MakeFilter(allowed), out);
}

uint64_t Index::MemoryBytes() const {
  return store_.MemoryBytes() + graph_.MemoryBytes() + deleted_.capacity_bytes() + free_.capacity_bytes() +
         query_.capacity_bytes() + row_.capacity_bytes();
}

Status Index::FromParts(const IndexConfig& config, VectorStore&& store, HnswGraph&& graph,
                        GrowableArray<uint8_t>&& deleted, uint32_t deleted_count, Index* out) {
  Index index;
  index.config_ = config;
  MVDB_RETURN_IF_ERROR(index.query_.Resize(config.dim));
  MVDB_RETURN_IF_ERROR(index.row_.Resize(config.dim));
  // The free slots are exactly the tombstones; ascending order is a min-heap.
  MVDB_RETURN_IF_ERROR(index.free_.Reserve(store.size()));
  for (uint32_t label = 0; label < store.size(); ++label)
    if (deleted[label] != 0) index.free_.PushBackUnchecked(label);
  index.store_ = std::move(store);
  index.graph_ = std::move(graph);
  index.deleted_ = std::move(deleted);
  index.deleted_count_ = deleted_count;
  *out = std::move(index);
  return Status::Ok();
}

}  // namespace mvdb
