// HNSW graph: Hierarchical Navigable Small World links over labels 0..n-1.
//
// Algorithm: Malkov & Yashunin, "Efficient and robust approximate nearest
// neighbor search using Hierarchical Navigable Small World graphs", IEEE TPAMI
// 2018 (arXiv:1603.09320):
//  - Algorithm 1 (INSERT) with a random level l = floor(-ln(U) * mL),
//    mL = 1 / ln(M), U drawn from a seeded SplitMix64 (same seed and same
//    inserts give the same graph);
//  - Algorithm 2 (SEARCH-LAYER) with binary-heap candidate and result queues
//    and an epoch-stamped visited set reused across queries;
//  - Algorithm 4 (SELECT-NEIGHBORS-HEURISTIC, without extendCandidates)
//    both for the new node, with keepPrunedConnections (its lists filled up
//    to M with the nearest pruned candidates), and, without it as hnswlib,
//    when an existing neighbour list overflows;
//  - Algorithm 5 (K-NN-SEARCH) with ef = max(efSearch, k); with a filter,
//    layer 0 is walked over the admitted nodes with two-hop neighbour lists
//    (ACORN-1, Patel et al., SIGMOD 2024; see GatherAdmitted).
// Layer 0 allows M_max0 = 2*M links per node, upper layers M_max = M.
//
// Slot reuse (UnlinkForReuse + RelinkReused) follows hnswlib's
// replaceDeleted / updatePoint + repairConnectionsForUpdate (hnswalg.h):
// the node keeps its label and level, the neighbours that linked back to it
// get their lists rebuilt from their own and its links, and the node is then
// linked anew from a search for its new vector.
//
// Only links live here: the graph sees labels, and measures them through a
// distance computer bound to the query (the DistanceComputer concept of
// distance_computer.hpp, a template parameter so distances are inlined),
// which also owns when rows are touched and when a measurement stops early.
//
// The code is in three files: hnsw.cpp (storage of the links, restore),
// hnsw_insert.cpp (INSERT, the heuristic, slot reuse) and hnsw_search.cpp
// (K-NN-SEARCH); the layer walks both use are in hnsw_walk.hpp.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/link_locks.hpp"
#include "minivectordb/neighbor.hpp"
#include "minivectordb/permutation.hpp"
#include "minivectordb/random.hpp"
#include "minivectordb/row_blocks.hpp"
#include "minivectordb/visited.hpp"

namespace mvdb {

/// Sentinel for "no label".
constexpr uint32_t kNoLabel = 0xFFFFFFFFu;
/// Highest level a node may get; with M >= 2 the chance of exceeding it is
/// below 2^-30 per insert, and the cap keeps a crafted snapshot harmless.
constexpr uint32_t kMaxLevel = 30;

/// Predicate over labels for result admission during search. Labels that
/// fail it are still traversed (they keep the graph connected) but never
/// returned. Holds an optional tombstone bitmap and an optional allow bitmap
/// (bit i of word i/32 set = label i allowed); null pointers admit all.
struct LabelFilter {
  const uint8_t* deleted = nullptr;  ///< one byte per label, nonzero = tombstone
  const uint32_t* allowed = nullptr; ///< bitset over labels, or null
  /// Dense allow-set (Index::Search sets it when at least half of the live
  /// labels match): the walk measures every neighbour, as without a filter,
  /// and filters only what enters the results, instead of measuring
  /// admitted nodes only (GatherAdmitted).
  bool dense = false;
  bool Admits(uint32_t label) const {
    if (deleted != nullptr && deleted[label] != 0) return false;
    if (allowed != nullptr && ((allowed[label >> 5] >> (label & 31)) & 1u) == 0) return false;
    return true;
  }
  bool AdmitsAll() const { return deleted == nullptr && allowed == nullptr; }
};

class HnswGraph {
 public:
  HnswGraph() = default;
  /// M: links per node on upper layers (layer 0 gets 2*M).
  /// ef_construction: candidate list size while inserting.
  HnswGraph(uint32_t M, uint32_t ef_construction, uint64_t seed);
  HnswGraph(const HnswGraph&) = delete;
  HnswGraph& operator=(const HnswGraph&) = delete;
  HnswGraph(HnswGraph&&) = default;
  HnswGraph& operator=(HnswGraph&&) = default;

  uint32_t M() const { return M_; }
  uint32_t M0() const { return M0_; }
  uint32_t size() const { return size_; }
  uint32_t entry_point() const { return entry_point_; }
  int32_t max_level() const { return max_level_; }
  uint64_t rng_state() const { return rng_.state(); }

  /// Makes room for `n` nodes in total (links, levels, visited marks) and
  /// for the construction scratch of a graph of n nodes, so that Insert can
  /// fail only on an upper-layer link block and slot reuse never fails.
  Status Reserve(uint32_t n);

  /// Makes room for the search scratch of a query with candidate list `ef`.
  /// Errors: kOutOfMemory (nothing else changes).
  Status ReserveSearch(uint32_t ef);

  // The graph operations take a DistanceComputer `dc` over the rows of the
  // index (float32 rows or int8 codes: distance_computer.hpp). Instantiated
  // in hnsw_insert.cpp / hnsw_search.cpp for VectorDistance<L2Kernel>,
  // VectorDistance<InnerProductKernel>, CodeDistance<L2I8Kernel> and
  // CodeDistance<InnerProductI8Kernel>.

  /// Inserts node `label` == size(); its row must already be in the rows of
  /// `dc` (taken by value: the graph binds its copy to that row).
  /// Tombstoned labels take part like any node (they keep routing until a
  /// compaction removes them). Fails only with kOutOfMemory (graph unchanged).
  template <typename Dc>
  Status InsertT(Dc dc);

  /// Inserts nodes size() .. size()+count-1, whose rows must already be in
  /// the rows of `dc`, on up to `threads` threads (the caller's included):
  /// levels are drawn in label order from the same generator as InsertT
  /// (so the levels, and the generator's state after, equal `count` InsertT
  /// calls'), then the nodes are linked concurrently as hnswlib's addPoint
  /// does from several threads: a stripe lock per link list (LinkLocks),
  /// the global lock only while a node may raise the top level, scratch per
  /// thread. The links differ from a serial build's (the order in which
  /// nodes see each other depends on timing); recall does not (tested
  /// against brute force). A thread that cannot be started leaves its share
  /// to the others. threads <= 1 is exactly `count` InsertT calls.
  /// Defined in hnsw_parallel.cpp.
  /// Errors: kOutOfMemory (graph unchanged).
  template <typename Dc>
  Status InsertBatchT(const Dc& dc, uint32_t count, uint32_t threads);
  /// Threads that linked nodes in the last InsertBatchT (the caller's and
  /// the helpers that started; 0 before any).
  uint32_t last_batch_threads() const { return last_batch_threads_; }

  /// Slot reuse, step 1 of 2, called while `label` still holds its old
  /// vector (a tombstone being reused): every neighbour n of `label` (on
  /// each of its layers) whose own list links back to it drops that link,
  /// and its list is re-selected with the heuristic from its remaining links
  /// plus `label`'s links (the candidates hnswlib's updatePoint draws from,
  /// one hop instead of two). `label` keeps its own links, so it still routes
  /// the search of RelinkReusedT. Nodes that link to `label` without a link
  /// back are not found (there are no reverse lists): their link now leads
  /// to the new vector, a valid if longer edge that the heuristic prunes when
  /// their list next overflows. Never allocates (scratch sized by Reserve).
  /// An int8 index without float32 rows re-links over its codes.
  template <typename Dc>
  void UnlinkForReuseT(const Dc& dc, uint32_t label);

  /// Slot reuse, step 2 of 2, after the rows hold the new vector of
  /// `label`: on each layer of its (kept) level, from the top down, a
  /// SEARCH-LAYER for the new vector (efConstruction, `label` itself
  /// excluded from the results) chooses its links with the heuristic, and
  /// each chosen neighbour links back (Connect; a link already present is
  /// not added twice). The entry point and max level stay as they are: the
  /// level was drawn independently of the vector, so keeping it keeps the
  /// level distribution of the graph. Never allocates.
  template <typename Dc>
  void RelinkReusedT(Dc dc, uint32_t label);

  /// K-NN search (Algorithm 5) for the query `dc` is bound to (SetQuery).
  /// Writes up to k neighbours admitted by `filter`, nearest first, into
  /// `out`. ef is raised to at least k.
  /// Errors: kOutOfMemory (scratch or `out` cannot grow; `out` emptied).
  template <typename Dc>
  Status SearchT(const Dc& dc, uint32_t k, uint32_t ef, const LabelFilter& filter, GrowableArray<Neighbor>* out);

  /// Most queries SearchBatchT walks side by side.
  static constexpr uint32_t kBatchWalks = 8;

  /// K-NN search of nq <= kBatchWalks queries at once, without a filter
  /// (the caller checks that every label is admitted: no tombstones, no
  /// allow-set): dcs[i] is bound to query i, outs[i] gets its results,
  /// exactly as SearchT would write them. The layer-0 walks are stepped
  /// round-robin, one expansion each, and each walk's neighbour rows are
  /// touched (Dc::Prefetch) as soon as they are gathered, a whole round
  /// before they are measured: the cache misses of one walk overlap the work
  /// of the others (memory-level parallelism: WebAssembly has no prefetch
  /// instruction, and on hard data most of a walk's time waits on loads;
  /// bench/README.md, "Profile"). Each walk has its own visited set and
  /// pool, so the order of the steps between walks changes no result.
  /// Errors: kOutOfMemory (scratch or an `outs` array cannot grow).
  template <typename Dc>
  Status SearchBatchT(const Dc* dcs, uint32_t nq, uint32_t k, uint32_t ef, GrowableArray<Neighbor>* outs);

  /// Neighbours of `label` on `layer` (layer <= Level(label)): count in *n,
  /// labels at the returned pointer. Inline (as LinkBlock): the walks in
  /// hnsw_search.cpp and hnsw_insert.cpp call it once per visited node.
  const uint32_t* Links(uint32_t label, uint32_t layer, uint32_t* n) const {
    const uint32_t* block = LinkBlock(label, layer);
    *n = block[0];
    return block + 1;
  }
  /// Level of `label` (0 = only on the bottom layer).
  uint32_t Level(uint32_t label) const { return Shared().levels_[label]; }

  /// Bytes held by links, levels and the visited set.
  uint64_t MemoryBytes() const;

  // --- Restoring from a snapshot (snapshot.cpp validates before calling). ---
  /// Appends a node with `level` and zero links; room must be reserved.
  /// After AdoptLayer0ForRestore its layer-0 list is the adopted one.
  Status AppendNodeForRestore(uint32_t level);
  /// Takes `links` (at least `count` rows of [count, slots...], 1 + 2M words
  /// each: a snapshot's layer-0 blocks read straight into it on a
  /// little-endian host) as the layer-0 lists of the next `count` nodes
  /// appended, so a load holds them once (RowBlocks::Adopt). Empty graph only.
  /// Errors: kInvalidArgument (not empty), kOutOfMemory (a partial last block).
  Status AdoptLayer0ForRestore(GrowableArray<uint32_t>&& links, uint32_t count);
  /// Mutable link block of `label` on `layer`: [count, slot_0 .. slot_{max-1}].
  uint32_t* MutableLinkBlock(uint32_t label, uint32_t layer);
  void SetEntryForRestore(uint32_t entry, int32_t max_level, uint64_t rng_state) {
    entry_point_ = entry;
    max_level_ = max_level;
    rng_.set_state(rng_state);
  }

  // --- Rebuilding in place (Index::Compact): the graph of `n` nodes built
  // from scratch in the buffers this one already holds. ---
  /// Makes room for a rebuild of `n` <= size() nodes from `seed`: the
  /// upper-layer pool for the levels those n inserts will draw (counted on a
  /// copy of the generator), everything else is already there. After it,
  /// ResetForRebuild and n InsertT calls cannot fail. Errors: kOutOfMemory
  /// (graph unchanged).
  Status ReserveRebuild(uint32_t n, uint64_t seed);
  /// Drops every node and link, keeping the buffers, and restarts the level
  /// generator from `seed`: the next inserts build what a new
  /// HnswGraph(M, efConstruction, seed) would.
  void ResetForRebuild(uint64_t seed);
  /// Frees the layer-0 link blocks past the last node (after a rebuild).
  void TrimStorage() { links0_.Trim(); }

  /// Renames every node: node `old` becomes remap[old] (a permutation of
  /// 0 .. size()-1, Index::Relabel checks): its level, layer-0 block and
  /// upper-layer blocks move with it, every link and the entry point are
  /// renamed. The walk's results are the same nodes under their new names
  /// (neighbour lists keep their order). In place: one temporary link block
  /// and `bits` (size() bits, scratch). Defined in hnsw_reorder.cpp.
  /// Errors: kOutOfMemory (the temporary block; the graph unchanged).
  Status Relabel(const uint32_t* remap, LabelBits* bits);

 private:
  uint32_t DrawLevel();
  uint32_t MaxLinks(uint32_t layer) const { return layer == 0 ? M0_ : M_; }
  uint32_t* LinkBlock(uint32_t label, uint32_t layer) const {
    const HnswGraph& g = Shared();
    if (layer == 0) return g.links0_.Row(label);
    return const_cast<uint32_t*>(g.upper_.data()) + g.upper_at_[label] + uint64_t{layer - 1} * (1 + M_);
  }
  // The graph whose links and levels this one reads and writes: itself, or
  // for a thread's view in a concurrent build (hnsw_parallel.cpp) the graph
  // being built; the view keeps its own scratch.
  const HnswGraph& Shared() const { return shared_ != nullptr ? *shared_ : *this; }
  // The neighbours of `label` on `layer` as Links gives them; in a
  // concurrent build a copy taken under the list's lock (into link_copy_),
  // since another thread may be rewriting the list.
  const uint32_t* ReadLinks(uint32_t label, uint32_t layer, uint32_t* n) {
    if (locks_ == nullptr) return Links(label, layer, n);
    LinkGuard guard(locks_, label);
    const uint32_t* block = LinkBlock(label, layer);
    *n = block[0];
    for (uint32_t i = 0; i < *n; ++i) link_copy_[i] = block[1 + i];
    return link_copy_.data();
  }
  // The scratch a thread's walk needs for a graph of n nodes (Reserve's
  // share beyond the links).
  Status ReserveScratch(uint32_t n);
  // A concurrent build's view (hnsw_parallel.cpp): inserts node `label`,
  // whose level is set, into `shared_` (see InsertBatchT).
  template <typename Dc>
  void InsertConcurrent(Dc dc, uint32_t label);

  // Links `label` (dc bound to its row, its level set) on layers
  // min(level, max_level_) .. 0, searching from the entry point; nodes in
  // the result sets equal to `label` are skipped (slot reuse).
  template <typename Dc>
  void LinkT(const Dc& dc, uint32_t label, uint32_t level);
  // Algorithm 2: fills results_ with up to ef nearest nodes to the query of
  // `dc` on `layer` that `filter` admits, starting from `entry`; nodes it
  // rejects are still traversed. Without a filter (construction, and
  // searches of an index with no tombstones and no allow-set)
  // SearchLayerPool runs and results_ comes out sorted; otherwise results_
  // is a max-heap.
  template <typename Dc>
  void SearchLayer(const Dc& dc, Neighbor entry, uint32_t ef, uint32_t layer, const LabelFilter& filter);
  // Filtered search (an allow-bitset is set): writes into batch_ the
  // unvisited admitted nodes among `links` (n labels on `layer`; at most M0)
  // and, while fewer than M, through the filtered-out ones among their own
  // links (two hops); returns how many. The walk then measures and queues admitted nodes
  // only, so its cost follows the matching subgraph rather than 1/selectivity
  // (ACORN-1: Patel et al., "ACORN: Performant and Predicate-Agnostic Search
  // Over Vector Embeddings and Structured Data", SIGMOD 2024, arXiv:2403.04871).
  uint32_t GatherAdmitted(const uint32_t* links, uint32_t n, uint32_t layer, const LabelFilter& filter);
  // Algorithm 4: keeps at most `m` of `candidates` (distances to the base
  // node), in place, preferring diverse directions; with keep_pruned
  // (keepPrunedConnections: the new node's own lists) filled up to m with
  // the nearest pruned ones.
  template <typename Dc>
  void SelectNeighborsHeuristic(const Dc& dc, GrowableArray<Neighbor>* candidates, uint32_t m, bool keep_pruned);
  // Adds `source` to the list of `target` on `layer` (unless already there),
  // shrinking with the heuristic when the list is full.
  template <typename Dc>
  void Connect(const Dc& dc, uint32_t target, uint32_t source, uint32_t layer);
  // SearchLayer without a filter: one sorted pool instead of two heaps,
  // walked by StartPool, then GatherPool + MeasurePool per expansion (two
  // steps, so that SearchBatchT can interleave several walks).
  template <typename Dc>
  void SearchLayerPool(const Dc& dc, Neighbor entry, uint32_t ef, uint32_t layer);
  struct PoolWalk {
    VisitedSet* visited;
    GrowableArray<Neighbor>* pool;   // sorted, <= ef entries (capacity ef + 1)
    GrowableArray<uint8_t>* expanded;  // whether pool[i] was expanded
    Neighbor* batch;                 // M0 entries: the gathered neighbours
    uint32_t ef;
    uint32_t layer;
    uint32_t next = 0;   // first unexpanded pool position
    uint32_t fresh = 0;  // gathered neighbours in batch
  };
  void StartPool(PoolWalk* w, Neighbor entry);
  // Picks the next node to expand and gathers its unvisited neighbours;
  // false when none is left (the walk is over).
  bool GatherPool(PoolWalk* w);
  // Measures the gathered neighbours and inserts the near ones in the pool.
  template <typename Dc>
  void MeasurePool(const Dc& dc, PoolWalk* w);
  // Greedy descent through layers [top, bottom) towards the query of `dc`.
  template <typename Dc>
  Neighbor GreedyDescend(const Dc& dc, Neighbor cur, int32_t top, int32_t bottom);

  uint32_t M_ = 16;
  uint32_t M0_ = 32;
  uint32_t ef_construction_ = 200;
  double mL_ = 0.0;
  SplitMix64 rng_;

  uint32_t size_ = 0;
  uint32_t entry_point_ = kNoLabel;
  int32_t max_level_ = -1;

  RowBlocks<uint32_t> links0_{33};  // size_ rows of 1 + M0_: [count, links...] per node, in blocks (no copy on growth)
  GrowableArray<uint8_t> levels_;   // level per node
  // Upper layers: node after node, level * (1 + M_) words each ([count,
  // links...] per layer from 1 up); upper_at_[label] is where its words
  // start (< 2^30: one buffer holds at most kMaxBufferBytes).
  GrowableArray<uint32_t> upper_;
  GrowableArray<uint32_t> upper_at_;

  // Scratch reused across calls, sized up front by Reserve / ReserveSearch
  // (GrowableArray: running out of memory is a Status, never an abort, and
  // nothing grows while links are being changed).
  VisitedSet visited_;
  GrowableArray<Neighbor> candidates_;  // min-heap via greater-than comparator; <= size_ entries
  GrowableArray<Neighbor> results_;     // max-heap (SearchLayer) or sorted pool (SearchLayerPool); <= ef + 1 entries
  GrowableArray<uint8_t> expanded_;     // SearchLayerPool: whether results_[i] was expanded; <= ef + 1 entries
  GrowableArray<Neighbor> selected_;    // neighbours chosen for the node being inserted; <= efConstruction + 1
  GrowableArray<Neighbor> prune_;       // a list being re-selected; <= 2 * M0 entries
  GrowableArray<Neighbor> kept_;        // heuristic output; <= 2 * M0 entries
  GrowableArray<Neighbor> batch_;       // unvisited neighbours of one node; M0 entries
  // SearchBatchT: one visited set, pool and gather batch per walk (sized
  // by ReserveBatch on first use; kBatchWalks * M0 entries in batch_walks_).
  Status ReserveBatch(uint32_t ef, uint32_t nq);
  uint64_t WalkScratchBytes() const;
  VisitedSet walk_visited_[kBatchWalks];
  GrowableArray<Neighbor> walk_pool_[kBatchWalks];
  GrowableArray<uint8_t> walk_expanded_[kBatchWalks];
  GrowableArray<Neighbor> walk_batch_;
  // Sum of the link counts read ahead of expanding a node: stored so the
  // reads are kept.
  uint32_t touch_sink_ = 0;

  // Concurrent build only (hnsw_parallel.cpp): the graph being built, its
  // locks, and the copy of one link list (M0 entries) ReadLinks hands out.
  HnswGraph* shared_ = nullptr;
  LinkLocks* locks_ = nullptr;
  GrowableArray<uint32_t> link_copy_;
  uint32_t last_batch_threads_ = 0;  // see last_batch_threads
};

}  // namespace mvdb
