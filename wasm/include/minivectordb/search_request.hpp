// The one search contract of the core: a request (queries, k, ef, exact,
// filter) and the caller's result buffers, as usearch's C API `usearch_search`
// fills `found_keys` / `found_distances`. Index::Search is the only entry
// point; Embind passes both straight through (bindings/embind.cpp), with the
// size of the linear memory so the core checks every buffer lies inside it.
#pragma once

#include <cstdint>

#include "minivectordb/vector_check.hpp"

namespace mvdb {

/// Which plan answered a query (SearchResults::plans), so tests can tell.
enum class SearchPlan : uint8_t { kGraph = 0, kFlat = 1, kGraphThenFlat = 2 };

/// A batch of nq queries against one Index.
struct SearchRequest {
  /// nq · dim float32, row-major, in the caller's dimension order. Each must
  /// pass CheckVectors (finite, squared norm ≤ kMaxSquaredNorm, non-zero for
  /// cosine).
  const float* queries = nullptr;
  /// Number of queries; 0 is a no-op.
  uint32_t nq = 0;
  /// Results wanted per query, >= 1. Clamped by Index::Search to the number
  /// of labels that can match (live labels, or allowed_count with a filter);
  /// the clamped value must be at most kMaxK.
  uint32_t k = 10;
  /// HNSW candidate list size; 0 = the index's ef_search. At most kMaxEf,
  /// then raised to the clamped k. Ignored with `exact`.
  uint32_t ef = 0;
  /// true: exact flat scan over every admitted label (no graph).
  bool exact = false;
  /// Bitset over labels (bit i of word i / 32; ceil(size / 32) uint32 words),
  /// or null for every live label. Tombstones are never returned either way.
  const uint32_t* allowed = nullptr;
  /// Number of live labels set in `allowed` (ignored when null). Only used to
  /// clamp k and choose the plan: a wrong count never admits a label the
  /// bitset excludes.
  uint32_t allowed_count = 0;
  /// Every buffer of the request and of its SearchResults must lie in
  /// [1, memory_bytes) (CheckRegion, sizes in 64 bits), checked before any
  /// is read. WebAssembly: the size of the linear memory, so an address and
  /// counts from JavaScript can never reach past it. Native callers keep the
  /// default (only a null or wrapping buffer is refused).
  uint64_t memory_bytes = UINT64_MAX;
};

/// Caller-owned result buffers of a SearchRequest.
struct SearchResults {
  /// Slots per query in `labels` / `distances`: query i writes at i · stride.
  /// Must be at least the clamped k (min(k, matching labels)).
  uint32_t stride = 0;
  /// nq · stride uint32: the labels of query i, nearest first.
  uint32_t* labels = nullptr;
  /// nq · stride float32: their distances (lower is closer; see Metric).
  float* distances = nullptr;
  /// nq uint32: the number of results of query i, min(k, matching labels).
  uint32_t* counts = nullptr;
  /// Optional (null): nq entries, the plan each query ran.
  SearchPlan* plans = nullptr;
  /// Optional (null): when a query fails CheckVectors, which one (its index
  /// in the batch) and why, so a caller can name it as its own caller does.
  VectorProblem* problem = nullptr;
};

}  // namespace mvdb
