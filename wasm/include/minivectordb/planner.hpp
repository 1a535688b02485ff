// SearchPlanner: the plans that answer one prepared query — an exact flat
// scan, the HNSW walk (over float32 rows, or over int8 codes then
// re-ranked), and the exact scan of the fresh list merged into the walk's
// results. Index::Search chooses among them (flat, walk + fresh, or walk +
// fresh then flat when it found too few). A view over an Index's parts for
// the duration of one Index::Search; it owns nothing. Defined in
// wasm/src/index_search.cpp beside Index::Search.
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
  /// `size`: labels held (live + tombstoned).
  /// `has_floats`: whether `store` holds a float32 row per label.
  SearchPlanner(const IndexConfig& config, const VectorStore& store, const CodeStore& codes,
                const ScalarQuantizer& quant, HnswGraph& graph, const FreshList& fresh, bool has_floats, uint32_t size)
      : config_(config), store_(store), codes_(codes), quant_(quant), graph_(graph), fresh_(fresh),
        has_floats_(has_floats), size_(size) {}

  // Each plan answers one prepared query: `query` dim float32 in the stored
  // dimension order, unit norm for cosine; `qcode` its int8 codes when
  // quantized, else unused; k already clamped to 1 .. matching labels.
  // Index::Search (index_search.cpp, with these definitions) picks them.
  // Errors: kOutOfMemory (scratch or `out`).

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
  // Walk for nq <= HnswGraph::kBatchWalks queries at once, without a filter
  // (every label admitted), their walks interleaved (HnswGraph::SearchBatchT):
  // outs[i] gets exactly what Walk would give query i. `queries[i]`,
  // `qcodes[i]`: as for Walk.
  Status WalkBatch(const float* const* queries, const int8_t* const* qcodes, uint32_t nq, uint32_t k, uint32_t ef,
                   GrowableArray<Neighbor>* outs);

 private:
  // How many candidates an int8 walk keeps for re-ranking with float32 rows.
  uint32_t RerankCandidates(uint32_t k, uint32_t ef) const;
  // Re-ranks an int8 walk's candidates with the float32 rows (when kept)
  // and keeps the best k.
  Status Rerank(const float* query, uint32_t k, GrowableArray<Neighbor>* out) const;

  const IndexConfig& config_;
  const VectorStore& store_;
  const CodeStore& codes_;
  const ScalarQuantizer& quant_;
  HnswGraph& graph_;
  const FreshList& fresh_;
  bool has_floats_;
  uint32_t size_;
};

}  // namespace mvdb
