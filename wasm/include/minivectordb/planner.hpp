// SearchPlanner: how one prepared query is answered — an exact flat scan,
// the HNSW walk (over float32 rows, or over int8 codes then re-ranked), or
// the walk then the flat scan when it found too few — plus the exact scan of
// the fresh list merged into the walk's results. A view over an Index's parts
// for the duration of one Index::Search; it owns nothing.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/code_store.hpp"
#include "minivectordb/fresh_list.hpp"
#include "minivectordb/hnsw.hpp"
#include "minivectordb/index_config.hpp"
#include "minivectordb/quantizer.hpp"
#include "minivectordb/search_request.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

class SearchPlanner {
 public:
  /// `size`: labels held (live + tombstoned); `live`: live labels.
  /// `has_floats`: whether `store` holds a float32 row per label.
  SearchPlanner(const IndexConfig& config, const VectorStore& store, const CodeStore& codes,
                const ScalarQuantizer& quant, HnswGraph& graph, const FreshList& fresh, bool has_floats, uint32_t size,
                uint32_t live)
      : config_(config), store_(store), codes_(codes), quant_(quant), graph_(graph), fresh_(fresh),
        has_floats_(has_floats), size_(size), live_(live) {}

  /// Nearest admitted labels of one prepared query, nearest first, into *out.
  ///  - query: dim float32 in the stored dimension order, unit norm for
  ///    cosine; qcode: its int8 codes (dim int8) when quantized, else unused.
  ///  - k: results wanted, already clamped to 1 .. `matching`; ef >= k.
  ///  - filter: tombstones and allow-set; `matching`: labels it can admit.
  /// Plan: exact flat scan when `exact` or at most ef·M labels can match;
  /// else the walk merged with the fresh list, then the flat scan when that
  /// found fewer than k. Writes the plan to *plan.
  /// Errors: kOutOfMemory (scratch or `out`).
  Status Run(const float* query, const int8_t* qcode, uint32_t k, uint32_t ef, bool exact, LabelFilter filter,
             uint32_t matching, GrowableArray<Neighbor>* out, SearchPlan* plan);

 private:
  // Exact top-k over the labels `filter` admits, nearest first, measured as
  // the walk measures: float32 rows when kept, else int8 codes.
  Status FlatScan(const float* query, const int8_t* qcode, uint32_t k, const LabelFilter& filter,
                  GrowableArray<Neighbor>* out) const;
  // Merges the admitted labels of the fresh list into `out` (at most k
  // results, sorted, no label twice), measured as FlatScan measures.
  Status MergeFresh(const float* query, const int8_t* qcode, uint32_t k, const LabelFilter& filter,
                    GrowableArray<Neighbor>* out) const;
  // The graph walk: over float32 rows, or over codes then re-ranked with
  // float32 rows when kept.
  Status Walk(const float* query, const int8_t* qcode, uint32_t k, uint32_t ef, const LabelFilter& filter,
              GrowableArray<Neighbor>* out);

  const IndexConfig& config_;
  const VectorStore& store_;
  const CodeStore& codes_;
  const ScalarQuantizer& quant_;
  HnswGraph& graph_;
  const FreshList& fresh_;
  bool has_floats_;
  uint32_t size_;
  uint32_t live_;
};

}  // namespace mvdb
