#include "minivectordb/dim_order.hpp"

#include <algorithm>

namespace mvdb {

Status DimensionOrder::LearnFromSums(uint32_t dim, uint32_t n, GrowableArray<double>* stats) {
  GrowableArray<uint32_t> perm;
  MVDB_RETURN_IF_ERROR(perm.Resize(dim));
  double* s = stats->data();
  for (uint32_t j = 0; j < dim; ++j) {
    const double mean = s[j] / n;
    s[j] = s[dim + j] / n - mean * mean;  // variance
    perm[j] = j;
  }
  std::stable_sort(perm.begin(), perm.end(), [s](uint32_t a, uint32_t b) { return s[a] > s[b]; });
  perm_ = std::move(perm);
  return Status::Ok();
}

void DimensionOrder::Arrange(const float* in, float* out) const {
  const uint32_t* p = perm_.data();
  for (uint64_t j = 0; j < perm_.size(); ++j) out[j] = in[p[j]];
}

void DimensionOrder::Restore(const float* in, float* out) const {
  const uint32_t* p = perm_.data();
  for (uint64_t j = 0; j < perm_.size(); ++j) out[p[j]] = in[j];
}

Status DimensionOrder::CopyFrom(const DimensionOrder& other) {
  GrowableArray<uint32_t> perm;
  MVDB_RETURN_IF_ERROR(perm.Resize(other.perm_.size()));
  std::copy(other.perm_.begin(), other.perm_.end(), perm.begin());
  perm_ = std::move(perm);
  return Status::Ok();
}

}  // namespace mvdb
