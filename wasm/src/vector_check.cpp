#include "minivectordb/vector_check.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace mvdb {

Status CheckVectors(const float* v, uint32_t n, uint32_t dim, Metric metric, const char* noun, bool number_single,
                    VectorProblem* problem) {
  for (uint32_t item = 0; item < n; ++item) {
    const float* x = v + uint64_t{item} * dim;
    VectorProblem p;
    p.item = item;
    double sum = 0.0;
    for (uint32_t i = 0; i < dim && p.fault == VectorFault::kNone; ++i) {
      if (!std::isfinite(x[i])) {
        p.fault = VectorFault::kNonFinite;
        p.component = i;
      }
      sum += static_cast<double>(x[i]) * x[i];
    }
    if (p.fault == VectorFault::kNone && sum > kMaxSquaredNorm) p.fault = VectorFault::kNormTooLarge;
    if (p.fault == VectorFault::kNone && metric == Metric::kCosine && !(sum > 0.0)) p.fault = VectorFault::kZeroNorm;
    if (p.fault == VectorFault::kNone) continue;
    p.squared_norm = sum;
    if (problem != nullptr) *problem = p;
    const std::string name = n == 1 && !number_single ? std::string(noun) : std::string(noun) + " " + std::to_string(item);
    switch (p.fault) {
      case VectorFault::kNonFinite: {
        const float x = v[uint64_t{item} * dim + p.component];
        const char* value = std::isnan(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
        return InvalidArgument(name + " has a non-finite value at index " + std::to_string(p.component) + ": " + value +
                               " (NaN and ±Infinity are rejected)");
      }
      case VectorFault::kNormTooLarge: {
        char text[96];
        std::snprintf(text, sizeof text, " has squared norm %.6g, over the limit %.6g", sum, kMaxSquaredNorm);
        return InvalidArgument(name + text + " (FLT_MAX / 8, so that distances stay finite in float32)");
      }
      default:
        return InvalidArgument(name + " has zero norm; cosine needs a non-zero vector");
    }
  }
  return Status::Ok();
}

}  // namespace mvdb
