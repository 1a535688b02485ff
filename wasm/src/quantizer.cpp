// ScalarQuantizer; see quantizer.hpp for the parameters and the drift policy.
#include "minivectordb/quantizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mvdb {

void ScalarQuantizer::SetRange(const std::vector<float>& lo, const std::vector<float>& hi) {
  // Ranges in double: max - min of two finite floats may overflow a float.
  double widest = 0.0;
  for (uint32_t i = 0; i < dim_; ++i) {
    if (metric_ == Metric::kL2) {
      offset_[i] = static_cast<float>((static_cast<double>(lo[i]) + hi[i]) / 2);
      widest = std::max(widest, static_cast<double>(hi[i]) - lo[i]);
    } else {
      offset_[i] = 0.f;
      widest = std::max({widest, std::fabs(static_cast<double>(lo[i])), std::fabs(static_cast<double>(hi[i]))});
    }
  }
  const double levels = metric_ == Metric::kL2 ? 254.0 : 127.0;
  const double step = widest / levels;
  // All-equal data (or a single vector): any positive step encodes it exactly.
  // Capped so that step² (the kernels' factor) stays finite; values beyond
  // ±127 steps are then clipped (and counted once frozen).
  step_ = step > 0.0 ? static_cast<float>(std::min(step, kMaxStep)) : 1.f;
  if (!(step_ > 0.f)) step_ = std::numeric_limits<float>::min();  // a subnormal range
}

void ScalarQuantizer::Encode(const float* v, int8_t* code, bool count) {
  const double inv = 1.0 / step_;
  uint64_t clipped = 0;
  for (uint32_t i = 0; i < dim_; ++i) {
    const double q = std::nearbyint((static_cast<double>(v[i]) - offset_[i]) * inv);
    // The fitted extremes map to ±127 up to rounding; only values beyond
    // them (data drift) are clipped.
    if (q > 127.0 || q < -127.0) ++clipped;
    code[i] = static_cast<int8_t>(std::clamp(q, -127.0, 127.0));
  }
  if (count) {
    clipped_ += clipped;
    encoded_ += dim_;
  }
}

void ScalarQuantizer::Decode(const int8_t* code, float* v) const {
  for (uint32_t i = 0; i < dim_; ++i) v[i] = offset_[i] + step_ * static_cast<float>(code[i]);
}

void ScalarQuantizer::Restore(float step, const float* offsets, bool frozen, uint64_t clipped, uint64_t encoded) {
  step_ = step;
  offset_.assign(offsets, offsets + dim_);
  frozen_ = frozen;
  clipped_ = clipped;
  encoded_ = encoded;
}

}  // namespace mvdb
