#include "minivectordb/distance.hpp"

#include <cmath>

namespace mvdb {

bool NormalizeInPlace(float* v, uint32_t d) {
  double sum = 0.0;  // double: a float sum of squares loses digits at d = 768+
  for (uint32_t i = 0; i < d; ++i) sum += static_cast<double>(v[i]) * v[i];
  if (!(sum > 0.0) || !std::isfinite(sum)) return false;
  const float inv = static_cast<float>(1.0 / std::sqrt(sum));
  for (uint32_t i = 0; i < d; ++i) v[i] *= inv;
  return true;
}

}  // namespace mvdb
