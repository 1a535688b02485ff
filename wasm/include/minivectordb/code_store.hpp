// CodeStore: int8 codes of one dimension (see quantizer.hpp), row after row
// in a RowStore (vector_store.hpp), beside the float32 VectorStore. CodeSpace
// is its view through an int8 kernel, the counterpart of VectorSpace that the
// HNSW graph is templated over: the graph walks codes exactly as it walks
// float32 rows.
#pragma once

#include <cstdint>

#include "minivectordb/distance_int8.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

using CodeStore = RowStore<int8_t>;

/// Codes seen through an int8 kernel (L2I8Kernel or InnerProductI8Kernel),
/// in distance units (step2 = the quantizer's step²). Queries are code rows
/// too (quantized once per search): the symmetric integer kernels are the
/// fastest, and the re-ranking with float32 corrects the order.
template <typename Kernel>
struct CodeSpace {
  using Query = const int8_t*;
  const CodeStore* store = nullptr;
  float step2 = 1.f;

  Query QueryOf(uint32_t label) const { return store->Get(label); }
  float ToLabel(Query query, uint32_t label) const { return Kernel::Distance(query, store->Get(label), store->dim(), step2); }
  float Between(uint32_t a, uint32_t b) const { return Kernel::Distance(store->Get(a), store->Get(b), store->dim(), step2); }
  bool TouchPays() const { return store->row_bytes() >= kTouchMinRowBytes; }
  /// Integer kernels never stop early (see VectorSpace::Abandons).
  bool Abandons() const { return false; }
  uint32_t Touch(uint32_t label, bool /*bounded*/ = false) const { return store->Touch(label); }
  float ToLabelBounded(Query query, uint32_t label, float /*bound*/) const { return ToLabel(query, label); }
  float BetweenBounded(uint32_t a, uint32_t b, float /*bound*/) const { return Between(a, b); }
};

/// Calls fn(CodeSpace<K>{...}) with the int8 kernel of `metric`.
template <typename Fn>
decltype(auto) WithCodeSpace(const CodeStore& store, float step2, Metric metric, Fn&& fn) {
  if (metric == Metric::kL2) return fn(CodeSpace<L2I8Kernel>{&store, step2});
  return fn(CodeSpace<InnerProductI8Kernel>{&store, step2});
}

}  // namespace mvdb
