// Index::Reorder and Index::Relabel: every per-label structure renamed in
// place by a permutation (label orders in label_order.hpp).
#include <algorithm>
#include <utility>

#include "minivectordb/index.hpp"
#include "minivectordb/label_order.hpp"
#include "minivectordb/permutation.hpp"

namespace mvdb {

Status Index::Reorder(GrowableArray<uint32_t>* remap) {
  const uint32_t n = size();
  LabelBits bits;
  MVDB_RETURN_IF_ERROR(bits.Reset(n));
  MVDB_RETURN_IF_ERROR(remap->Resize(n));
  ComputeLabelOrder(graph_, LabelOrder::kBfs, remap->data(), &bits);
  return ApplyRelabel(remap->data(), &bits);
}

Status Index::Relabel(const uint32_t* remap) {
  LabelBits bits;
  MVDB_RETURN_IF_ERROR(bits.Reset(size()));
  if (!IsPermutation(remap, size(), &bits)) return InvalidArgument("relabel: the map is not a permutation of the labels");
  return ApplyRelabel(remap, &bits);
}

Status Index::ApplyRelabel(const uint32_t* remap, LabelBits* bits) {
  const uint32_t n = size();
  // The graph first: its temporary block is the last thing that can fail.
  MVDB_RETURN_IF_ERROR(graph_.Relabel(remap, bits));
  const uint32_t dim = config_.dim;
  if (has_floats_) {  // row_: dim floats of scratch (Init, FinishRestore)
    PermuteInPlace(remap, n, bits, [&](uint32_t i) {
      float* row = store_.GetMutable(i);
      std::swap_ranges(row, row + dim, row_.data());
    });
  }
  if (quantized()) {  // qcode_: dim int8 of scratch when quantized
    PermuteInPlace(remap, n, bits, [&](uint32_t i) {
      int8_t* code = codes_.GetMutable(i);
      std::swap_ranges(code, code + dim, qcode_.data());
    });
  }
  tombstones_.Relabel(remap, bits);
  fresh_.Remap(remap, n);
  return Status::Ok();
}

}  // namespace mvdb
