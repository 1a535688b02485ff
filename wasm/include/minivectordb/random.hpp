// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded PRNG whose output is
// fully specified, so the same seed gives the same HNSW levels on every
// platform (std::uniform_real_distribution is implementation-defined).
#pragma once

#include <cstdint>

namespace mvdb {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state = 0) : state_(state) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  /// Uniform double in (0, 1]: never 0, so -log(u) is finite.
  double NextUnitOpenClosed() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }

  uint64_t state() const { return state_; }
  void set_state(uint64_t s) { state_ = s; }

 private:
  uint64_t state_;
};

}  // namespace mvdb
