// The search path of an Index in one file: Index::Search (the rules, once
// per call; the plan of each query) and the plans SearchPlanner runs (flat
// scan, graph walk, fresh-list merge, int8 re-ranking), so that a query
// crosses no other file between the binding and the graph walk
// (ARCHITECTURE.md, "A query").
#include <algorithm>
#include <string>
#include <type_traits>

#include "minivectordb/index.hpp"
#include "minivectordb/planner.hpp"
#include "minivectordb/region.hpp"

namespace mvdb {

const float* Index::PrepareQuery(const float* query) { return PrepareQueryInto(query, query_.data(), qcode_.data()); }

const float* Index::PrepareQueryInto(const float* query, float* scratch, int8_t* code) {
  const uint32_t dim = config_.dim;
  const float* q = query;  // read in place unless it must change
  if (order_.learned()) {
    order_.Arrange(query, scratch);
    q = scratch;
  }
  if (config_.metric == Metric::kCosine) {
    // CheckVectors passed: cosine queries have a non-zero finite norm.
    if (q != scratch) std::copy(query, query + dim, scratch);
    NormalizeInPlace(scratch, dim);
    q = scratch;
  }
  if (quantized()) quant_.Encode(q, code, false);  // once per query
  return q;
}

Status Index::Search(const SearchRequest& r, const SearchResults& out) {
  const uint32_t dim = config_.dim;
  const struct {
    uint64_t address;
    uint64_t bytes;
    const char* what;
  } regions[] = {
      {reinterpret_cast<uintptr_t>(r.queries), RegionBytes(r.nq, dim, 4), "queries"},
      {reinterpret_cast<uintptr_t>(r.allowed), r.allowed == nullptr ? 0 : (uint64_t{size()} + 31) / 32 * 4, "allowed bitset"},
      {reinterpret_cast<uintptr_t>(out.labels), RegionBytes(r.nq, out.stride, 4), "result labels"},
      {reinterpret_cast<uintptr_t>(out.distances), RegionBytes(r.nq, out.stride, 4), "result distances"},
      {reinterpret_cast<uintptr_t>(out.counts), RegionBytes(r.nq, 1, 4), "result counts"},
      {reinterpret_cast<uintptr_t>(out.plans), out.plans == nullptr ? 0 : RegionBytes(r.nq, 1, sizeof(SearchPlan)), "result plans"},
  };
  for (const auto& region : regions) MVDB_RETURN_IF_ERROR(CheckRegion(region.address, region.bytes, r.memory_bytes, region.what));
  if (r.nq == 0) return Status::Ok();
  if (r.k < 1) return InvalidArgument("k must be at least 1, got 0");
  const uint32_t ef_asked = r.ef == 0 ? config_.ef_search : r.ef;
  if (!r.exact && ef_asked > kMaxEf)
    return InvalidArgument("efSearch must be at most " + std::to_string(kMaxEf) + ", got " + std::to_string(ef_asked));
  const uint32_t matching = r.allowed != nullptr ? std::min(r.allowed_count, live_count()) : live_count();
  const uint32_t k = std::min(r.k, matching);
  if (k > kMaxK)
    return InvalidArgument("k must be at most " + std::to_string(kMaxK) + " (after clamping to the " +
                           std::to_string(matching) + " labels that can match), got " + std::to_string(r.k));
  if (out.stride < k)
    return InvalidArgument("the result buffers hold " + std::to_string(out.stride) + " results per query, " +
                           std::to_string(k) + " are due");
  const uint32_t ef = std::max(ef_asked, k);
  MVDB_RETURN_IF_ERROR(CheckVectors(r.queries, r.nq, dim, config_.metric, "query", false, out.problem));
  MVDB_RETURN_IF_ERROR(query_.Resize(dim));  // sized at Init / FinishRestore: never allocates
  LabelFilter filter;
  filter.deleted = deleted_count() > 0 ? tombstones_.flags() : nullptr;
  filter.allowed = r.allowed;
  // A graph walk computes roughly ef * M distances; when no more labels than
  // that can match, the exact scan is as cheap and always complete.
  const bool flat = r.exact || uint64_t{matching} <= uint64_t{ef} * config_.M;
  // When at least half of the live labels match, the walk measures every
  // neighbour and filters only the results (as without a filter): the
  // matching subgraph is dense enough that detours through non-matching
  // nodes cost more than they save (bench/README.md, filtered search).
  filter.dense = filter.allowed != nullptr && uint64_t{matching} * 2 >= live_count();
  SearchPlanner planner(config_, store_, codes_, quant_, graph_, fresh_, has_floats_, size());
  // What follows a query's walk (the fresh-list merge, a flat scan when it
  // found too few) and the copy of its results out.
  auto finish = [&](uint32_t i, const float* q, const int8_t* qcode, Status st, GrowableArray<Neighbor>* hits) {
    SearchPlan plan = SearchPlan::kGraph;
    if (st.ok()) st = planner.MergeFresh(q, qcode, k, filter, hits);
    if (st.ok() && hits->size() < k) {
      // The walk could not reach enough admitted labels (a very selective
      // filter or many tombstones): never return fewer than exist.
      plan = SearchPlan::kGraphThenFlat;
      st = planner.FlatScan(q, qcode, k, filter, hits);
    }
    if (!st.ok()) return r.nq == 1 ? st : Status(st.code(), "query " + std::to_string(i) + ": " + st.message());
    const uint64_t slot = uint64_t{i} * out.stride;
    for (uint64_t j = 0; j < hits->size(); ++j) {
      out.labels[slot + j] = (*hits)[j].label;
      out.distances[slot + j] = (*hits)[j].distance;
    }
    out.counts[i] = static_cast<uint32_t>(hits->size());
    if (out.plans != nullptr) out.plans[i] = plan;
    return Status::Ok();
  };
  // Several graph queries without a filter: their walks interleaved, a
  // group of kBatchWalks at a time (same results, overlapped cache misses).
  constexpr uint32_t kWalks = HnswGraph::kBatchWalks;
  const bool interleave = !flat && k > 0 && r.nq > 1 && filter.AdmitsAll();
  uint32_t i = 0;
  if (interleave) {
    MVDB_RETURN_IF_ERROR(walk_queries_.Resize(uint64_t{kWalks} * dim));
    MVDB_RETURN_IF_ERROR(walk_codes_.Resize(quantized() ? uint64_t{kWalks} * dim : 0));
    for (; i < r.nq; i += kWalks) {
      const uint32_t g = std::min(kWalks, r.nq - i);
      const float* qs[kWalks];
      const int8_t* codes[kWalks];
      for (uint32_t j = 0; j < g; ++j) {
        int8_t* code = quantized() ? walk_codes_.data() + uint64_t{j} * dim : nullptr;
        qs[j] = PrepareQueryInto(r.queries + uint64_t{i + j} * dim, walk_queries_.data() + uint64_t{j} * dim, code);
        codes[j] = code;
      }
      const Status st = planner.WalkBatch(qs, codes, g, k, ef, walk_hits_);
      for (uint32_t j = 0; j < g; ++j) MVDB_RETURN_IF_ERROR(finish(i + j, qs[j], codes[j], st, &walk_hits_[j]));
    }
  }
  for (; i < r.nq; ++i) {
    hits_.Clear();
    if (k == 0) {  // nothing can match
      out.counts[i] = 0;
      if (out.plans != nullptr) out.plans[i] = SearchPlan::kFlat;
      continue;
    }
    const float* q = PrepareQuery(r.queries + uint64_t{i} * dim);
    if (flat) {
      const Status st = planner.FlatScan(q, qcode_.data(), k, filter, &hits_);
      if (!st.ok()) return r.nq == 1 ? st : Status(st.code(), "query " + std::to_string(i) + ": " + st.message());
      const uint64_t slot = uint64_t{i} * out.stride;
      for (uint64_t j = 0; j < hits_.size(); ++j) {
        out.labels[slot + j] = hits_[j].label;
        out.distances[slot + j] = hits_[j].distance;
      }
      out.counts[i] = static_cast<uint32_t>(hits_.size());
      if (out.plans != nullptr) out.plans[i] = SearchPlan::kFlat;
      continue;
    }
    MVDB_RETURN_IF_ERROR(finish(i, q, qcode_.data(), planner.Walk(q, qcode_.data(), k, ef, filter, &hits_), &hits_));
  }
  return Status::Ok();
}

Status SearchPlanner::FlatScan(const float* query, const int8_t* qcode, uint32_t k, const LabelFilter& filter,
                               GrowableArray<Neighbor>* out) const {
  out->Clear();
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{std::min(k, size_)} + 1));
  auto scan = [&](auto s, typename decltype(s)::Query q) {
    s.SetQuery(q);
    for (uint32_t label = 0; label < size_; ++label) {
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
    WithSpace(store_, config_.metric, [&](const auto& s) { scan(s, query); });
  } else {
    WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](const auto& s) { scan(s, qcode); });
  }
  std::sort_heap(out->begin(), out->end());
  return Status::Ok();
}

Status SearchPlanner::MergeFresh(const float* query, const int8_t* qcode, uint32_t k, const LabelFilter& filter,
                                 GrowableArray<Neighbor>* out) const {
  if (fresh_.size() == 0) return Status::Ok();
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{k} + 1));
  auto merge = [&](auto s, typename decltype(s)::Query q) {
    s.SetQuery(q);
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
    WithSpace(store_, config_.metric, [&](const auto& s) { merge(s, query); });
  } else {
    WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](const auto& s) { merge(s, qcode); });
  }
  return Status::Ok();
}

uint32_t SearchPlanner::RerankCandidates(uint32_t k, uint32_t ef) const {
  // rerank·k, but no more than the walk keeps anyway (ef), so re-ranking
  // never widens the walk itself.
  return has_floats_ ? std::max(k, static_cast<uint32_t>(std::min<uint64_t>(uint64_t{config_.rerank} * k, ef))) : k;
}

Status SearchPlanner::Rerank(const float* query, uint32_t k, GrowableArray<Neighbor>* out) const {
  if (!has_floats_) return Status::Ok();  // distances stay the dequantized ones
  WithSpace(store_, config_.metric, [&](auto dc) {
    dc.SetQuery(query);
    dc.Measure(out->data(), static_cast<uint32_t>(out->size()), dc.kNoBound);  // exact
  });
  std::sort(out->begin(), out->end());
  if (out->size() > k) MVDB_RETURN_IF_ERROR(out->Resize(k));  // shrinking: cannot fail
  return Status::Ok();
}

Status SearchPlanner::Walk(const float* query, const int8_t* qcode, uint32_t k, uint32_t ef, const LabelFilter& filter,
                           GrowableArray<Neighbor>* out) {
  if (config_.quantization != Quantization::kInt8) {
    return WithSpace(store_, config_.metric, [&](auto dc) {
      dc.SetQuery(query);
      return graph_.SearchT(dc, k, ef, filter, out);
    });
  }
  MVDB_RETURN_IF_ERROR(WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](auto dc) {
    dc.SetQuery(qcode);
    return graph_.SearchT(dc, RerankCandidates(k, ef), ef, filter, out);
  }));
  return Rerank(query, k, out);
}

Status SearchPlanner::WalkBatch(const float* const* queries, const int8_t* const* qcodes, uint32_t nq, uint32_t k,
                                uint32_t ef, GrowableArray<Neighbor>* outs) {
  auto walk = [&](auto dc, auto query_of, uint32_t want) {
    decltype(dc) dcs[HnswGraph::kBatchWalks] = {dc, dc, dc, dc, dc, dc, dc, dc};
    static_assert(HnswGraph::kBatchWalks == 8, "one initializer per walk");
    for (uint32_t i = 0; i < nq; ++i) dcs[i].SetQuery(query_of(i));
    return graph_.SearchBatchT(dcs, nq, want, ef, outs);
  };
  if (config_.quantization != Quantization::kInt8) {
    return WithSpace(store_, config_.metric, [&](auto dc) { return walk(dc, [&](uint32_t i) { return queries[i]; }, k); });
  }
  MVDB_RETURN_IF_ERROR(WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](auto dc) {
    return walk(dc, [&](uint32_t i) { return qcodes[i]; }, RerankCandidates(k, ef));
  }));
  for (uint32_t i = 0; i < nq; ++i) MVDB_RETURN_IF_ERROR(Rerank(queries[i], k, &outs[i]));
  return Status::Ok();
}

}  // namespace mvdb
