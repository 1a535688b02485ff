#include "minivectordb/index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>

namespace mvdb {
namespace {

/// Checks the d values of a vector: all finite and Σ v_i² ≤ kMaxSquaredNorm
/// (see index.hpp: distances between accepted vectors stay finite). The
/// squared norm goes to *sum_sq. Messages name "vector <index>", or "query"
/// when index < 0.
Status CheckValues(const float* v, uint32_t d, int64_t index, double* sum_sq) {
  auto name = [index] { return index < 0 ? std::string("query") : "vector " + std::to_string(index); };
  double sum = 0.0;
  for (uint32_t i = 0; i < d; ++i) {
    if (!std::isfinite(v[i]))
      return InvalidArgument(name() + " has a non-finite value (NaN or Infinity) at index " + std::to_string(i));
    sum += static_cast<double>(v[i]) * v[i];
  }
  if (sum > kMaxSquaredNorm) {
    char text[96];
    std::snprintf(text, sizeof text, " has squared norm %.6g, over the limit %.6g", sum, kMaxSquaredNorm);
    return InvalidArgument(name() + text + " (FLT_MAX / 8, so that distances stay finite in float32)");
  }
  *sum_sq = sum;
  return Status::Ok();
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
  if (!IsValidQuantization(static_cast<uint32_t>(c.quantization)))
    return InvalidArgument("quantization must be 0 (none) or 1 (int8), got " +
                           std::to_string(static_cast<uint32_t>(c.quantization)));
  if (c.rerank < 1 || c.rerank > kMaxRerank)
    return InvalidArgument("rerank must be in [1, " + std::to_string(kMaxRerank) + "], got " + std::to_string(c.rerank));
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
  return n - (reuse_deleted_ ? std::min<uint32_t>(n, static_cast<uint32_t>(free_.size())) : 0);
}

Status Index::Reserve(uint32_t total) {
  if (has_floats_) MVDB_RETURN_IF_ERROR(store_.Reserve(total));
  if (quantized()) MVDB_RETURN_IF_ERROR(codes_.Reserve(total));
  MVDB_RETURN_IF_ERROR(graph_.Reserve(total));
  MVDB_RETURN_IF_ERROR(deleted_.Reserve(total));
  return free_.Reserve(total);
}

Status Index::ReserveForAdd(uint32_t n) {
  const uint64_t total = uint64_t{size()} + AppendedBy(n);
  if (total >= kNoLabel) return OutOfMemory("label space exhausted: " + std::to_string(total) + " labels exceed 2^32 - 1");
  return Reserve(static_cast<uint32_t>(total));
}

Status Index::Add(const float* vectors, uint32_t n, uint32_t* labels) {
  if (n == 0) return Status::Ok();
  const uint32_t dim = config_.dim;
  const uint32_t appended = AppendedBy(n);
  // Check every vector before touching anything.
  for (uint32_t i = 0; i < n; ++i) {
    double sum = 0.0;
    MVDB_RETURN_IF_ERROR(CheckValues(vectors + uint64_t{i} * dim, dim, i, &sum));
    if (config_.metric == Metric::kCosine && !(sum > 0.0))
      return InvalidArgument("vector " + std::to_string(i) + " has zero norm; cosine needs a non-zero vector");
  }
  MVDB_RETURN_IF_ERROR(ReserveForAdd(n));  // the label space, then room for all
  MVDB_RETURN_IF_ERROR(row_.Resize(dim));
  MVDB_RETURN_IF_ERROR(LearnOrderIfDue(vectors, n));  // last step that can fail before inserting

  // New labels first: only they can fail (an upper-layer link block), and
  // then only they need undoing; reusing a slot cannot fail.
  const uint32_t first = size();
  for (uint32_t i = 0; i < n; ++i) {
    const float* v = vectors + uint64_t{i} * dim;
    if (config_.metric == Metric::kCosine) {
      std::copy(v, v + dim, row_.data());
      NormalizeInPlace(row_.data(), dim);
      v = row_.data();
    } else if (order_.learned()) {  // never for cosine (OrderPays)
      order_.Arrange(v, row_.data());
      v = row_.data();
    }
    uint32_t label = size();
    if (i < appended) {
      Status st = AppendPrepared(v, nullptr);
      if (!st.ok()) {
        // Tombstone what this call already linked, so that seen from outside
        // (live labels, search results) the index is unchanged.
        for (uint32_t l = first; l < first + i; ++l) Tombstone(l);
        RefitIfLearning();
        return st;
      }
    } else {
      std::pop_heap(free_.begin(), free_.end(), std::greater<uint32_t>());
      label = free_.back();
      free_.PopBack();
      ReusePrepared(label, v);
    }
    if (labels != nullptr) labels[i] = label;
    if (n <= kFreshMaxBatch) fresh_.Record(label);
  }
  RefitIfLearning();
  return Status::Ok();
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
  deleted_.PushBackUnchecked(0);
  // The graph is built over float32 rows while they exist (the most accurate
  // neighbours), else over the codes.
  Status st = WithGraphSpace([&](const auto& space) { return graph_.InsertT(space); });
  if (!st.ok()) {  // the graph rolled back its own node; drop the vector
    if (has_floats_) store_.PopBack();
    if (quantized()) codes_.PopBack();
    deleted_.PopBack();
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
  if (!has_floats_) {
    // No float32 rows to refit on: keep the quantizer, copy the codes.
    fresh.quant_ = quant_;
    fresh.has_floats_ = false;
    fresh.store_ = VectorStore(config_.dim);
  }
  // The rows are copied as stored, so the compacted index keeps their order.
  MVDB_RETURN_IF_ERROR(fresh.order_.CopyFrom(order_));
  if (fresh.has_floats_) MVDB_RETURN_IF_ERROR(fresh.store_.Reserve(live));
  if (quantized()) MVDB_RETURN_IF_ERROR(fresh.codes_.Reserve(live));
  MVDB_RETURN_IF_ERROR(fresh.graph_.Reserve(live));
  MVDB_RETURN_IF_ERROR(fresh.deleted_.Reserve(live));
  MVDB_RETURN_IF_ERROR(fresh.free_.Reserve(live));
  for (uint32_t label = 0; label < n; ++label) {
    if (deleted_[label] != 0) {
      (*remap)[label] = kNoLabel;
      continue;
    }
    (*remap)[label] = fresh.size();
    // `fresh` is dropped on failure: *this unchanged.
    MVDB_RETURN_IF_ERROR(fresh.AppendPrepared(has_floats_ ? StoredRow(label) : nullptr,
                                              has_floats_ ? nullptr : codes_.Get(label)));
  }
  fresh.reuse_deleted_ = reuse_deleted_;
  fresh.fresh_ = std::move(fresh_);  // cannot fail: the list keeps its storage
  fresh.fresh_.Remap(remap->data(), n);
  // Drift policy: with float32 rows the compacted index refits on all its
  // live vectors (learning again, frozen once kFitTarget are stored).
  fresh.RefitIfLearning();
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
  double sum = 0.0;
  MVDB_RETURN_IF_ERROR(CheckValues(query, dim, -1, &sum));
  MVDB_RETURN_IF_ERROR(query_.Resize(dim));
  if (order_.learned()) {
    order_.Arrange(query, query_.data());
  } else {
    std::copy(query, query + dim, query_.data());
  }
  if (config_.metric == Metric::kCosine && !NormalizeInPlace(query_.data(), dim))
    return InvalidArgument("query has zero norm; cosine needs a non-zero vector");
  if (quantized()) {
    quant_.Encode(query_.data(), qcode_.data(), false);  // once per search
  }
  return Status::Ok();
}

Status Index::FlatScan(uint32_t k, const LabelFilter& filter, GrowableArray<Neighbor>* out) const {
  out->Clear();
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{std::min(k, size())} + 1));
  auto scan = [&](auto s, typename decltype(s)::Query query) {
    s.SetQuery(query);
    const uint32_t n = size();
    for (uint32_t label = 0; label < n; ++label) {
      if (!filter.Admits(label)) continue;
      const Neighbor cand{s(label), label};
      if (out->size() < k) {
        out->PushBackUnchecked(cand);
        std::push_heap(out->begin(), out->end());
      } else if (cand < out->front()) {
        std::pop_heap(out->begin(), out->end());
        out->back() = cand;
        std::push_heap(out->begin(), out->end());
      }
    }
  };
  if (has_floats_) {
    WithSpace(store_, config_.metric, [&](const auto& s) { scan(s, query_.data()); });
  } else {
    WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](const auto& s) { scan(s, qcode_.data()); });
  }
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
  LabelFilter filter = MakeFilter(allowed);
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
  // When at least half of the live labels match, the walk measures every
  // neighbour and filters only the results (as without a filter): the
  // matching subgraph is dense enough that detours through non-matching
  // nodes cost more than they save. Measured at efSearch 64, single queries,
  // dense ÷ matching-only QPS: SIFT10K 1.35x (30% match), 1.6x (50%),
  // 1.5x (70%); MNIST 0.25x (10%), 0.9x (40%), 1.0x (50%, recall@10 0.997
  // -> 1.000), 1.3x (70%), 1.2x (90%).
  filter.dense = allowed != nullptr && uint64_t{matching} * 2 >= live_count();
  if (quantized()) {
    MVDB_RETURN_IF_ERROR(SearchQuantized(k, ef, filter, out));
  } else {
    MVDB_RETURN_IF_ERROR(WithSpace(store_, config_.metric, [&](auto dc) {
      dc.SetQuery(query_.data());
      return graph_.SearchT(dc, k, ef, filter, out);
    }));
  }
  MVDB_RETURN_IF_ERROR(MergeFresh(k, filter, out));
  if (plan != nullptr) *plan = SearchPlan::kGraph;
  if (out->size() < want) {
    // The walk could not reach enough admitted labels (a very selective
    // filter or many tombstones): never return fewer than exist.
    MVDB_RETURN_IF_ERROR(FlatScan(k, filter, out));
    if (plan != nullptr) *plan = SearchPlan::kGraphThenFlat;
  }
  return Status::Ok();
}

Status Index::MergeFresh(uint32_t k, const LabelFilter& filter, GrowableArray<Neighbor>* out) const {
  if (fresh_.size() == 0) return Status::Ok();
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{k} + 1));
  auto merge = [&](auto s, typename decltype(s)::Query query) {
    s.SetQuery(query);
    for (uint32_t i = 0; i < fresh_.size(); ++i) {
      const uint32_t label = fresh_.data()[i];
      if (!filter.Admits(label)) continue;
      const Neighbor cand{s(label), label};
      if (out->size() >= k && !(cand < out->back())) continue;
      bool present = false;
      for (const Neighbor& r : *out) present = present || r.label == label;
      if (present) continue;  // the walk found it too
      out->PushBackUnchecked(cand);
      for (uint64_t pos = out->size() - 1; pos > 0 && cand < (*out)[pos - 1]; --pos) std::swap((*out)[pos], (*out)[pos - 1]);
      if (out->size() > k) out->PopBack();
    }
  };
  if (has_floats_) {
    WithSpace(store_, config_.metric, [&](const auto& s) { merge(s, query_.data()); });
  } else {
    WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](const auto& s) { merge(s, qcode_.data()); });
  }
  return Status::Ok();
}

Status Index::SearchQuantized(uint32_t k, uint32_t ef, const LabelFilter& filter, GrowableArray<Neighbor>* out) {
  // Candidates for re-ranking: rerank·k, but no more than the walk keeps
  // anyway (ef), so re-ranking never widens the walk itself.
  const uint32_t want = has_floats_ ? std::max(k, static_cast<uint32_t>(std::min<uint64_t>(uint64_t{config_.rerank} * k, ef))) : k;
  MVDB_RETURN_IF_ERROR(WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](auto dc) {
    dc.SetQuery(qcode_.data());
    return graph_.SearchT(dc, want, ef, filter, out);
  }));
  if (!has_floats_) return Status::Ok();  // distances stay the dequantized ones
  WithSpace(store_, config_.metric, [&](auto dc) {
    dc.SetQuery(query_.data());
    dc.Measure(out->data(), static_cast<uint32_t>(out->size()), dc.kNoBound);  // exact
  });
  std::sort(out->begin(), out->end());
  if (out->size() > k) MVDB_RETURN_IF_ERROR(out->Resize(k));  // shrinking: cannot fail
  return Status::Ok();
}

Status Index::SearchExact(const float* query, uint32_t k, const uint32_t* allowed, GrowableArray<Neighbor>* out) {
  MVDB_RETURN_IF_ERROR(PrepareQuery(query, k));
  return FlatScan(k, MakeFilter(allowed), out);
}

uint64_t Index::MemoryBytes() const {
  return store_.MemoryBytes() + codes_.MemoryBytes() + graph_.MemoryBytes() + deleted_.capacity_bytes() +
         free_.capacity_bytes() + query_.capacity_bytes() + row_.capacity_bytes() + qcode_.capacity_bytes() +
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
  index.deleted_ = std::move(deleted);
  index.deleted_count_ = deleted_count;
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
  // The free slots are exactly the tombstones; ascending order is a min-heap.
  free_.Clear();
  MVDB_RETURN_IF_ERROR(free_.Reserve(size()));
  for (uint32_t label = 0; label < size(); ++label)
    if (deleted_[label] != 0) free_.PushBackUnchecked(label);
  return Status::Ok();
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
