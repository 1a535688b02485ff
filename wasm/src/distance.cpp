#include "minivectordb/distance.hpp"

#include <cmath>

namespace mvdb {

bool NormalizeInPlace(float* v, uint32_t d) {
  double sum = 0.0;  // double: a float sum of squares loses digits at d = 768+
  for (uint32_t i = 0; i < d; ++i) sum += static_cast<double>(v[i]) * v[i];
  if (!(sum > 0.0) || !std::isfinite(sum)) return false;
  // Scale in double: for a norm below 1/FLT_MAX (subnormal input) 1/norm does
  // not fit in a float, and a float factor would turn v into Inf/NaN.
  const double inv = 1.0 / std::sqrt(sum);
  for (uint32_t i = 0; i < d; ++i) v[i] = static_cast<float>(v[i] * inv);
  return true;
}

}  // namespace mvdb
