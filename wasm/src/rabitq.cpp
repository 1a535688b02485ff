// RaBitQ codes: rotation, encoding, query preparation, estimator and the
// bit-plane kernels (see rabitq.hpp for the method and its sources).
#include "minivectordb/rabitq.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "minivectordb/random.hpp"

namespace mvdb {

uint32_t RabitqPaddedDim(uint32_t dim) {
  uint32_t d = kRabitqMinPadded;
  while (d < dim) d *= 2;  // dim <= kMaxDim = 2^16: no overflow
  return d;
}

namespace {

// In-place normalised fast Walsh–Hadamard transform of x[0..n), n a power of
// two: x ← H x with H orthogonal (entries ±1/√n).
void Fwht(float* x, uint32_t n) {
  for (uint32_t h = 1; h < n; h *= 2) {
    for (uint32_t i = 0; i < n; i += 2 * h) {
      for (uint32_t j = i; j < i + h; ++j) {
        const float a = x[j], b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
  const float scale = 1.f / std::sqrt(static_cast<float>(n));
  for (uint32_t i = 0; i < n; ++i) x[i] *= scale;
}

}  // namespace

RabitqRotation::RabitqRotation(uint32_t dim, uint64_t seed) : dim_(dim), padded_(RabitqPaddedDim(dim)) {
  SplitMix64 rng(seed);
  signs_.resize(uint64_t{kRounds} * padded_);
  uint64_t word = 0;
  for (uint64_t i = 0; i < signs_.size(); ++i) {
    if (i % 64 == 0) word = rng.Next();
    signs_[i] = ((word >> (i % 64)) & 1u) != 0 ? -1.f : 1.f;
  }
}

void RabitqRotation::Apply(const float* v, float* out) const {
  std::copy(v, v + dim_, out);
  std::fill(out + dim_, out + padded_, 0.f);
  for (uint32_t round = 0; round < kRounds; ++round) {
    const float* s = signs_.data() + uint64_t{round} * padded_;
    for (uint32_t i = 0; i < padded_; ++i) out[i] *= s[i];
    Fwht(out, padded_);
  }
}

namespace scalar {

uint32_t RabitqDotPlanes(const uint8_t* code, uint32_t bits, const uint8_t* query, uint32_t bytes) {
  uint32_t total = 0;
  for (uint32_t b = 0; b < bits; ++b) {
    for (uint32_t j = 0; j < kRabitqQueryBits; ++j) {
      const uint8_t* c = code + uint64_t{b} * bytes;
      const uint8_t* q = query + uint64_t{j} * bytes;
      uint32_t count = 0;
      for (uint32_t i = 0; i < bytes; i += 8) {
        uint64_t x = 0, y = 0;
        std::memcpy(&x, c + i, 8);
        std::memcpy(&y, q + i, 8);
        count += static_cast<uint32_t>(__builtin_popcountll(x & y));
      }
      total += count << (b + j);
    }
  }
  return total;
}

}  // namespace scalar

#if MVDB_HAVE_SIMD128
namespace simd128 {

uint32_t RabitqDotPlanes(const uint8_t* code, uint32_t bits, const uint8_t* query, uint32_t bytes) {
  // Per 16-byte block: for each query plane j, t = Σ_b popcnt(c_b & q_j) << b
  // per byte (≤ 8 · 15 = 120, fits a u8), widened to u16 pairs and shifted by
  // j (Σ_j 240 · 2^j ≤ 61,200 fits a u16), then to u32 lanes.
  v128_t acc = wasm_i32x4_splat(0);
  v128_t c[kRabitqMaxBits];
  for (uint32_t off = 0; off < bytes; off += 16) {
    for (uint32_t b = 0; b < bits; ++b) c[b] = wasm_v128_load(code + uint64_t{b} * bytes + off);
    v128_t w = wasm_i16x8_splat(0);
    for (uint32_t j = 0; j < kRabitqQueryBits; ++j) {
      const v128_t q = wasm_v128_load(query + uint64_t{j} * bytes + off);
      v128_t t = wasm_i8x16_popcnt(wasm_v128_and(c[0], q));
      for (uint32_t b = 1; b < bits; ++b) t = wasm_i8x16_add(t, wasm_i8x16_shl(wasm_i8x16_popcnt(wasm_v128_and(c[b], q)), b));
      w = wasm_i16x8_add(w, wasm_i16x8_shl(wasm_u16x8_extadd_pairwise_u8x16(t), j));
    }
    acc = wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(w));
  }
  return static_cast<uint32_t>(wasm_i32x4_extract_lane(acc, 0)) + static_cast<uint32_t>(wasm_i32x4_extract_lane(acc, 1)) +
         static_cast<uint32_t>(wasm_i32x4_extract_lane(acc, 2)) + static_cast<uint32_t>(wasm_i32x4_extract_lane(acc, 3));
}

}  // namespace simd128
#endif

Status RabitqCodes::Init(uint32_t dim, uint32_t bits, Metric metric, uint64_t seed) {
  if (dim == 0) return InvalidArgument("RaBitQ: dim must be at least 1");
  if (bits < 1 || bits > kRabitqMaxBits)
    return InvalidArgument("RaBitQ: bits must be 1 .. " + std::to_string(kRabitqMaxBits) + ", got " + std::to_string(bits));
  rotation_ = RabitqRotation(dim, seed);
  bits_ = bits;
  metric_ = metric;
  centroid_.assign(dim, 0.f);
  rows_ = RowStore<uint8_t>(row_bytes());
  scratch_.assign(2 * uint64_t{padded_dim()}, 0.f);
  row_scratch_.assign(row_bytes(), uint8_t{0});
  return Status::Ok();
}

void RabitqCodes::SetCentroid(const float* centroid) { std::copy(centroid, centroid + dim(), centroid_.begin()); }

void RabitqCodes::AppendUnchecked(const float* v) {
  Encode(v, row_scratch_.data());
  rows_.AppendUnchecked(row_scratch_.data());
}

void RabitqCodes::Encode(const float* v, uint8_t* row) const {
  const uint32_t d = dim(), D = padded_dim(), pb = plane_bytes();
  float* residual = scratch_.data();
  float* rot = scratch_.data() + D;
  double norm2 = 0.0, dot_c = 0.0;
  for (uint32_t i = 0; i < d; ++i) {
    const double r = static_cast<double>(v[i]) - centroid_[i];
    residual[i] = static_cast<float>(r);
    norm2 += r * r;
    dot_c += r * centroid_[i];
  }
  const bool l2 = metric_ == Metric::kL2;
  const double scale = l2 ? 2.0 : 1.0;  // |s| of rabitq.hpp
  RabitqFactors f;
  f.add = static_cast<float>(l2 ? norm2 : -dot_c);
  uint8_t* planes = row + sizeof(RabitqFactors);
  std::fill(planes, planes + uint64_t{bits_} * pb, uint8_t{0});
  const double norm = std::sqrt(norm2);
  if (!(norm > 0.0)) {  // the row is the centroid: ⟨r, q_r⟩ = 0, exactly
    std::memcpy(row, &f, sizeof f);
    return;
  }
  for (uint32_t i = 0; i < d; ++i) residual[i] = static_cast<float>(residual[i] / norm);
  rotation_.Apply(residual, rot);

  const uint32_t levels = (1u << bits_) - 1;
  const double centre = levels / 2.0;
  double max_abs = 0.0, rot_norm2 = 0.0;
  for (uint32_t i = 0; i < D; ++i) {
    max_abs = std::max(max_abs, static_cast<double>(std::fabs(rot[i])));
    rot_norm2 += static_cast<double>(rot[i]) * rot[i];
  }
  auto code_of = [&](double t, uint32_t i) {
    const double x = std::floor(t * rot[i] + centre + 0.5);
    return static_cast<uint32_t>(std::min(std::max(x, 0.0), static_cast<double>(levels)));
  };
  // The rescaling t whose grid point is nearest in angle to P u. With one
  // bit any t > 0 gives the signs. From t·max|Pu| = c_B + ½ (no value
  // clipped) down to a quarter of it (the largest values clipped).
  const double t_top = (centre + 0.5) / max_abs;
  double best_t = t_top, best_cos = -1.0;
  const uint32_t steps = bits_ == 1 ? 1 : kRabitqScaleSteps;
  for (uint32_t s = 0; s < steps; ++s) {
    const double t = steps == 1 ? t_top : t_top * (0.25 + 0.75 * s / (steps - 1));
    double ip = 0.0, nn = 0.0;
    for (uint32_t i = 0; i < D; ++i) {
      const double x = code_of(t, i) - centre;
      ip += x * rot[i];
      nn += x * x;
    }
    const double c = ip / std::sqrt(nn);
    if (c > best_cos) {
      best_cos = c;
      best_t = t;
    }
  }
  double ip = 0.0, nn = 0.0, sum = 0.0;
  for (uint32_t i = 0; i < D; ++i) {
    const uint32_t x = code_of(best_t, i);
    for (uint32_t b = 0; b < bits_; ++b) {
      if ((x >> b) & 1u) planes[uint64_t{b} * pb + i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
    ip += (x - centre) * rot[i];
    nn += (x - centre) * (x - centre);
    sum += x;
  }
  // ⟨ō, P u⟩: positive (the sign code alone has cosine Σ|Pu_i| / √D' > 0).
  const double cosine = ip / (std::sqrt(nn) * std::sqrt(rot_norm2));
  f.rescale = static_cast<float>(-scale * norm / (cosine * std::sqrt(nn)));
  f.error = static_cast<float>(scale * norm * std::sqrt(std::max(0.0, 1.0 - cosine * cosine)) / cosine /
                               std::sqrt(static_cast<double>(D - 1)));
  f.sum_code = static_cast<float>(sum);
  std::memcpy(row, &f, sizeof f);
}

RabitqFactors RabitqCodes::Factors(uint32_t label) const {
  RabitqFactors f;
  std::memcpy(&f, Row(label), sizeof f);
  return f;
}

void RabitqCodes::PrepareQuery(const float* q, RabitqQuery* out) const {
  const uint32_t d = dim(), D = padded_dim(), pb = plane_bytes();
  float* residual = scratch_.data();
  float* rot = scratch_.data() + D;
  double norm2 = 0.0, dot_c = 0.0;
  for (uint32_t i = 0; i < d; ++i) {
    const double r = static_cast<double>(q[i]) - centroid_[i];
    residual[i] = static_cast<float>(r);
    norm2 += r * r;
    dot_c += static_cast<double>(q[i]) * centroid_[i];
  }
  rotation_.Apply(residual, rot);
  float lo = rot[0], hi = rot[0];
  double sum = 0.0;
  for (uint32_t i = 0; i < D; ++i) {
    lo = std::min(lo, rot[i]);
    hi = std::max(hi, rot[i]);
    sum += rot[i];
  }
  const uint32_t top = (1u << kRabitqQueryBits) - 1;
  float step = (hi - lo) / static_cast<float>(top);
  if (!(step > 0.f)) step = 1.f;  // a constant vector: every code 0, ⟨x, q'⟩ = low · Σx exactly
  out->planes.assign(uint64_t{kRabitqQueryBits} * pb, uint8_t{0});
  for (uint32_t i = 0; i < D; ++i) {
    const float u = std::floor((rot[i] - lo) / step + 0.5f);
    const uint32_t code = static_cast<uint32_t>(std::min(std::max(u, 0.f), static_cast<float>(top)));
    for (uint32_t j = 0; j < kRabitqQueryBits; ++j) {
      if ((code >> j) & 1u) out->planes[uint64_t{j} * pb + i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    }
  }
  out->low = lo;
  out->step = step;
  out->centred_sum = static_cast<float>(((1u << bits_) - 1) / 2.0 * sum);
  out->add = static_cast<float>(metric_ == Metric::kL2 ? norm2 : 1.0 - dot_c);
  out->error = static_cast<float>(kRabitqEpsilon0 * std::sqrt(norm2));
}

float RabitqCodes::Estimate(const RabitqQuery& q, uint32_t label) const {
  const uint8_t* row = Row(label);
  RabitqFactors f;
  std::memcpy(&f, row, sizeof f);
  const uint32_t dot = RabitqDotPlanes(row + sizeof f, bits_, q.planes.data(), plane_bytes());
  const float xq = q.low * f.sum_code + q.step * static_cast<float>(dot);
  return f.add + q.add + f.rescale * (xq - q.centred_sum);
}

float RabitqCodes::LowerBound(const RabitqQuery& q, uint32_t label, float estimate) const {
  return estimate - q.error * Factors(label).error;
}

}  // namespace mvdb
