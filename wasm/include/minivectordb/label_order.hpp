// Label orders with locality for a built graph (Index::Reorder): a
// breadth-first order of the layer-0 links from the entry point, or its
// reverse Cuthill–McKee variant, so that the nodes a walk expands one after
// the other, and the neighbours it measures together, get nearby labels —
// their rows and link blocks nearby addresses.
//
// Source: Coleman, Segarra, Smola, Shrivastava, "Graph Reordering for
// Cache-Efficient Near Neighbor Search", NeurIPS 2022 (arXiv:2104.03221):
// BFS, reverse Cuthill–McKee and Gorder relabellings of HNSW graphs, up to
// ~40 % faster search. Measured here in bench/README.md ("Graph reordering").
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/hnsw.hpp"
#include "minivectordb/permutation.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

enum class LabelOrder : uint32_t {
  /// Breadth-first over the layer-0 links from the entry point, each node's
  /// unvisited neighbours in their list order.
  kBfs = 0,
  /// Cuthill–McKee (breadth-first from the entry point, each node's
  /// unvisited neighbours by ascending out-degree), reversed.
  kReverseCuthillMcKee = 1,
};

/// Writes the order `kind` of the g.size() labels as a relabelling:
/// remap[old] = new label. Nodes the walk cannot reach from the entry point
/// (in-degree 0) start a new walk, lowest label first, so every label gets
/// one. Depends only on the links (deterministic: a replayed log computes
/// the same). `remap` must hold g.size() entries; `bits` g.size() bits
/// (scratch). O(labels + links) time, no other memory.
void ComputeLabelOrder(const HnswGraph& g, LabelOrder kind, uint32_t* remap, LabelBits* bits);

}  // namespace mvdb
