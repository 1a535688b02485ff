// Shared helpers of the native tests: seeded data generators and a
// brute-force k-NN reference written independently of the core (double
// precision, no code shared with wasm/src), plus recall@k.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "minivectordb/distance.hpp"
#include "minivectordb/hnsw.hpp"
#include "minivectordb/index.hpp"

namespace mvdb_test {

/// Standard normal deviates from a fully specified engine (mt19937_64) via
/// Box-Muller, so the data is the same with every standard library.
class Gaussian {
 public:
  explicit Gaussian(uint64_t seed) : rng_(seed) {}
  double Uniform01() { return (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
  double Next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = Uniform01(), u2 = Uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double t = 6.283185307179586 * u2;
    spare_ = r * std::sin(t);
    has_spare_ = true;
    return r * std::cos(t);
  }
  uint64_t Bits() { return rng_(); }

 private:
  std::mt19937_64 rng_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

/// n x dim row-major floats: `clusters` Gaussian blobs with centres drawn from
/// N(0, 1) per coordinate and points at centre + spread * N(0, 1).
inline std::vector<float> ClusteredData(uint32_t n, uint32_t dim, uint32_t clusters, uint64_t seed,
                                        double spread = 0.35) {
  Gaussian g(seed);
  std::vector<double> centres(static_cast<size_t>(clusters) * dim);
  for (double& c : centres) c = g.Next();
  std::vector<float> out(static_cast<size_t>(n) * dim);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t c = static_cast<uint32_t>(g.Bits() % clusters);
    for (uint32_t j = 0; j < dim; ++j)
      out[static_cast<size_t>(i) * dim + j] = static_cast<float>(centres[static_cast<size_t>(c) * dim + j] + spread * g.Next());
  }
  return out;
}

/// n x dim floats, uniform in [lo, hi).
inline std::vector<float> UniformData(size_t count, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Gaussian g(seed);
  std::vector<float> out(count);
  for (float& v : out) v = static_cast<float>(lo + (hi - lo) * g.Uniform01());
  return out;
}

struct RefHit {
  double distance;
  uint32_t label;
  bool operator<(const RefHit& o) const { return distance < o.distance || (distance == o.distance && label < o.label); }
};

/// Distance in double precision, following the documented metric semantics:
/// l2 = sum of squared differences; ip = 1 - dot; cosine = 1 - dot of the
/// unit-normalised vectors (normalised here, in double).
inline double RefDistance(mvdb::Metric m, const float* a, const float* b, uint32_t dim) {
  if (m == mvdb::Metric::kL2) {
    double s = 0;
    for (uint32_t i = 0; i < dim; ++i) {
      const double t = static_cast<double>(a[i]) - static_cast<double>(b[i]);
      s += t * t;
    }
    return s;
  }
  double dot = 0, na = 0, nb = 0;
  for (uint32_t i = 0; i < dim; ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (m == mvdb::Metric::kIP) return 1.0 - dot;
  return 1.0 - dot / (std::sqrt(na) * std::sqrt(nb));
}

/// Exact k nearest of `query` among the rows of `data` (the original,
/// un-normalised input) for which `admit(label)` holds, nearest first.
template <typename Admit>
std::vector<RefHit> BruteForce(mvdb::Metric m, const std::vector<float>& data, uint32_t dim, const float* query,
                               uint32_t k, Admit admit) {
  const uint32_t n = static_cast<uint32_t>(data.size() / dim);
  std::vector<RefHit> all;
  all.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    if (admit(i)) all.push_back({RefDistance(m, query, data.data() + static_cast<size_t>(i) * dim, dim), i});
  const size_t kk = std::min<size_t>(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(kk), all.end());
  all.resize(kk);
  return all;
}

inline std::vector<RefHit> BruteForce(mvdb::Metric m, const std::vector<float>& data, uint32_t dim, const float* query,
                                      uint32_t k) {
  return BruteForce(m, data, dim, query, k, [](uint32_t) { return true; });
}

/// |got ∩ truth| / |truth| over labels (1 when truth is empty).
inline double Recall(const mvdb::GrowableArray<mvdb::Neighbor>& got, const std::vector<RefHit>& truth) {
  if (truth.empty()) return 1.0;
  std::set<uint32_t> t;
  for (const RefHit& h : truth) t.insert(h.label);
  size_t hit = 0;
  for (const mvdb::Neighbor& n : got) hit += t.count(n.label);
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

/// Bitset over labels in the core's layout: bit i of word i / 32.
struct Bitset {
  std::vector<uint32_t> words;
  explicit Bitset(uint32_t n) : words((n + 31) / 32, 0u) {}
  void Set(uint32_t i) { words[i >> 5] |= 1u << (i & 31); }
  bool Test(uint32_t i) const { return (words[i >> 5] >> (i & 31)) & 1u; }
};

inline mvdb::IndexConfig Config(uint32_t dim, mvdb::Metric metric, uint32_t M = 16, uint32_t ef_construction = 200,
                                uint64_t seed = 42) {
  mvdb::IndexConfig c;
  c.dim = dim;
  c.metric = metric;
  c.M = M;
  c.ef_construction = ef_construction;
  c.ef_search = 64;
  c.seed = seed;
  return c;
}

}  // namespace mvdb_test
