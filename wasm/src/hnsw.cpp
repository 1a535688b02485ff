// HNSW graph construction and search; see hnsw.hpp for the algorithm sources.
#include "minivectordb/hnsw.hpp"

#include "minivectordb/code_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>

namespace mvdb {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// Comparator that turns std::*_heap into a min-heap on distance (a function
// object, so the heap code inlines it).
struct Farther {
  bool operator()(const Neighbor& a, const Neighbor& b) const { return b < a; }
};

// Replaces the top (largest) element of the max-heap [first, last) with v
// and restores the heap: one sift-down instead of a push and a pop.
void ReplaceTop(Neighbor* first, Neighbor* last, Neighbor v) {
  const std::ptrdiff_t n = last - first;
  std::ptrdiff_t hole = 0;
  for (;;) {
    std::ptrdiff_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && first[child] < first[child + 1]) ++child;
    if (!(v < first[child])) break;
    first[hole] = first[child];
    hole = child;
  }
  first[hole] = v;
}

}  // namespace

HnswGraph::HnswGraph(uint32_t M, uint32_t ef_construction, uint64_t seed)
    : M_(M), M0_(2 * M), ef_construction_(ef_construction), mL_(1.0 / std::log(static_cast<double>(M))), rng_(seed) {}

HnswGraph::~HnswGraph() {
  for (uint64_t i = 0; i < upper_.size(); ++i) std::free(upper_[i]);
}

HnswGraph::HnswGraph(HnswGraph&& o) noexcept { *this = std::move(o); }

HnswGraph& HnswGraph::operator=(HnswGraph&& o) noexcept {
  if (this == &o) return *this;
  for (uint64_t i = 0; i < upper_.size(); ++i) std::free(upper_[i]);
  M_ = o.M_;
  M0_ = o.M0_;
  ef_construction_ = o.ef_construction_;
  mL_ = o.mL_;
  rng_ = o.rng_;
  size_ = o.size_;
  entry_point_ = o.entry_point_;
  max_level_ = o.max_level_;
  links0_ = std::move(o.links0_);
  levels_ = std::move(o.levels_);
  upper_ = std::move(o.upper_);  // moved-from array is empty: o frees nothing
  visited_ = std::move(o.visited_);
  candidates_ = std::move(o.candidates_);
  results_ = std::move(o.results_);
  expanded_ = std::move(o.expanded_);
  selected_ = std::move(o.selected_);
  prune_ = std::move(o.prune_);
  kept_ = std::move(o.kept_);
  batch_ = std::move(o.batch_);
  upper_words_ = o.upper_words_;
  o.size_ = 0;
  o.entry_point_ = kNoLabel;
  o.max_level_ = -1;
  o.upper_words_ = 0;
  return *this;
}

Status HnswGraph::Reserve(uint32_t n) {
  MVDB_RETURN_IF_ERROR(links0_.Reserve(uint64_t{n} * (1 + M0_)));
  MVDB_RETURN_IF_ERROR(levels_.Reserve(n));
  MVDB_RETURN_IF_ERROR(upper_.Reserve(n));
  MVDB_RETURN_IF_ERROR(candidates_.Reserve(uint64_t{n} + 1));
  MVDB_RETURN_IF_ERROR(results_.Reserve(uint64_t{ef_construction_} + 1));
  MVDB_RETURN_IF_ERROR(expanded_.Reserve(uint64_t{ef_construction_} + 1));
  MVDB_RETURN_IF_ERROR(selected_.Reserve(uint64_t{ef_construction_} + 1));
  MVDB_RETURN_IF_ERROR(prune_.Reserve(2 * uint64_t{M0_} + 1));
  MVDB_RETURN_IF_ERROR(kept_.Reserve(2 * uint64_t{M0_} + 1));
  MVDB_RETURN_IF_ERROR(batch_.Resize(M0_));
  return visited_.Reserve(n);
}

Status HnswGraph::ReserveSearch(uint32_t ef) {
  MVDB_RETURN_IF_ERROR(results_.Reserve(uint64_t{ef} + 1));
  return expanded_.Reserve(uint64_t{ef} + 1);
}

uint32_t HnswGraph::DrawLevel() {
  const double level = std::floor(-std::log(rng_.NextUnitOpenClosed()) * mL_);
  return level >= kMaxLevel ? kMaxLevel : static_cast<uint32_t>(level);
}

uint32_t* HnswGraph::LinkBlock(uint32_t label, uint32_t layer) const {
  if (layer == 0) return const_cast<uint32_t*>(links0_.data()) + uint64_t{label} * (1 + M0_);
  return upper_[label] + uint64_t{layer - 1} * (1 + M_);
}

uint32_t* HnswGraph::MutableLinkBlock(uint32_t label, uint32_t layer) { return LinkBlock(label, layer); }

const uint32_t* HnswGraph::Links(uint32_t label, uint32_t layer, uint32_t* n) const {
  const uint32_t* block = LinkBlock(label, layer);
  *n = block[0];
  return block + 1;
}

uint64_t HnswGraph::MemoryBytes() const {
  return links0_.capacity_bytes() + levels_.capacity_bytes() + upper_.capacity_bytes() + upper_words_ * 4 +
         visited_.MemoryBytes() + expanded_.capacity_bytes() +
         (candidates_.capacity() + results_.capacity() + selected_.capacity() + prune_.capacity() + kept_.capacity()) *
             sizeof(Neighbor);
}

Status HnswGraph::AppendNodeForRestore(uint32_t level) {
  MVDB_RETURN_IF_ERROR(Reserve(size_ + 1));  // after this, only the calloc below can fail
  uint32_t* block = nullptr;
  if (level > 0) {
    const uint64_t words = uint64_t{level} * (1 + M_);
    block = static_cast<uint32_t*>(std::calloc(static_cast<size_t>(words), sizeof(uint32_t)));
    if (block == nullptr) return OutOfMemory("cannot allocate upper-layer links of " + std::to_string(words * 4) + " bytes");
    upper_words_ += words;
  }
  MVDB_RETURN_IF_ERROR(links0_.Resize(uint64_t{size_ + 1} * (1 + M0_)));
  levels_.PushBackUnchecked(static_cast<uint8_t>(level));
  upper_.PushBackUnchecked(block);
  ++size_;
  return Status::Ok();
}

template <typename Space>
Neighbor HnswGraph::GreedyDescend(const Space& space, typename Space::Query query, Neighbor cur, int32_t top,
                                  int32_t bottom) const {
  const bool touch = space.TouchPays();
  // Only a nearer neighbour moves the descent: measured against the current
  // distance, the others may stop early (as in MeasureBatch).
  const bool bounded = space.Abandons();
  for (int32_t layer = top; layer > bottom; --layer) {
    bool changed = true;
    while (changed) {
      changed = false;
      uint32_t n = 0;
      const uint32_t* links = Links(cur.label, static_cast<uint32_t>(layer), &n);
      if (touch) TouchRows(space, n, [links](uint32_t i) { return links[i]; }, bounded);
      for (uint32_t i = 0; i < n; ++i) {
        const float d = bounded ? space.ToLabelBounded(query, links[i], cur.distance) : space.ToLabel(query, links[i]);
        if (d < cur.distance) {
          cur = {d, links[i]};
          changed = true;
        }
      }
    }
  }
  return cur;
}

template <typename Space>
void HnswGraph::MeasureBatch(const Space& space, typename Space::Query query, uint32_t fresh, float bound) {
  auto label_at = [this](uint32_t i) { return batch_[i].label; };
  if (space.Abandons()) {
    // Most neighbours measured are farther than the bound and get dropped;
    // stopping once the partial sum passes the bound skips reading the rest
    // of their rows (see Index's dimension order: the high-variance
    // dimensions come first, so the sum passes it early). MNIST searchBatch
    // at efSearch 10-24: 1.3-1.45x, build 1.35x (same results); the same in
    // GreedyDescend (upper layers) added 1.1-1.3x to search.
    TouchRows(space, fresh, label_at, true);
    for (uint32_t i = 0; i < fresh; ++i) batch_[i].distance = space.ToLabelBounded(query, batch_[i].label, bound);
    return;
  }
  if (space.TouchPays()) TouchRows(space, fresh, label_at);
  for (uint32_t i = 0; i < fresh; ++i) batch_[i].distance = space.ToLabel(query, batch_[i].label);
}

template <typename Space>
void HnswGraph::SearchLayerPool(const Space& space, typename Space::Query query, Neighbor entry, uint32_t ef,
                                uint32_t layer) {
  // Algorithm 2 of the HNSW paper with its two heaps merged into one sorted
  // array (as DiskANN's GreedySearch keeps its candidate list: Subramanya et
  // al., NeurIPS 2019). results_ is the pool: the (at most ef) nearest nodes
  // seen, sorted; expanded_[i] tells whether results_[i] was expanded, and
  // `next` is the first unexpanded position. A candidate farther than the
  // ef-th result is never expanded by Algorithm 2 (its stop test), so
  // dropping it from the pool changes nothing: the same nodes are expanded in
  // the same order and the same ef results come out. Without a filter only:
  // then every node reached is a result. Capacities: ef + 1 (ReserveSearch /
  // Reserve). Measured against the two heaps (SIFT10K, Node 20, same recall):
  // search 1.08-1.11x float32, 1.11-1.17x int8; build 1.10x.
  visited_.NewEpoch();
  visited_.TestAndSet(entry.label);
  results_.Clear();
  expanded_.Clear();
  results_.PushBackUnchecked(entry);
  expanded_.PushBackUnchecked(0);
  Neighbor* pool = results_.data();
  uint8_t* expanded = expanded_.data();
  uint32_t size = 1;
  uint32_t next = 0;
  while (next < size) {
    const uint32_t c = pool[next].label;
    expanded[next] = 1;
    uint32_t n = 0;
    const uint32_t* links = Links(c, layer, &n);
    const uint32_t fresh = visited_.GatherUnvisited(links, n, batch_.data());
    // A full pool drops anything not nearer than its last entry.
    MeasureBatch(space, query, fresh, size == ef ? pool[size - 1].distance : kInfinity);
    uint32_t lowest = size;  // lowest position inserted at in this expansion
    for (uint32_t i = 0; i < fresh; ++i) {
      const Neighbor nb = batch_[i];
      if (size == ef && !(nb.distance < pool[size - 1].distance)) continue;
      // Insert in order: the pool is short (ef), a scan from the end and a
      // shift beat a heap's unpredictable branches.
      uint32_t pos = size - 1;  // a full pool drops its last entry
      if (size < ef) {
        results_.PushBackUnchecked(nb);
        expanded_.PushBackUnchecked(0);
        pos = size++;
      }
      while (pos > 0 && nb < pool[pos - 1]) {
        pool[pos] = pool[pos - 1];
        expanded[pos] = expanded[pos - 1];
        --pos;
      }
      pool[pos] = nb;
      expanded[pos] = 0;
      if (pos < lowest) lowest = pos;
      touch_sink_ += *LinkBlock(nb.label, layer);
    }
    if (lowest < next) next = lowest;
    while (next < size && expanded[next]) ++next;
  }
}

template <typename Space>
void HnswGraph::SearchLayer(const Space& space, typename Space::Query query, Neighbor entry, uint32_t ef,
                            uint32_t layer, const LabelFilter& filter) {
  if (filter.AdmitsAll()) {
    SearchLayerPool(space, query, entry, ef, layer);
    return;
  }
  // Capacities: candidates_ holds each visited node at most once (<= size_,
  // reserved by Reserve); results_ at most ef + 1 (ReserveSearch / Reserve).
  visited_.NewEpoch();
  candidates_.Clear();
  results_.Clear();
  visited_.TestAndSet(entry.label);
  candidates_.PushBackUnchecked(entry);
  if (filter.Admits(entry.label)) results_.PushBackUnchecked(entry);
  float bound = results_.empty() ? kInfinity : entry.distance;

  while (!candidates_.empty()) {
    const Neighbor c = candidates_.front();
    // Stop when the nearest unexpanded candidate is farther than the worst of
    // a full result set. While the set is not full (a filter rejected many
    // nodes), keep expanding so that admitted nodes are still found.
    if (c.distance > bound && results_.size() >= ef) break;
    std::pop_heap(candidates_.begin(), candidates_.end(), Farther{});
    candidates_.PopBack();

    uint32_t n = 0;
    const uint32_t* links = Links(c.label, layer, &n);
    // Gather the unvisited neighbours first, then compute their distances in
    // one tight loop: with no heap updates (and their mispredicted branches)
    // in between, the CPU overlaps the memory loads of consecutive vectors.
    // WebAssembly has no prefetch instruction; for large rows a first pass
    // reads one byte per cache line of every gathered row (TouchPays, see
    // kTouchMinRowBytes), so that all their misses are in flight at once
    // instead of one row's at a time.
    uint32_t fresh = 0;
    if (filter.allowed == nullptr || filter.dense) {
      fresh = visited_.GatherUnvisited(links, n, batch_.data());
    } else {
      fresh = GatherAdmitted(links, n, layer, filter);
    }
    // A full result set keeps only what is nearer than its worst.
    MeasureBatch(space, query, fresh, results_.size() >= ef ? bound : kInfinity);
    for (uint32_t i = 0; i < fresh; ++i) {
      const uint32_t next = batch_[i].label;
      const float d = batch_[i].distance;
      if (results_.size() < ef || d < bound) {
        candidates_.PushBackUnchecked({d, next});
        std::push_heap(candidates_.begin(), candidates_.end(), Farther{});
        // Load the candidate's link count now, so that its link block is in
        // cache by the time it is expanded (hnswlib prefetches it; WebAssembly
        // has no prefetch): 1.02-1.04x on SIFT10K float32.
        touch_sink_ += *LinkBlock(next, layer);
        if (filter.Admits(next)) {
          if (results_.size() < ef) {
            results_.PushBackUnchecked({d, next});
            std::push_heap(results_.begin(), results_.end());
          } else {
            ReplaceTop(results_.begin(), results_.end(), {d, next});
          }
          bound = results_.front().distance;
        }
      }
    }
  }
}

uint32_t HnswGraph::GatherAdmitted(const uint32_t* links, uint32_t n, uint32_t layer, const LabelFilter& filter) {
  // Admitted neighbours first (up to M0), then, while fewer than M were
  // found, admitted neighbours of the others (two hops): a sparse filter
  // gets about M fresh nodes per expansion, a dense one no detours (capping
  // the two-hop fill at M rather than M0 measured ~1.7x faster at 50%
  // selectivity, recall@10 still >= 0.99, on MNIST and SIFT10K). Filtered-out
  // nodes are looked through, never measured: a distance is paid only for a
  // node that can be a result.
  const uint32_t cap = static_cast<uint32_t>(batch_.size());
  uint32_t fresh = 0;
  for (uint32_t i = 0; i < n && fresh < cap; ++i) {
    if (filter.Admits(links[i]) && !visited_.TestAndSet(links[i])) batch_[fresh++] = {0.f, links[i]};
  }
  for (uint32_t i = 0; i < n && fresh < M_; ++i) {
    if (filter.Admits(links[i])) continue;
    uint32_t n2 = 0;
    const uint32_t* hop = Links(links[i], layer, &n2);
    for (uint32_t j = 0; j < n2 && fresh < M_; ++j) {
      if (filter.Admits(hop[j]) && !visited_.TestAndSet(hop[j])) batch_[fresh++] = {0.f, hop[j]};
    }
  }
  return fresh;
}

template <typename Space>
void HnswGraph::SelectNeighborsHeuristic(const Space& space, GrowableArray<Neighbor>* candidates, uint32_t m) {
  std::sort(candidates->begin(), candidates->end());
  if (candidates->size() <= m) return;
  kept_.Clear();
  for (const Neighbor& c : *candidates) {
    if (kept_.size() >= m) break;
    // Keep c only if it is closer to the base node than to every neighbour
    // kept so far: a closer kept neighbour already covers c's direction.
    bool diverse = true;
    for (const Neighbor& r : kept_) {
      // Only "nearer than c.distance" matters: the measure may stop above it.
      if (space.BetweenBounded(c.label, r.label, c.distance) < c.distance) {
        diverse = false;
        break;
      }
    }
    if (diverse) kept_.PushBackUnchecked(c);
  }
  // Copied back, not swapped: each scratch array keeps the capacity Reserve gave it.
  candidates->Clear();
  for (const Neighbor& c : kept_) candidates->PushBackUnchecked(c);
}

template <typename Space>
void HnswGraph::Connect(const Space& space, uint32_t target, uint32_t source, uint32_t layer) {
  uint32_t* block = LinkBlock(target, layer);
  const uint32_t max_links = MaxLinks(layer);
  for (uint32_t i = 0; i < block[0]; ++i)
    if (block[1 + i] == source) return;  // only when relinking a reused slot
  if (block[0] < max_links) {
    block[1 + block[0]] = source;
    ++block[0];
    return;
  }
  prune_.Clear();
  if (space.TouchPays()) TouchRows(space, block[0], [block](uint32_t i) { return block[1 + i]; });
  for (uint32_t i = 0; i < block[0]; ++i) prune_.PushBackUnchecked({space.Between(target, block[1 + i]), block[1 + i]});
  prune_.PushBackUnchecked({space.Between(target, source), source});
  SelectNeighborsHeuristic(space, &prune_, max_links);
  block[0] = static_cast<uint32_t>(prune_.size());
  for (uint32_t i = 0; i < max_links; ++i) block[1 + i] = i < prune_.size() ? prune_[i].label : 0;
}

Status HnswGraph::Insert(const VectorStore& store, Metric metric) {
  return WithSpace(store, metric, [&](const auto& space) { return InsertT(space); });
}

template <typename Space>
Status HnswGraph::InsertT(const Space& space) {
  const uint32_t label = size_;
  const uint64_t rng_before = rng_.state();
  const uint32_t level = DrawLevel();
  Status st = AppendNodeForRestore(level);
  if (!st.ok()) {
    rng_.set_state(rng_before);  // leave the graph exactly as it was
    return st;
  }
  if (entry_point_ == kNoLabel) {
    entry_point_ = label;
    max_level_ = static_cast<int32_t>(level);
    return Status::Ok();
  }
  LinkT(space, label, level);
  if (static_cast<int32_t>(level) > max_level_) {
    entry_point_ = label;
    max_level_ = static_cast<int32_t>(level);
  }
  return Status::Ok();
}

template <typename Space>
void HnswGraph::LinkT(const Space& space, uint32_t label, uint32_t level) {
  const typename Space::Query query = space.QueryOf(label);
  Neighbor cur{space.ToLabel(query, entry_point_), entry_point_};
  cur = GreedyDescend(space, query, cur, max_level_, static_cast<int32_t>(level));

  // Tombstoned nodes are ordinary points for construction: they stay in the
  // graph for routing, so the new node may link to them. Excluding them from
  // the ef-set (as hnswlib does) makes the walk expand the whole graph when
  // most nodes are deleted, and can leave the new node without links.
  const LabelFilter all;
  for (int32_t layer = std::min<int32_t>(static_cast<int32_t>(level), max_level_); layer >= 0; --layer) {
    const uint32_t lc = static_cast<uint32_t>(layer);
    SearchLayer(space, query, cur, ef_construction_, lc, all);
    selected_.Clear();
    for (const Neighbor& r : results_)
      if (r.label != label) selected_.PushBackUnchecked(r);  // a reused slot finds itself
    std::sort(selected_.begin(), selected_.end());
    const Neighbor nearest = selected_.empty() ? cur : selected_[0];
    SelectNeighborsHeuristic(space, &selected_, M_);

    uint32_t* block = LinkBlock(label, lc);
    block[0] = static_cast<uint32_t>(selected_.size());
    for (uint64_t i = 0; i < selected_.size(); ++i) block[1 + i] = selected_[i].label;
    for (const Neighbor& nb : selected_) Connect(space, nb.label, label, lc);
    cur = nearest;
  }
}

void HnswGraph::UnlinkForReuse(const VectorStore& store, Metric metric, uint32_t label) {
  WithSpace(store, metric, [&](const auto& space) { UnlinkForReuseT(space, label); });
}

template <typename Space>
void HnswGraph::UnlinkForReuseT(const Space& space, uint32_t label) {
  for (uint32_t layer = 0; layer <= Level(label); ++layer) {
    const uint32_t* own = LinkBlock(label, layer);
    for (uint32_t i = 0; i < own[0]; ++i) {
      const uint32_t nb = own[1 + i];
      if (nb == label) continue;
      uint32_t* block = LinkBlock(nb, layer);
      bool links_back = false;
      for (uint32_t j = 0; j < block[0] && !links_back; ++j) links_back = block[1 + j] == label;
      if (!links_back) continue;
      // Candidates: nb's other links and label's links, each once, never nb
      // itself; at most 2 * M0 (prune_ reserved for that).
      visited_.NewEpoch();
      visited_.TestAndSet(nb);
      visited_.TestAndSet(label);
      prune_.Clear();
      for (const uint32_t* list : {static_cast<const uint32_t*>(block), own}) {
        for (uint32_t j = 0; j < list[0]; ++j) {
          const uint32_t c = list[1 + j];
          if (!visited_.TestAndSet(c)) prune_.PushBackUnchecked({space.Between(nb, c), c});
        }
      }
      SelectNeighborsHeuristic(space, &prune_, MaxLinks(layer));
      block[0] = static_cast<uint32_t>(prune_.size());
      for (uint32_t j = 0; j < MaxLinks(layer); ++j) block[1 + j] = j < prune_.size() ? prune_[j].label : 0;
    }
  }
}

void HnswGraph::RelinkReused(const VectorStore& store, Metric metric, uint32_t label) {
  WithSpace(store, metric, [&](const auto& space) { RelinkReusedT(space, label); });
}

template <typename Space>
void HnswGraph::RelinkReusedT(const Space& space, uint32_t label) {
  if (size_ <= 1) return;  // alone in the graph: nothing to link to
  LinkT(space, label, Level(label));
}

Status HnswGraph::Search(const VectorStore& store, Metric metric, const float* query, uint32_t k, uint32_t ef,
                         const LabelFilter& filter, GrowableArray<Neighbor>* out) {
  return WithSpace(store, metric, [&](const auto& space) { return SearchT(space, query, k, ef, filter, out); });
}

template <typename Space>
Status HnswGraph::SearchT(const Space& space, typename Space::Query query, uint32_t k, uint32_t ef,
                          const LabelFilter& filter, GrowableArray<Neighbor>* out) {
  out->Clear();
  if (size_ == 0 || entry_point_ == kNoLabel || k == 0) return Status::Ok();
  ef = std::max(ef, k);
  MVDB_RETURN_IF_ERROR(ReserveSearch(ef));
  MVDB_RETURN_IF_ERROR(out->Reserve(uint64_t{ef} + 1));
  Neighbor cur{space.ToLabel(query, entry_point_), entry_point_};
  cur = GreedyDescend(space, query, cur, max_level_, 0);
  SearchLayer(space, query, cur, ef, 0, filter);
  for (const Neighbor& r : results_) out->PushBackUnchecked(r);
  std::sort(out->begin(), out->end());
  if (out->size() > k) MVDB_RETURN_IF_ERROR(out->Resize(k));  // shrinking: cannot fail
  return Status::Ok();
}

// The spaces the index uses (see the declaration in hnsw.hpp).
#define MVDB_INSTANTIATE_SPACE(S)                                                                       \
  template Status HnswGraph::InsertT<S>(const S&);                                                      \
  template void HnswGraph::UnlinkForReuseT<S>(const S&, uint32_t);                                      \
  template void HnswGraph::RelinkReusedT<S>(const S&, uint32_t);                                        \
  template Status HnswGraph::SearchT<S>(const S&, S::Query, uint32_t, uint32_t, const LabelFilter&, \
                                        GrowableArray<Neighbor>*);
MVDB_INSTANTIATE_SPACE(VectorSpace<L2Kernel>)
MVDB_INSTANTIATE_SPACE(VectorSpace<InnerProductKernel>)
MVDB_INSTANTIATE_SPACE(CodeSpace<L2I8Kernel>)
MVDB_INSTANTIATE_SPACE(CodeSpace<InnerProductI8Kernel>)
#undef MVDB_INSTANTIATE_SPACE

}  // namespace mvdb
