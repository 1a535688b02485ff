// What the native drivers of OUR core (core-profile.cpp, graph-quality.cpp,
// rabitq-bench.cpp) share: the comma-separated efSearch / bits lists of
// their command lines, and the one graph they measure — loaded from a
// snapshot file when it exists, else built with the bench's parameters (l2,
// M 16, efConstruction 200, seed 100) and written there, so that repeated
// runs measure the same graph without rebuilding it. The environment
// variable MVDB_EF_CONSTRUCTION overrides efConstruction (the efConstruction
// 400 run of bench/README.md, "Recall 0.99 at glove340k"); MVDB_BUILD_THREADS
// links on that many threads (another insertion order: an equivalent graph,
// not the same one).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"

namespace bench {

/// "16,32,64" → {16, 32, 64}; stops at the first item that is not a number.
inline std::vector<uint32_t> ParseUintList(const char* text) {
  std::vector<uint32_t> out;
  for (const char* p = text; *p != 0;) {
    char* end = nullptr;
    out.push_back(static_cast<uint32_t>(std::strtoul(p, &end, 10)));
    if (end == p) break;
    p = *end == ',' ? end + 1 : end;
  }
  return out;
}

enum class GraphSource { kLoaded, kBuilt, kFailed };

/// Loads `snapshot` (may be null) into *index when that file opens; otherwise
/// builds the index over the n × dim row-major `base` (l2, M 16,
/// efConstruction 200 or $MVDB_EF_CONSTRUCTION, seed 100) and, when `snapshot` is given, writes it
/// there (a caller timing the build times the write too). Errors are
/// printed to stderr and give kFailed.
inline GraphSource LoadOrBuild(const char* snapshot, const float* base, size_t n, size_t dim, mvdb::Index* index) {
  std::ifstream in;
  if (snapshot != nullptr) in.open(snapshot, std::ios::binary);
  if (in.is_open()) {
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    uint64_t user_offset = 0, user_length = 0;
    const mvdb::Status s = mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), index, &user_offset, &user_length);
    if (!s.ok()) {
      std::fprintf(stderr, "snapshot: %s\n", s.message().c_str());
      return GraphSource::kFailed;
    }
    return GraphSource::kLoaded;
  }
  mvdb::IndexConfig config;
  config.dim = static_cast<uint32_t>(dim);
  config.M = 16;
  const char* ef_construction = std::getenv("MVDB_EF_CONSTRUCTION");
  config.ef_construction = ef_construction != nullptr ? static_cast<uint32_t>(std::atoi(ef_construction)) : 200;
  config.seed = 100;
  mvdb::Status s = index->Init(config);
  if (const char* threads = std::getenv("MVDB_BUILD_THREADS")) index->set_build_threads(static_cast<uint32_t>(std::atoi(threads)));
  if (s.ok()) s = index->Add(base, static_cast<uint32_t>(n));
  if (!s.ok()) {
    std::fprintf(stderr, "build: %s\n", s.message().c_str());
    return GraphSource::kFailed;
  }
  if (snapshot != nullptr) {
    mvdb::GrowableArray<uint8_t> out;
    if (mvdb::SerializeSnapshot(*index, nullptr, 0, &out).ok()) {
      std::ofstream(snapshot, std::ios::binary)
          .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
    }
  }
  return GraphSource::kBuilt;
}

}  // namespace bench
