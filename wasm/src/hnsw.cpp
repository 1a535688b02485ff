// HNSW graph construction and search; see hnsw.hpp for the algorithm sources.
#include "minivectordb/hnsw.hpp"

#include "minivectordb/code_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace mvdb {
namespace {

// Comparator that turns std::*_heap into a min-heap on distance.
bool Farther(const Neighbor& a, const Neighbor& b) { return b < a; }

}  // namespace

HnswGraph::HnswGraph(uint32_t M, uint32_t ef_construction, uint64_t seed)
    : M_(M), M0_(2 * M), ef_construction_(ef_construction), mL_(1.0 / std::log(static_cast<double>(M))), rng_(seed) {
  batch_.resize(M0_);
}

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
  return visited_.Reserve(n);
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
         visited_.MemoryBytes() +
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
  for (int32_t layer = top; layer > bottom; --layer) {
    bool changed = true;
    while (changed) {
      changed = false;
      uint32_t n = 0;
      const uint32_t* links = Links(cur.label, static_cast<uint32_t>(layer), &n);
      for (uint32_t i = 0; i < n; ++i) {
        const float d = space.ToLabel(query, links[i]);
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
void HnswGraph::SearchLayer(const Space& space, typename Space::Query query, Neighbor entry, uint32_t ef,
                            uint32_t layer, const LabelFilter& filter) {
  visited_.NewEpoch();
  candidates_.clear();
  results_.clear();
  visited_.TestAndSet(entry.label);
  candidates_.push_back(entry);
  if (filter.Admits(entry.label)) results_.push_back(entry);
  float bound = results_.empty() ? std::numeric_limits<float>::infinity() : entry.distance;

  while (!candidates_.empty()) {
    const Neighbor c = candidates_.front();
    // Stop when the nearest unexpanded candidate is farther than the worst of
    // a full result set. While the set is not full (a filter rejected many
    // nodes), keep expanding so that admitted nodes are still found.
    if (c.distance > bound && results_.size() >= ef) break;
    std::pop_heap(candidates_.begin(), candidates_.end(), Farther);
    candidates_.pop_back();

    uint32_t n = 0;
    const uint32_t* links = Links(c.label, layer, &n);
    // Gather the unvisited neighbours first, then compute their distances in
    // one tight loop: with no heap updates (and their mispredicted branches)
    // in between, the CPU overlaps the memory loads of consecutive vectors —
    // WebAssembly has no prefetch instruction to do this explicitly.
    uint32_t fresh = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (!visited_.TestAndSet(links[i])) batch_[fresh++] = {0.f, links[i]};
    }
    for (uint32_t i = 0; i < fresh; ++i) batch_[i].distance = space.ToLabel(query, batch_[i].label);
    for (uint32_t i = 0; i < fresh; ++i) {
      const uint32_t next = batch_[i].label;
      const float d = batch_[i].distance;
      if (results_.size() < ef || d < bound) {
        candidates_.push_back({d, next});
        std::push_heap(candidates_.begin(), candidates_.end(), Farther);
        if (filter.Admits(next)) {
          results_.push_back({d, next});
          std::push_heap(results_.begin(), results_.end());
          if (results_.size() > ef) {
            std::pop_heap(results_.begin(), results_.end());
            results_.pop_back();
          }
          bound = results_.front().distance;
        }
      }
    }
  }
}

template <typename Space>
void HnswGraph::SelectNeighborsHeuristic(const Space& space, std::vector<Neighbor>* candidates, uint32_t m) {
  std::sort(candidates->begin(), candidates->end());
  if (candidates->size() <= m) return;
  kept_.clear();
  for (const Neighbor& c : *candidates) {
    if (kept_.size() >= m) break;
    // Keep c only if it is closer to the base node than to every neighbour
    // kept so far: a closer kept neighbour already covers c's direction.
    bool diverse = true;
    for (const Neighbor& r : kept_) {
      if (space.Between(c.label, r.label) < c.distance) {
        diverse = false;
        break;
      }
    }
    if (diverse) kept_.push_back(c);
  }
  candidates->swap(kept_);
}

template <typename Space>
void HnswGraph::Connect(const Space& space, uint32_t target, uint32_t source, uint32_t layer) {
  uint32_t* block = LinkBlock(target, layer);
  const uint32_t max_links = MaxLinks(layer);
  if (block[0] < max_links) {
    block[1 + block[0]] = source;
    ++block[0];
    return;
  }
  prune_.clear();
  for (uint32_t i = 0; i < block[0]; ++i) prune_.push_back({space.Between(target, block[1 + i]), block[1 + i]});
  prune_.push_back({space.Between(target, source), source});
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
    selected_.assign(results_.begin(), results_.end());
    std::sort(selected_.begin(), selected_.end());
    const Neighbor nearest = selected_.empty() ? cur : selected_.front();
    SelectNeighborsHeuristic(space, &selected_, M_);

    uint32_t* block = LinkBlock(label, lc);
    block[0] = static_cast<uint32_t>(selected_.size());
    for (size_t i = 0; i < selected_.size(); ++i) block[1 + i] = selected_[i].label;
    for (const Neighbor& nb : selected_) Connect(space, nb.label, label, lc);
    cur = nearest;
  }
  if (static_cast<int32_t>(level) > max_level_) {
    entry_point_ = label;
    max_level_ = static_cast<int32_t>(level);
  }
  return Status::Ok();
}

void HnswGraph::Search(const VectorStore& store, Metric metric, const float* query, uint32_t k, uint32_t ef,
                       const LabelFilter& filter, std::vector<Neighbor>* out) {
  WithSpace(store, metric, [&](const auto& space) { SearchT(space, query, k, ef, filter, out); });
}

template <typename Space>
void HnswGraph::SearchT(const Space& space, typename Space::Query query, uint32_t k, uint32_t ef, const LabelFilter& filter,
                        std::vector<Neighbor>* out) {
  out->clear();
  if (size_ == 0 || entry_point_ == kNoLabel || k == 0) return;
  ef = std::max(ef, k);
  Neighbor cur{space.ToLabel(query, entry_point_), entry_point_};
  cur = GreedyDescend(space, query, cur, max_level_, 0);
  SearchLayer(space, query, cur, ef, 0, filter);
  out->assign(results_.begin(), results_.end());
  std::sort(out->begin(), out->end());
  if (out->size() > k) out->resize(k);
}

// The spaces the index uses (see the declaration in hnsw.hpp).
#define MVDB_INSTANTIATE_SPACE(S)                                                                       \
  template Status HnswGraph::InsertT<S>(const S&);                                                      \
  template void HnswGraph::SearchT<S>(const S&, S::Query, uint32_t, uint32_t, const LabelFilter&, \
                                      std::vector<Neighbor>*);
MVDB_INSTANTIATE_SPACE(VectorSpace<L2Kernel>)
MVDB_INSTANTIATE_SPACE(VectorSpace<InnerProductKernel>)
MVDB_INSTANTIATE_SPACE(CodeSpace<L2I8Kernel>)
MVDB_INSTANTIATE_SPACE(CodeSpace<InnerProductI8Kernel>)
#undef MVDB_INSTANTIATE_SPACE

}  // namespace mvdb
