// HnswGraph::Relabel: the graph's nodes renamed in place by a permutation
// (Index::Relabel, Index::Reorder).
#include <algorithm>
#include <utility>

#include "minivectordb/hnsw.hpp"

namespace mvdb {

Status HnswGraph::Relabel(const uint32_t* remap, LabelBits* bits) {
  GrowableArray<uint32_t> temp;  // one layer-0 block: the only allocation, first
  MVDB_RETURN_IF_ERROR(temp.Resize(1 + uint64_t{M0_}));
  const uint32_t n = size_;
  // Every link renamed where it is (upper blocks stay in the pool: only
  // upper_at_, which finds them, moves with the node below).
  auto rename = [&](uint32_t* block) {
    for (uint32_t i = 1; i <= block[0]; ++i) block[i] = remap[block[i]];
  };
  for (uint32_t label = 0; label < n; ++label) {
    rename(links0_.Row(label));
    for (uint32_t layer = 1; layer <= levels_[label]; ++layer) rename(LinkBlock(label, layer));
  }
  uint8_t level = 0;
  uint32_t upper_at = 0;
  const uint64_t width = 1 + uint64_t{M0_};
  PermuteInPlace(remap, n, bits, [&](uint32_t i) {
    uint32_t* row = links0_.Row(i);
    std::swap_ranges(row, row + width, temp.data());
    std::swap(levels_[i], level);
    std::swap(upper_at_[i], upper_at);
  });
  if (entry_point_ < n) entry_point_ = remap[entry_point_];
  return Status::Ok();
}

}  // namespace mvdb
