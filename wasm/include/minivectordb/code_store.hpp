// CodeStore: int8 codes of one dimension (see quantizer.hpp), row after row
// in one contiguous buffer (label i at data + i * dim), beside the float32
// VectorStore. CodeSpace is its view through an int8 kernel, the counterpart
// of VectorSpace that the HNSW graph is templated over: the graph walks codes
// exactly as it walks float32 rows.
#pragma once

#include <cstdint>
#include <cstring>

#include "minivectordb/buffer.hpp"
#include "minivectordb/distance_int8.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

class CodeStore {
 public:
  CodeStore() = default;
  explicit CodeStore(uint32_t dim) : dim_(dim) {}

  uint32_t dim() const { return dim_; }
  uint32_t size() const { return size_; }
  /// Makes room for `n` rows in total. kOutOfMemory leaves the store unchanged.
  Status Reserve(uint32_t n) { return data_.Reserve(uint64_t{n} * dim_); }
  /// Appends dim codes; room must have been reserved. Returns the label.
  uint32_t AppendUnchecked(const int8_t* code) {
    std::memcpy(data_.data() + uint64_t{size_} * dim_, code, dim_);
    return size_++;
  }
  void PopBack() { --size_; }
  const int8_t* Get(uint32_t label) const { return data_.data() + uint64_t{label} * dim_; }
  int8_t* GetMutable(uint32_t label) { return data_.data() + uint64_t{label} * dim_; }
  uint64_t MemoryBytes() const { return data_.capacity_bytes(); }

 private:
  uint32_t dim_ = 0;
  uint32_t size_ = 0;
  GrowableArray<int8_t> data_;
};

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
};

/// Calls fn(CodeSpace<K>{...}) with the int8 kernel of `metric`.
template <typename Fn>
decltype(auto) WithCodeSpace(const CodeStore& store, float step2, Metric metric, Fn&& fn) {
  if (metric == Metric::kL2) return fn(CodeSpace<L2I8Kernel>{&store, step2});
  return fn(CodeSpace<InnerProductI8Kernel>{&store, step2});
}

}  // namespace mvdb
