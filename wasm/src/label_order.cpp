// Label orders of a graph's layer 0 (label_order.hpp).
#include "minivectordb/label_order.hpp"

#include <algorithm>

namespace mvdb {

namespace {

uint32_t OutDegree(const HnswGraph& g, uint32_t label) {
  uint32_t n = 0;
  (void)g.Links(label, 0, &n);
  return n;
}

}  // namespace

void ComputeLabelOrder(const HnswGraph& g, LabelOrder kind, uint32_t* remap, LabelBits* bits) {
  const uint32_t n = g.size();
  if (n == 0) return;
  // First remap holds the order itself (order[new] = old): it is the walk's
  // queue, so the walk needs no memory of its own; inverted at the end.
  uint32_t* order = remap;
  bits->ClearAll();
  uint32_t head = 0, tail = 0, next_root = 0;
  uint32_t root = g.entry_point() < n ? g.entry_point() : 0;
  while (tail < n) {
    if (head == tail) {  // a new walk: the entry point, then the lowest label not reached
      while (bits->Test(root)) root = next_root++;
      bits->Set(root);
      order[tail++] = root;
    }
    const uint32_t at = order[head++];
    uint32_t count = 0;
    const uint32_t* links = g.Links(at, 0, &count);
    const uint32_t first = tail;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t nb = links[i];
      if (nb < n && !bits->TestAndSet(nb)) order[tail++] = nb;
    }
    if (kind == LabelOrder::kReverseCuthillMcKee) {
      // Ascending out-degree, ties in list order: an insertion sort of at
      // most M0 labels (stable, allocates nothing).
      for (uint32_t i = first + 1; i < tail; ++i) {
        const uint32_t label = order[i], degree = OutDegree(g, label);
        uint32_t j = i;
        for (; j > first && OutDegree(g, order[j - 1]) > degree; --j) order[j] = order[j - 1];
        order[j] = label;
      }
    }
  }
  if (kind == LabelOrder::kReverseCuthillMcKee) std::reverse(order, order + n);
  InvertInPlace(order, n, bits);
}

}  // namespace mvdb
