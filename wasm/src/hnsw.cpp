// HNSW graph: storage of the links (layer 0 in blocks of rows, upper layers
// in one pool), reservation, restore and the in-place rebuild of a
// compaction; see hnsw.hpp for the algorithm sources.
#include "minivectordb/hnsw.hpp"

#include <cmath>
#include <string>

namespace mvdb {

HnswGraph::HnswGraph(uint32_t M, uint32_t ef_construction, uint64_t seed)
    : M_(M), M0_(2 * M), ef_construction_(ef_construction), mL_(1.0 / std::log(static_cast<double>(M))), rng_(seed),
      links0_(1 + uint64_t{M0_}) {}

Status HnswGraph::Reserve(uint32_t n) {
  MVDB_RETURN_IF_ERROR(links0_.Reserve(n));
  MVDB_RETURN_IF_ERROR(levels_.Reserve(n));
  MVDB_RETURN_IF_ERROR(upper_at_.Reserve(n));
  return ReserveScratch(n);
}

Status HnswGraph::ReserveScratch(uint32_t n) {
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

Status HnswGraph::ReserveBatch(uint32_t ef, uint32_t nq) {
  MVDB_RETURN_IF_ERROR(walk_batch_.Resize(uint64_t{kBatchWalks} * M0_));
  for (uint32_t i = 0; i < nq && i < kBatchWalks; ++i) {
    MVDB_RETURN_IF_ERROR(walk_visited_[i].Reserve(size_));
    MVDB_RETURN_IF_ERROR(walk_pool_[i].Reserve(uint64_t{ef} + 1));
    MVDB_RETURN_IF_ERROR(walk_expanded_[i].Reserve(uint64_t{ef} + 1));
  }
  return Status::Ok();
}

uint32_t HnswGraph::DrawLevel() {
  const double level = std::floor(-std::log(rng_.NextUnitOpenClosed()) * mL_);
  return level >= kMaxLevel ? kMaxLevel : static_cast<uint32_t>(level);
}

uint32_t* HnswGraph::MutableLinkBlock(uint32_t label, uint32_t layer) { return LinkBlock(label, layer); }

uint64_t HnswGraph::MemoryBytes() const {
  return links0_.MemoryBytes() + levels_.capacity_bytes() + upper_at_.capacity_bytes() + upper_.capacity_bytes() +
         visited_.MemoryBytes() + expanded_.capacity_bytes() + WalkScratchBytes() +
         (candidates_.capacity() + results_.capacity() + selected_.capacity() + prune_.capacity() + kept_.capacity()) *
             sizeof(Neighbor);
}

uint64_t HnswGraph::WalkScratchBytes() const {
  uint64_t bytes = walk_batch_.capacity_bytes();
  for (uint32_t i = 0; i < kBatchWalks; ++i)
    bytes += walk_visited_[i].MemoryBytes() + walk_pool_[i].capacity_bytes() + walk_expanded_[i].capacity_bytes();
  return bytes;
}

Status HnswGraph::AppendNodeForRestore(uint32_t level) {
  MVDB_RETURN_IF_ERROR(Reserve(size_ + 1));  // after this, only the upper-layer pool can fail to grow
  const uint64_t at = upper_.size();
  // Zero-filled: every upper layer starts with no links. Fails with the
  // graph unchanged (GrowableArray keeps its contents on a failed growth).
  if (level > 0) MVDB_RETURN_IF_ERROR(upper_.Resize(at + uint64_t{level} * (1 + M_)));
  // Reserved: cannot fail. Adopted lists (AdoptLayer0ForRestore) are already there.
  if (uint64_t{size_} + 1 > links0_.rows()) MVDB_RETURN_IF_ERROR(links0_.Resize(uint64_t{size_} + 1));
  levels_.PushBackUnchecked(static_cast<uint8_t>(level));
  upper_at_.PushBackUnchecked(static_cast<uint32_t>(at));
  ++size_;
  return Status::Ok();
}

Status HnswGraph::AdoptLayer0ForRestore(GrowableArray<uint32_t>&& links, uint32_t count) {
  if (size_ != 0) return InvalidArgument("layer-0 links can be adopted by an empty graph only");
  return links0_.Adopt(std::move(links), count);
}

Status HnswGraph::ReserveRebuild(uint32_t n, uint64_t seed) {
  HnswGraph probe(M_, ef_construction_, seed);  // allocates nothing: only its generator is used
  uint64_t words = 0;
  for (uint32_t i = 0; i < n; ++i) words += uint64_t{probe.DrawLevel()} * (1 + M_);
  return upper_.Reserve(words);
}

void HnswGraph::ResetForRebuild(uint64_t seed) {
  rng_ = SplitMix64(seed);
  size_ = 0;
  entry_point_ = kNoLabel;
  max_level_ = -1;
  links0_.Truncate(0);
  levels_.Clear();
  upper_.Clear();
  upper_at_.Clear();
}

}  // namespace mvdb
