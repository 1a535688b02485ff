// Permutations of labels applied in place: each structure indexed by label
// is rearranged by following the permutation's cycles with one temporary
// element and one bit per label, never a second copy of the structure (an
// index may fill the 4 GB wasm heap; Index::Relabel).
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

/// One bit per label: which elements a cycle walk has placed already.
class LabelBits {
 public:
  /// Room for n bits, all cleared. Errors: kOutOfMemory (nothing else changes).
  Status Reset(uint32_t n) {
    words_.Clear();
    return words_.Resize((uint64_t{n} + 63) / 64);
  }
  void ClearAll() {
    for (uint64_t i = 0; i < words_.size(); ++i) words_[i] = 0;
  }
  bool Test(uint32_t i) const { return ((words_[i >> 6] >> (i & 63)) & 1u) != 0; }
  void Set(uint32_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  /// Sets bit i; returns whether it was set before.
  bool TestAndSet(uint32_t i) {
    const bool was = Test(i);
    Set(i);
    return was;
  }
  uint64_t MemoryBytes() const { return words_.capacity_bytes(); }

 private:
  GrowableArray<uint64_t> words_;
};

/// Moves element `old` of a structure to position remap[old] for every old
/// in [0, n), where remap is a permutation of [0, n). `swap(i)` exchanges
/// element i with the caller's one temporary; `bits` (n bits) is cleared
/// first and used as scratch. Each element is moved once (two copies: into
/// the temporary and out of it).
template <typename Swap>
void PermuteInPlace(const uint32_t* remap, uint32_t n, LabelBits* bits, Swap&& swap) {
  bits->ClearAll();
  for (uint32_t start = 0; start < n; ++start) {
    if (bits->Test(start)) continue;
    bits->Set(start);
    if (remap[start] == start) continue;
    // temp <- element start; then along the cycle, element `at` goes to
    // remap[at] while the one there moves into the temporary, until the
    // cycle closes at `start` (whose old content was taken first).
    swap(start);
    uint32_t at = start;
    do {
      at = remap[at];
      swap(at);
      bits->Set(at);
    } while (at != start);
  }
}

/// Inverts a permutation of [0, n) in place: p[i] = j becomes p[j] = i.
/// `bits` (n bits) is cleared first and used as scratch.
inline void InvertInPlace(uint32_t* p, uint32_t n, LabelBits* bits) {
  bits->ClearAll();
  for (uint32_t start = 0; start < n; ++start) {
    if (bits->Test(start)) continue;
    // Along the cycle start -> p[start] -> ..., each successor gets its
    // predecessor.
    uint32_t prev = start, at = p[start];
    while (at != start) {
      const uint32_t next = p[at];
      p[at] = prev;
      bits->Set(at);
      prev = at;
      at = next;
    }
    p[start] = prev;
    bits->Set(start);
  }
}

/// Whether p[0..n) is a permutation of [0, n). `bits`: scratch of n bits.
inline bool IsPermutation(const uint32_t* p, uint32_t n, LabelBits* bits) {
  bits->ClearAll();
  for (uint32_t i = 0; i < n; ++i)
    if (p[i] >= n || bits->TestAndSet(p[i])) return false;
  return true;
}

}  // namespace mvdb
