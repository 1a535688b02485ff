// CodeStore: int8 codes of one dimension (see quantizer.hpp), row after row
// in a RowStore (vector_store.hpp), beside the float32 VectorStore. Its
// distance computer is a RowDistanceComputer (distance_computer.hpp) through
// a step-scaled int8 kernel: the graph walks codes exactly as it walks
// float32 rows.
#pragma once

#include <cstdint>

#include "minivectordb/distance_computer.hpp"
#include "minivectordb/distance_int8.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

using CodeStore = RowStore<int8_t>;

/// An int8 kernel (L2I8Kernel or InnerProductI8Kernel) in distance units
/// (step2 = the quantizer's step²), as RowDistanceComputer wants it. Integer
/// kernels never stop early (kAbandons false): Bounded is exact.
template <typename I8Kernel>
struct ScaledI8Kernel {
  static constexpr bool kAbandons = false;
  float step2 = 1.f;
  float Distance(const int8_t* a, const int8_t* b, uint32_t d) const { return I8Kernel::Distance(a, b, d, step2); }
  float Bounded(const int8_t* a, const int8_t* b, uint32_t d, float /*bound*/) const { return Distance(a, b, d); }
};

/// Distance computer over int8 codes. Queries are code rows too (quantized
/// once per search): the symmetric integer kernels are the fastest, and the
/// re-ranking with float32 corrects the order.
template <typename I8Kernel>
using CodeDistance = RowDistanceComputer<int8_t, ScaledI8Kernel<I8Kernel>>;

/// Calls fn(dc) with the int8 distance computer of `metric` over `store`
/// (query unbound).
template <typename Fn>
decltype(auto) WithCodeSpace(const CodeStore& store, float step2, Metric metric, Fn&& fn) {
  if (metric == Metric::kL2) {
    CodeDistance<L2I8Kernel> dc(store, ScaledI8Kernel<L2I8Kernel>{step2});
    return fn(dc);
  }
  CodeDistance<InnerProductI8Kernel> dc(store, ScaledI8Kernel<InnerProductI8Kernel>{step2});
  return fn(dc);
}

}  // namespace mvdb
