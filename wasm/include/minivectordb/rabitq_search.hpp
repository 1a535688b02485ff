// K-NN search on RaBitQ codes (rabitq.hpp): the HNSW walk measures
// estimated distances, and the error bound decides which candidates are
// measured again with their float32 rows.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/hnsw.hpp"
#include "minivectordb/neighbor.hpp"
#include "minivectordb/rabitq.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

/// What one RabitqSearch did.
struct RabitqSearchStats {
  uint32_t candidates = 0;  ///< labels the walk returned (at most ef)
  uint32_t reranked = 0;    ///< of those, measured with their float32 rows
};

/// The k nearest admitted labels to `query`, nearest first, with exact
/// float32 distances. The graph is walked on RaBitQ estimates with a pool of
/// max(ef, k) (HnswGraph::SearchT over RabitqDistance); its candidates are
/// then taken in order of their lower bounds (estimate − error bound), and
/// one is measured with its float32 row only while its lower bound is below
/// the k-th exact distance found so far (fewer than k found: always) — the
/// re-ranking rule of the RaBitQ paper (Gao & Long, SIGMOD 2024).
///  - query: dim floats in the rows' layout (unit norm for cosine);
///  - prepared: codes.PrepareQuery(query);
///  - rows: the float32 rows codes were made from (same labels);
///  - candidates: scratch for the walk's results.
/// Errors: kOutOfMemory.
Status RabitqSearch(HnswGraph& graph, const RabitqCodes& codes, const VectorStore& rows, Metric metric,
                    const float* query, const RabitqQuery& prepared, uint32_t k, uint32_t ef, const LabelFilter& filter,
                    GrowableArray<Neighbor>* candidates, GrowableArray<Neighbor>* out,
                    RabitqSearchStats* stats = nullptr);

}  // namespace mvdb
