// Writes the seed corpus of snapshot_fuzzer: small real snapshots made through
// the core API (every metric, several dims and M, empty and one-node indexes,
// tombstones, multi-level graphs, with and without a USER section; int8
// quantization with float32, while learning without, and frozen without,
// also with tombstones).
// The legacy 1.0 fixtures (tests/fixtures/snapshots/) exceed the fuzzer's
// -max_len and are replayed by the native tests instead.
// Usage: make_snapshot_seeds <output directory>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"

namespace {

struct Seed {
  const char* name;
  uint32_t dim;
  mvdb::Metric metric;
  uint32_t M;
  uint32_t count;
  uint32_t delete_every;  // 0: none; d: labels i with i % d == 0
  const char* user;       // USER payload, or null
  mvdb::Quantization quantization = mvdb::Quantization::kNone;
  bool keep_float = true;
  uint32_t keep_after_compact = 0;  // > 0: delete all but this many, then compact
};

bool Write(const std::string& path, const mvdb::GrowableArray<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  const Seed seeds[] = {
      {"empty-l2", 3, mvdb::Metric::kL2, 4, 0, 0, nullptr},
      {"one-ip", 1, mvdb::Metric::kIP, 2, 1, 0, "u"},
      {"small-l2", 4, mvdb::Metric::kL2, 4, 20, 0, nullptr},
      {"cosine-deleted", 8, mvdb::Metric::kCosine, 2, 40, 4, "\x83\xa6" "format\x01\xa3ids\x90"},
      {"all-deleted-ip", 3, mvdb::Metric::kIP, 3, 12, 1, nullptr},
      {"levels-l2", 2, mvdb::Metric::kL2, 2, 64, 0, "user bytes"},
      {"mixed-l2", 5, mvdb::Metric::kL2, 6, 100, 7, "x"},
      {"wide-cosine", 33, mvdb::Metric::kCosine, 3, 9, 3, nullptr},
      {"int8-l2", 4, mvdb::Metric::kL2, 4, 30, 5, "x", mvdb::Quantization::kInt8},
      {"int8-ip-learning-nofloat", 3, mvdb::Metric::kIP, 3, 20, 0, nullptr, mvdb::Quantization::kInt8, false},
      // 1,100 vectors freeze the quantizer and drop float32; compaction keeps
      // 40 (codes copied, no VECS section) so the seed stays small.
      {"int8-cosine-frozen-nofloat", 6, mvdb::Metric::kCosine, 2, 1100, 0, "u", mvdb::Quantization::kInt8, false, 40},
      // The same over l2 with tombstones left after the compaction: the
      // harness's insert reuses a slot over the codes.
      {"int8-l2-frozen-nofloat-deleted", 5, mvdb::Metric::kL2, 3, 1100, 4, nullptr, mvdb::Quantization::kInt8, false, 40},
  };
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state]() {  // xorshift64*: deterministic values in [-1, 1)
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return float((state * 2685821657736338717ull) >> 40) / float(1u << 23) - 1.0f;
  };
  for (const Seed& s : seeds) {
    mvdb::IndexConfig c;
    c.dim = s.dim;
    c.metric = s.metric;
    c.M = s.M;
    c.ef_construction = 16;
    c.ef_search = 8;
    c.seed = 7;
    c.quantization = s.quantization;
    c.keep_float = s.keep_float;
    mvdb::Index index;
    mvdb::Status st = index.Init(c);
    std::vector<float> v(s.dim);
    for (uint32_t i = 0; i < s.count && st.ok(); ++i) {
      for (float& x : v) x = next();
      v[0] += 1.5f;  // never a zero vector (cosine)
      st = index.Add(v.data(), 1);
    }
    if (s.keep_after_compact > 0) {
      for (uint32_t i = s.keep_after_compact; i < s.count && st.ok(); ++i) st = index.MarkDeleted(i);
      mvdb::GrowableArray<uint32_t> remap;
      if (st.ok()) st = index.Compact(&remap);
    }
    for (uint32_t i = 0; s.delete_every != 0 && i < index.size() && st.ok(); i += s.delete_every) st = index.MarkDeleted(i);
    mvdb::GrowableArray<uint8_t> bytes;
    const std::string user = s.user == nullptr ? "" : s.user;
    if (st.ok()) st = mvdb::SerializeSnapshot(index, reinterpret_cast<const uint8_t*>(user.data()), user.size(), &bytes);
    if (!st.ok()) {
      std::fprintf(stderr, "seed %s: %s\n", s.name, st.message().c_str());
      return 1;
    }
    const std::string path = std::string(argv[1]) + "/" + s.name + ".mvdb";
    if (!Write(path, bytes)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
