// Index: the composition of the vector stores (float32 rows, int8 codes and
// their quantizer, the dimension order), the HNSW graph, the tombstones
// (tombstones.hpp) and the search planner (planner.hpp) behind one object,
// with the one search entry point (search_request.hpp). Everything is per
// instance; there is no global state.
#pragma once

#include <cfloat>
#include <cstdint>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/fresh_list.hpp"
#include "minivectordb/code_store.hpp"
#include "minivectordb/distance.hpp"
#include "minivectordb/dim_order.hpp"
#include "minivectordb/hnsw.hpp"
#include "minivectordb/index_config.hpp"
#include "minivectordb/quantizer.hpp"
#include "minivectordb/search_request.hpp"
#include "minivectordb/status.hpp"
#include "minivectordb/tombstones.hpp"
#include "minivectordb/vector_check.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

/// Vectors a DimensionOrder is learned from (Index::dimension_order): the
/// first this many an index holds. Per-dimension variances from 1,024 rows
/// order MNIST's high-variance pixels first.
constexpr uint32_t kOrderSample = 1024;

/// Fewest new labels an Add links on several threads: below, starting them
/// costs more than it saves.
constexpr uint32_t kParallelMinBatch = 64;

class Index {
 public:
  Index() = default;
  Index(Index&&) noexcept = default;
  Index& operator=(Index&&) noexcept = default;

  /// Creates an empty index. Fails with kInvalidArgument on bad config.
  Status Init(const IndexConfig& config);

  const IndexConfig& config() const { return config_; }
  /// Number of labels (nodes) held: live + deleted. With slot reuse on, it
  /// only grows when an insert finds no tombstone to reuse, so it stays at
  /// the peak live count under churn.
  uint32_t size() const { return tombstones_.size(); }
  uint32_t deleted_count() const { return tombstones_.count(); }
  uint32_t live_count() const { return size() - deleted_count(); }
  bool IsDeleted(uint32_t label) const { return tombstones_.IsDeleted(label); }

  /// Inserts n vectors (n * dim floats, row-major), normalised first for
  /// kCosine, and writes the label of vector i to labels[i] (labels may be
  /// null). With slot reuse on (the default) and t tombstones, the last
  /// r = min(n, t) vectors take the r lowest tombstoned labels, ascending
  /// (each slot is overwritten and re-linked: HnswGraph::UnlinkForReuse /
  /// RelinkReused; it keeps its level), and the first n - r get new labels
  /// size() .. size()+n-r-1. Without tombstones (or with reuse off) labels
  /// are size() .. size()+n-1.
  /// All-or-nothing: every vector is checked (CheckVectors: finite values,
  /// squared norm at most kMaxSquaredNorm; non-zero norm for cosine) and memory for all n is reserved before the first is
  /// inserted; on a late kOutOfMemory (an upper-layer link block, only
  /// possible for a new label, and new labels go first) the new labels this
  /// call assigned are tombstoned and no slot was reused, so live labels and
  /// results are as before.
  /// Errors: kInvalidArgument (NaN/Inf, squared norm over kMaxSquaredNorm,
  /// zero vector with cosine; the rejected vector, its index in the batch
  /// and why also go to *problem when non-null), kOutOfMemory.
  Status Add(const float* vectors, uint32_t n, uint32_t* labels = nullptr, VectorProblem* problem = nullptr);

  /// Labels of the most recent small Adds (at most kFreshCapacity, from
  /// calls of at most kFreshMaxBatch vectors), which Search also scans
  /// exactly: see fresh_list.hpp for why.
  const FreshList& fresh() const { return fresh_; }
  /// Sets the fresh list from a snapshot, oldest first; every label must be
  /// < size() (snapshot.cpp checks) and n <= kFreshCapacity.
  void RestoreFresh(const uint32_t* labels, uint32_t n) {
    fresh_.Clear();
    for (uint32_t i = 0; i < n; ++i) fresh_.Record(labels[i]);
  }

  /// Makes room for an Add of `n` vectors (the labels it would append:
  /// those beyond the tombstones it would reuse) in one allocation per
  /// buffer (vectors, codes, links, flags), so that a bulk insert sent in
  /// chunks does not grow them chunk by chunk: each growth copies, and in
  /// wasm the old blocks' pages stay resident, so growing an index of B
  /// bytes step by step peaks near 2·B. Errors: kOutOfMemory (the index
  /// unchanged, some capacities possibly larger).
  Status ReserveForAdd(uint32_t n);

  /// Tombstones `label`: it stays in the graph for traversal but is never
  /// returned, and a later Add may reuse its slot. Errors: kNotFound if out
  /// of range or already deleted.
  Status MarkDeleted(uint32_t label);

  /// Whether Add reuses tombstoned slots (default true; hnswlib's
  /// allow_replace_deleted). Off: labels only grow and tombstones stay until
  /// Compact. A runtime setting, not saved in snapshots. With kInt8 a
  /// reused slot gets its float32 row (when kept) and its codes overwritten,
  /// and is re-linked in the space the graph is built in (float32 rows, or
  /// the codes once they were dropped).
  void set_reuse_deleted(bool on) { reuse_deleted_ = on; }
  bool reuse_deleted() const { return reuse_deleted_; }

  /// Threads an Add links its new labels on (default 1). With more, an Add
  /// of at least kParallelMinBatch new labels appends their rows first and
  /// links them concurrently (HnswGraph::InsertBatchT: the same levels and
  /// recall, other links than a serial build); reused slots are linked on
  /// the calling thread after them. One thread is the serial, deterministic
  /// build. A runtime setting, not saved in snapshots; needs a build with
  /// threads (native, or the WebAssembly core built with -pthread), else a
  /// parallel Add links on the calling thread alone.
  void set_build_threads(uint32_t n) { build_threads_ = n < 1 ? 1 : n; }
  uint32_t build_threads() const { return build_threads_; }
  /// Threads that linked the last parallel Add's new labels (1 when its
  /// helpers could not start; 0 before any parallel Add).
  uint32_t last_build_threads() const { return graph_.last_batch_threads(); }

  /// Reclaims the space of tombstoned labels, in place: the live rows move
  /// down over the tombstones (label order kept) and the graph is rebuilt in
  /// its own buffers by inserting them again in label order from the seed,
  /// so the result is exactly the index that inserting those vectors from
  /// scratch would build (stored vectors are copied bit for bit, not
  /// normalised again; with int8 and float32 rows the quantizer is refitted
  /// on the live vectors, without them it and the codes are kept; a learned
  /// dimension order is learned again from the first kOrderSample live
  /// rows, or dropped below that, as a fresh index would — when its
  /// 20 bytes per dimension cannot be allocated the current order is kept,
  /// and the graph may then differ from a scratch build at near-ties). Live
  /// labels are renumbered densely 0 .. live_count()-1.
  ///  - remap: resized to the old size(); remap[old] = new label, or kNoLabel
  ///    for a tombstone.
  /// With no tombstones it only writes the identity map. Cost: one insert
  /// per live vector (O(live · efConstruction · M) distances). Extra memory:
  /// the remap (4 bytes per label) and the upper-layer link blocks the
  /// rebuild draws beyond the current pool (usually none: the same seed
  /// draws the same levels); the blocks of rows and links freed at the end
  /// go back to the heap.
  /// Errors: kOutOfMemory (only before anything moved) — the index is unchanged.
  Status Compact(GrowableArray<uint32_t>* remap);

  /// Relabels the nodes for memory locality (label_order.hpp: breadth-first
  /// over the layer-0 links from the entry point; Coleman et al., "Graph
  /// Reordering for Cache-Efficient Near Neighbor Search", NeurIPS 2022), so
  /// that a walk's neighbours have nearby rows and link blocks. Every label
  /// is kept, tombstones included: only the names change (Relabel), so a
  /// search returns the same (distance, node) results under the new labels,
  /// except where distances tie exactly: ties are broken by label (in the
  /// walk's pool too), so nodes at an equal distance may swap or, at the
  /// k-th place, be exchanged (rare with float32 rows, commoner with the
  /// integer distances of int8 codes). Deterministic (depends only on the
  /// links). The learned dimension order (l2, 192+ byte rows) is kept; a
  /// snapshot load learns it again from the first kOrderSample labels, then
  /// a breadth-first neighbourhood of the entry point (measured: no loss).
  ///  - remap: resized to size(); remap[old] = new label (a permutation, the
  ///    convention of Compact).
  /// Cost: O(labels + links) to order, then every row, code row and link
  /// block moved once. Extra memory: the remap (4 bytes per label), one bit
  /// per label and one link block. Errors: kOutOfMemory — the index is
  /// unchanged. Defined in index_reorder.cpp.
  Status Reorder(GrowableArray<uint32_t>* remap);

  /// Renames label `old` to remap[old] in every per-label structure: float32
  /// rows, int8 codes, tombstones and the free slots, the graph (levels,
  /// links, entry point) and the fresh list, in place (cycle by cycle, one
  /// temporary row). `remap`: size() entries. Errors: kInvalidArgument (not
  /// a permutation of 0 .. size()-1), kOutOfMemory (size() bits of scratch,
  /// one link block) — the index is unchanged either way.
  Status Relabel(const uint32_t* remap);

  /// The one search entry point: the nq queries of `request`, each answered
  /// with its nearest admitted labels, nearest first, written to the
  /// caller's buffers in `out` (see search_request.hpp for shapes). Owns
  /// every search rule, once per call:
  ///  - k is clamped to the labels that can match (live labels, or
  ///    allowed_count with a filter); the clamped k must be <= kMaxK and
  ///    <= out.stride;
  ///  - ef (0 = config().ef_search) must be <= kMaxEf, then is raised to k;
  ///  - every query passes CheckVectors before any is searched;
  ///  - every buffer lies in [1, request.memory_bytes) (CheckRegion);
  ///  - the plan (SearchPlanner's): exact flat scan when `exact` or when at
  ///    most ef·M labels can match, otherwise the graph walk (merged with an
  ///    exact scan of the fresh list, see fresh_list.hpp), falling back to
  ///    the flat scan when the walk finds fewer than k. So query i always
  ///    gets min(k, matching) results: out.counts[i].
  /// Distances are lower-is-closer (see Metric).
  /// Errors: kInvalidArgument (k = 0, clamped k over kMaxK or out.stride, ef
  /// over kMaxEf, a bad query: its message names "query i" in a batch),
  /// kOutOfMemory (scratch for k / ef results; message names the query).
  /// A rejected query also goes to *out.problem when set. On error the out
  /// buffers may hold the results of earlier queries. Defined with the plans
  /// in index_search.cpp: the path from the binding to the graph walk stays
  /// in one file.
  Status Search(const SearchRequest& request, const SearchResults& out);

  /// Stored float32 row of `label` (dim floats; unit-normalised for
  /// cosine), in the stored dimension order: the caller's order unless
  /// dimension_order().learned() (see CopyVector for the caller's order).
  /// Only while has_floats().
  const float* StoredRow(uint32_t label) const { return store_.Get(label); }
  /// Writes the dim floats of `label` to `out` in the caller's dimension
  /// order: the stored float32 row when kept, else the dequantized codes.
  void CopyVector(uint32_t label, float* out) const;
  /// The order the float32 rows are stored in (DimensionOrder): learned for
  /// `l2` without quantization once rows reach kTouchMinRowBytes (192+
  /// dimensions) and the index holds kOrderSample vectors.
  const DimensionOrder& dimension_order() const { return order_; }

  /// True while float32 rows are stored (always without quantization).
  bool has_floats() const { return has_floats_; }
  bool quantized() const { return config_.quantization == Quantization::kInt8; }
  const ScalarQuantizer& quantizer() const { return quant_; }
  const CodeStore& codes() const { return codes_; }
  /// Bytes of vector storage per label: 4·dim for float32 rows (when kept)
  /// plus dim for int8 codes. Graph links are not included.
  uint32_t BytesPerVector() const;

  /// Bytes held by vectors, graph, tombstones and scratch buffers.
  uint64_t MemoryBytes() const;

  const VectorStore& store() const { return store_; }
  const HnswGraph& graph() const { return graph_; }

  /// Builds an index from validated snapshot parts (snapshot.cpp); call
  /// FinishRestore on it before use.
  static Index FromParts(const IndexConfig& config, VectorStore&& store, HnswGraph&& graph,
                         GrowableArray<uint8_t>&& deleted, uint32_t deleted_count);
  /// Same, for kInt8: `store` is empty when !has_floats.
  static Index FromParts(const IndexConfig& config, VectorStore&& store, HnswGraph&& graph,
                         GrowableArray<uint8_t>&& deleted, uint32_t deleted_count, ScalarQuantizer&& quant,
                         CodeStore&& codes, bool has_floats);
  /// Allocates what a restored index needs beyond its parts: the free slots
  /// for reuse (exactly the tombstones) and the query scratch.
  /// Errors: kOutOfMemory.
  Status FinishRestore();

 private:
  // Labels an Add of n vectors appends (n minus the tombstones it reuses).
  uint32_t AppendedBy(uint32_t n) const;
  // Room for `total` labels in every per-label buffer.
  Status Reserve(uint32_t total);
  // Relabel once `remap` is known to be a permutation; `bits`: size() bits.
  Status ApplyRelabel(const uint32_t* remap, LabelBits* bits);
  // Arranges (learned dimension order) and, for cosine, normalises one
  // checked query into query_, and encodes it into qcode_ when quantized.
  // Returns the prepared query: `query` itself when neither applies (no copy).
  const float* PrepareQuery(const float* query);
  // The same into the caller's scratch (dim floats) and codes (dim int8
  // when quantized): the queries of one interleaved batch each keep theirs.
  const float* PrepareQueryInto(const float* query, float* scratch, int8_t* code);
  // Appends one prepared vector (finite; unit-norm for cosine) as label
  // size() and links it; room must be reserved. On kOutOfMemory (an
  // upper-layer link block) the index is exactly as before.
  // `code`: its int8 codes when already known (compaction without floats),
  // else null (encoded from v). v is null when !has_floats_.
  Status AppendPrepared(const float* v, const int8_t* code);
  // Overwrites tombstoned `label` with a prepared vector (its float32 row
  // when stored, its int8 codes when quantized: encoded with the current
  // quantizer, provisional while it learns), re-links it and makes it live.
  // Never fails (no allocation).
  void ReusePrepared(uint32_t label, const float* v);
  // The vector of an Add as stored: normalised for cosine, arranged in the
  // learned dimension order (then in row_), else `v` itself.
  const float* PrepareRow(const float* v);
  // Appends the first `count` (all new labels) of an Add's checked vectors
  // and links them on build_threads_ threads (index_parallel.cpp).
  // Errors: kOutOfMemory (the index as before).
  Status AppendParallel(const float* vectors, uint32_t count);
  // Calls fn(space) with the space the graph is built in: the float32 rows
  // while stored, else the int8 codes.
  template <typename Fn>
  decltype(auto) WithGraphSpace(Fn&& fn) const {
    if (has_floats_) return WithSpace(store_, config_.metric, fn);
    return WithCodeSpace(codes_, quant_.step2(), config_.metric, fn);
  }
  // Whether this index stores its rows in a learned DimensionOrder: l2 (its
  // bounded kernel stops early, ip's cannot), rows large enough for bounded
  // measuring (RowDistanceComputer::Abandons), and no int8 codes (their quantizer
  // and re-ranking read rows in the caller's order).
  bool OrderPays() const;
  // Learns the dimension order once kOrderSample vectors are known: the
  // stored rows first, then the first of the `n` about to be added (caller's
  // order; none for a restore), and arranges the stored rows. No-op when
  // learned, not OrderPays(), or too few vectors. Errors: kOutOfMemory (the
  // index unchanged). Once learned it stays, even when the Add that learned
  // it fails later (stored vectors read back the same in any order).
  Status LearnOrderIfDue(const float* vectors, uint32_t n);
  // kInt8, before the quantizer freezes: refits on every stored row (live,
  // tombstoned and reused slots alike: each holds its current vector) and
  // re-encodes them all; freezes (and drops floats without keep_float) once
  // kFitTarget rows are stored.
  void RefitIfLearning();

  IndexConfig config_;
  VectorStore store_;
  HnswGraph graph_;
  // One flag per label plus the free slots Add reuses (lowest first, so the
  // order depends only on the tombstone set). Free capacity >= size().
  Tombstones tombstones_;
  bool reuse_deleted_ = true;
  uint32_t build_threads_ = 1;     // see set_build_threads
  FreshList fresh_;                 // labels of the latest small Adds (searched exactly)
  GrowableArray<float> query_;      // normalised query scratch
  GrowableArray<float> row_;        // normalised insert scratch
  GrowableArray<Neighbor> hits_;    // one query's results, before they are copied out
  ScalarQuantizer quant_;           // kInt8 only
  CodeStore codes_;                 // kInt8 only: one code row per label
  bool has_floats_ = true;          // store_ holds one row per label
  DimensionOrder order_;            // of store_'s rows and query_ (OrderPays)
  GrowableArray<int8_t> qcode_;     // quantized query / insert scratch (dim int8 when quantized)
  // Interleaved walks (SearchPlanner::WalkBatch): per walk a prepared query
  // (dim floats), its codes (dim int8 when quantized) and its results;
  // sized by the first Search of several queries.
  GrowableArray<float> walk_queries_;
  GrowableArray<int8_t> walk_codes_;
  GrowableArray<Neighbor> walk_hits_[HnswGraph::kBatchWalks];
};

}  // namespace mvdb
