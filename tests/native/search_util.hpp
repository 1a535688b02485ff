// One query through Index::Search (the core's one search entry point) into a
// GrowableArray<Neighbor>, so tests read results as before the search
// contract existed. The exact variant counts the live labels of `allowed`
// itself (the count only clamps k), independently of the index's planner.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "minivectordb/index.hpp"

namespace mvdb_test {

/// Index::Search of one query; result buffers sized min(k, index.size()).
inline mvdb::Status SearchOne(mvdb::Index& index, const float* query, uint32_t k, uint32_t ef,
                              const uint32_t* allowed, uint32_t allowed_count,
                              mvdb::GrowableArray<mvdb::Neighbor>* out, mvdb::SearchPlan* plan = nullptr,
                              bool exact = false) {
  const uint32_t stride = std::max<uint32_t>(1, std::min(k, index.size()));
  std::vector<uint32_t> labels(stride);
  std::vector<float> distances(stride);
  uint32_t count = 0;
  mvdb::SearchPlan p = mvdb::SearchPlan::kFlat;
  mvdb::SearchRequest request;
  request.queries = query;
  request.nq = 1;
  request.k = k;
  request.ef = ef;
  request.exact = exact;
  request.allowed = allowed;
  request.allowed_count = allowed_count;
  out->Clear();
  const mvdb::Status st = index.Search(request, {stride, labels.data(), distances.data(), &count, &p});
  if (!st.ok()) return st;
  if (plan != nullptr) *plan = p;
  if (!out->Resize(count).ok()) return mvdb::OutOfMemory("test results");
  for (uint32_t i = 0; i < count; ++i) (*out)[i] = mvdb::Neighbor{distances[i], labels[i]};
  return st;
}

/// Live labels set in `allowed` (every live label when null).
inline uint32_t LiveAllowed(const mvdb::Index& index, const uint32_t* allowed) {
  uint32_t n = 0;
  for (uint32_t label = 0; label < index.size(); ++label)
    n += !index.IsDeleted(label) && (allowed == nullptr || ((allowed[label >> 5] >> (label & 31)) & 1u) != 0);
  return n;
}

/// Exact (flat) search of one query over the labels `allowed` admits.
inline mvdb::Status SearchExactOne(mvdb::Index& index, const float* query, uint32_t k, const uint32_t* allowed,
                                   mvdb::GrowableArray<mvdb::Neighbor>* out) {
  return SearchOne(index, query, k, 0, allowed, LiveAllowed(index, allowed), out, nullptr, true);
}

}  // namespace mvdb_test
