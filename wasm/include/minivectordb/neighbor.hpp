// Neighbor: a (distance, label) pair, what the graph walk and the distance
// computers exchange (distance_computer.hpp fills them, hnsw.hpp orders them).
#pragma once

#include <cstdint>

namespace mvdb {

/// A (distance, label) pair. Ordered by distance, then label, so that heaps
/// and sorts behave the same on every standard library.
struct Neighbor {
  float distance;
  uint32_t label;
};
inline bool operator<(const Neighbor& a, const Neighbor& b) {
  return a.distance < b.distance || (a.distance == b.distance && a.label < b.label);
}

}  // namespace mvdb
