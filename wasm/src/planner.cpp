#include "minivectordb/planner.hpp"

#include <algorithm>
#include <type_traits>

namespace mvdb {

Status SearchPlanner::Run(const float* query, const int8_t* qcode, uint32_t k, uint32_t ef, bool exact,
                          LabelFilter filter, uint32_t matching, GrowableArray<Neighbor>* out, SearchPlan* plan) {
  *plan = SearchPlan::kFlat;
  // A graph walk computes roughly ef * M distances; when no more labels than
  // that can match, the exact scan is as cheap and always complete.
  if (exact || uint64_t{matching} <= uint64_t{ef} * config_.M) return FlatScan(query, qcode, k, filter, out);
  // When at least half of the live labels match, the walk measures every
  // neighbour and filters only the results (as without a filter): the
  // matching subgraph is dense enough that detours through non-matching
  // nodes cost more than they save (bench/README.md, filtered search).
  filter.dense = filter.allowed != nullptr && uint64_t{matching} * 2 >= live_;
  MVDB_RETURN_IF_ERROR(Walk(query, qcode, k, ef, filter, out));
  MVDB_RETURN_IF_ERROR(MergeFresh(query, qcode, k, filter, out));
  *plan = SearchPlan::kGraph;
  if (out->size() < k) {
    // The walk could not reach enough admitted labels (a very selective
    // filter or many tombstones): never return fewer than exist.
    MVDB_RETURN_IF_ERROR(FlatScan(query, qcode, k, filter, out));
    *plan = SearchPlan::kGraphThenFlat;
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

Status SearchPlanner::Walk(const float* query, const int8_t* qcode, uint32_t k, uint32_t ef, const LabelFilter& filter,
                           GrowableArray<Neighbor>* out) {
  if (config_.quantization != Quantization::kInt8) {
    return WithSpace(store_, config_.metric, [&](auto dc) {
      dc.SetQuery(query);
      return graph_.SearchT(dc, k, ef, filter, out);
    });
  }
  // Candidates for re-ranking: rerank·k, but no more than the walk keeps
  // anyway (ef), so re-ranking never widens the walk itself.
  const uint32_t want = has_floats_ ? std::max(k, static_cast<uint32_t>(std::min<uint64_t>(uint64_t{config_.rerank} * k, ef))) : k;
  MVDB_RETURN_IF_ERROR(WithCodeSpace(codes_, quant_.step2(), config_.metric, [&](auto dc) {
    dc.SetQuery(qcode);
    return graph_.SearchT(dc, want, ef, filter, out);
  }));
  if (!has_floats_) return Status::Ok();  // distances stay the dequantized ones
  WithSpace(store_, config_.metric, [&](auto dc) {
    dc.SetQuery(query);
    dc.Measure(out->data(), static_cast<uint32_t>(out->size()), dc.kNoBound);  // exact
  });
  std::sort(out->begin(), out->end());
  if (out->size() > k) MVDB_RETURN_IF_ERROR(out->Resize(k));  // shrinking: cannot fail
  return Status::Ok();
}

}  // namespace mvdb
