// Distance computers: what the HNSW graph measures through. A computer is
// bound to one query and to the rows of an index seen through one distance
// kernel, as faiss's DistanceComputer (faiss/impl/DistanceComputer.h:
// set_query, operator()(id), symmetric_dis(i, j)); the graph (hnsw.hpp) sees
// only labels and this concept, so it knows neither the row type nor the
// metric, and the rules of when to touch rows and when a measurement may stop
// early live here, in one place.
//
// The DistanceComputer concept (a template parameter of HnswGraph, so the
// kernels inline into the walk). Lower distance is closer.
//   void SetQueryLabel(uint32_t label)
//       Binds the query to the stored row of `label` (inserting or re-linking
//       it). Callers with an external query use the implementation's
//       SetQuery(Query) instead (the graph never sees a query's type).
//   float operator()(uint32_t label) const
//       Exact distance from the query to stored `label`.
//   void Measure(Neighbor* batch, uint32_t n, float bound) const
//       Sets batch[i].distance from the query to batch[i].label, i < n.
//       `bound`: the caller drops any distance above it, so the computer may
//       stop measuring there and write some value in (bound, exact]; values
//       <= bound are exact, bit for bit. Infinity: all exact.
//   void MeasureFrom(uint32_t base, Neighbor* batch, uint32_t n) const
//       As Measure, exact, from stored `base` instead of the query (an
//       overflowing neighbour list being re-selected).
//   float Symmetric(uint32_t i, uint32_t j, float bound = infinity) const
//       Distance between two stored labels; above a finite `bound` it may
//       stop early, as Measure.
//   void Prefetch(const Neighbor* batch, uint32_t n) const
//       Starts loading the rows of batch[i].label, i < n, for a Measure a
//       little later (an interleaved walk: HnswGraph::SearchBatchT).
// Before a batch is measured its rows are read one byte per cache line
// (RowStore::Touch) when rows are large (kTouchMinRowBytes), else their
// first cache line only (kPrefetchBytes), so that their cache misses
// overlap: WebAssembly has no prefetch instruction. A bound
// makes the computer stop early only for kernels whose partial sums grow
// (Kernel::kAbandons: squared L2) and rows large enough to touch (below that
// the bound checks cost more than they save); then only the first
// kAbandonTouchBytes of each row are touched, the part a bounded
// measurement usually reads. The speed-ups behind these thresholds, and the
// commands that measure them, are in bench/README.md ("Measuring rules").
//
// Implementations: RowDistanceComputer over float32 rows (VectorStore with
// L2Kernel or InnerProductKernel; WithSpace below) and over int8 codes
// (CodeStore with a step-scaled int8 kernel; code_store.hpp, WithCodeSpace).
#pragma once

#include <cstdint>
#include <limits>

#include "minivectordb/distance.hpp"
#include "minivectordb/neighbor.hpp"
#include "minivectordb/vector_store.hpp"

namespace mvdb {

// Distances computed, counted only in the graph-quality driver's build
// (bench/native/graph-quality.cpp, -DMVDB_COUNT_DISTANCES=1); compiled out
// otherwise.
#if defined(MVDB_COUNT_DISTANCES) && MVDB_COUNT_DISTANCES
inline uint64_t distance_count = 0;
#define MVDB_COUNTED(n) (::mvdb::distance_count += (n))
#else
#define MVDB_COUNTED(n) ((void)0)
#endif

/// Rows of at least this many bytes are touched before they are measured
/// (MNIST's 784-dim rows are; SIFT's 128-dim float32 rows are not: small rows
/// of a small index mostly sit in cache already, where the loads only cost).
constexpr uint64_t kTouchMinRowBytes = 768;

/// Bytes of a row touched before a bounded measurement: 16 cache lines, the
/// first four bound checks of L2SqBounded (touching whole rows would read
/// what the early stop saves).
constexpr uint64_t kAbandonTouchBytes = 1024;

/// Bytes of a row Prefetch reads, and Measure / MeasureFrom for rows below
/// kTouchMinRowBytes: its first cache line, the load the profile found a
/// walk waiting on (bench/README.md, "Profile"; whole rows were slower for
/// GloVe's 400-byte rows: "Speed with the same results").
constexpr uint64_t kPrefetchBytes = 64;

/// A DistanceComputer (see above) over the rows of a RowStore<T> through
/// `Kernel`: an object with Distance(a, b, d) and Bounded(a, b, d, bound)
/// over T rows and a static constexpr bool kAbandons (whether Bounded may stop
/// early). Cheap to copy: a pointer to the rows, the query, the kernel.
template <typename T, typename Kernel>
class RowDistanceComputer {
 public:
  using Query = const T*;
  static constexpr float kNoBound = std::numeric_limits<float>::infinity();

  explicit RowDistanceComputer(const RowStore<T>& rows, Kernel kernel = Kernel{})
      : rows_(&rows),
        kernel_(kernel),
        dim_(rows.dim()),
        touch_(rows.row_bytes() >= kTouchMinRowBytes),
        abandons_(Kernel::kAbandons && touch_) {}

  /// Binds an external query: dim() values in the rows' layout (dimension
  /// order, normalisation, quantization applied by the caller), alive while
  /// this computer measures.
  void SetQuery(Query query) { query_ = query; }
  void SetQueryLabel(uint32_t label) { query_ = rows_->Get(label); }

  float operator()(uint32_t label) const {
    MVDB_COUNTED(1);
    return kernel_.Distance(query_, rows_->Get(label), dim_);
  }

  void Measure(Neighbor* batch, uint32_t n, float bound) const {
    if (abandons_ && bound < kNoBound) {
      MVDB_COUNTED(n);  // the other path counts in operator()
      Touch(batch, n, kAbandonTouchBytes);
      for (uint32_t i = 0; i < n; ++i) batch[i].distance = kernel_.Bounded(query_, rows_->Get(batch[i].label), dim_, bound);
      return;
    }
    Touch(batch, n, touch_ ? ~uint64_t{0} : kPrefetchBytes);
    for (uint32_t i = 0; i < n; ++i) batch[i].distance = (*this)(batch[i].label);
  }

  void MeasureFrom(uint32_t base, Neighbor* batch, uint32_t n) const {
    MVDB_COUNTED(n);
    Touch(batch, n, touch_ ? ~uint64_t{0} : kPrefetchBytes);
    const T* row = rows_->Get(base);
    for (uint32_t i = 0; i < n; ++i) batch[i].distance = kernel_.Distance(row, rows_->Get(batch[i].label), dim_);
  }

  float Symmetric(uint32_t i, uint32_t j, float bound = kNoBound) const {
    MVDB_COUNTED(1);
    if (abandons_ && bound < kNoBound) return kernel_.Bounded(rows_->Get(i), rows_->Get(j), dim_, bound);
    return kernel_.Distance(rows_->Get(i), rows_->Get(j), dim_);
  }

  void Prefetch(const Neighbor* batch, uint32_t n) const { Touch(batch, n, kPrefetchBytes); }

  /// Whether a bound makes Measure / Symmetric stop early (Index stores its
  /// rows in a learned dimension order exactly then: dim_order.hpp).
  bool Abandons() const { return abandons_; }

 private:
  // Reads the first `bytes` of the rows of batch[0..n) (see the file comment).
  void Touch(const Neighbor* batch, uint32_t n, uint64_t bytes) const {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; ++i) sum += rows_->Touch(batch[i].label, bytes);
    rows_->KeepTouched(sum);
  }

  const RowStore<T>* rows_;
  Kernel kernel_;
  uint32_t dim_;
  bool touch_;
  bool abandons_;
  Query query_ = nullptr;
};

template <typename Kernel>
using VectorDistance = RowDistanceComputer<float, Kernel>;

/// Calls fn(dc) with the float32 distance computer of `metric` over `store`
/// (query unbound): the one place where the runtime metric becomes a
/// compile-time kernel.
template <typename Fn>
decltype(auto) WithSpace(const VectorStore& store, Metric metric, Fn&& fn) {
  if (metric == Metric::kL2) {
    VectorDistance<L2Kernel> dc(store);
    return fn(dc);
  }
  VectorDistance<InnerProductKernel> dc(store);
  return fn(dc);
}

}  // namespace mvdb
