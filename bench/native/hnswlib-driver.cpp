// Benchmark driver for native hnswlib (a reference system of `npm run bench`,
// bench/systems/hnswlib-native.mjs). Our own code: it includes hnswlib's
// header-only library from the installed hnswlib-node package (-I at compile
// time); no hnswlib file is copied into this repository.
//
// Usage: hnswlib-driver BASE.fvecs|u8bin QUERY.fvecs|u8bin M EF_CONSTRUCTION SEED K MIN_MS EF1,EF2,...
// Builds an index (L2 space, one thread, points added in file order with
// label = row), then for each efSearch runs the queries one by one in a loop
// (searchKnn, one thread): one warm-up pass whose answers are printed, then
// timed passes in windows of at least MIN_MS/5 ms, at least 3 windows and
// MIN_MS in total; QPS is the median window (as bench/lib/job.mjs does for
// the JS systems). Prints one JSON object on stdout:
//   {"buildSeconds": s, "maxRssBytes": b, "n": n, "dim": d, "nq": q, "simd": "...",
//    "sweep": [{"ef": e, "qps": x, "queries": n, "ms": t, "windows": w, "ids": [nq*K ids, -1 padded]}]}
// Recall is computed by the caller against its ground truth.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "hnswlib.h"
#include "vecs.hpp"

namespace {

struct Matrix {
  size_t n = 0;
  size_t dim = 0;
  std::vector<float> data;
};

// fvecs (bench/native/vecs.hpp).
bool readFvecs(const char* path, Matrix& out) { return bench::ReadVecs(path, &out.n, &out.dim, &out.data); }

// u8bin: uint32 n, uint32 dim, then n*dim uint8 (converted to float, as scripts/lib/datasets.mjs does).
bool readU8bin(const char* path, Matrix& out) {
  std::ifstream in(path, std::ios::binary);
  uint32_t header[2] = {0, 0};
  if (!in || !in.read(reinterpret_cast<char*>(header), 8) || header[0] == 0 || header[1] == 0) return false;
  out.n = header[0];
  out.dim = header[1];
  std::vector<uint8_t> bytes(out.n * out.dim);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) return false;
  out.data.assign(bytes.begin(), bytes.end());
  return true;
}

bool readVectors(const char* path, Matrix& out) {
  const std::string p(path);
  return p.size() > 6 && p.compare(p.size() - 6, 6, ".u8bin") == 0 ? readU8bin(path, out) : readFvecs(path, out);
}

double nowMs() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

const char* simdName() {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX__)
  return "avx";
#elif defined(__SSE__)
  return "sse";
#else
  return "scalar";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: %s BASE.fvecs QUERY.fvecs M EF_CONSTRUCTION SEED K MIN_MS EF1,EF2,...\n", argv[0]);
    return 2;
  }
  Matrix base;
  Matrix query;
  if (!readVectors(argv[1], base) || !readVectors(argv[2], query) || base.dim != query.dim || base.n == 0) {
    std::fprintf(stderr, "cannot read %s / %s as fvecs or u8bin of one dimension\n", argv[1], argv[2]);
    return 2;
  }
  const size_t M = std::strtoul(argv[3], nullptr, 10);
  const size_t efConstruction = std::strtoul(argv[4], nullptr, 10);
  const size_t seed = std::strtoul(argv[5], nullptr, 10);
  const size_t k = std::strtoul(argv[6], nullptr, 10);
  const double minMs = std::strtod(argv[7], nullptr);
  std::vector<size_t> efs;
  {
    std::stringstream list(argv[8]);
    std::string item;
    while (std::getline(list, item, ',')) efs.push_back(std::strtoul(item.c_str(), nullptr, 10));
  }
  if (M < 2 || efConstruction < 1 || k < 1 || efs.empty()) {
    std::fprintf(stderr, "bad parameters\n");
    return 2;
  }

  hnswlib::L2Space space(base.dim);
  hnswlib::HierarchicalNSW<float> index(&space, base.n, M, efConstruction, seed);
  const double t0 = nowMs();
  for (size_t i = 0; i < base.n; i++) index.addPoint(base.data.data() + i * base.dim, i);
  const double buildSeconds = (nowMs() - t0) / 1000;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);  // peak RSS after build (ru_maxrss is in KiB on Linux); includes the loaded data

  std::printf("{\"buildSeconds\":%.6f,\"maxRssBytes\":%lld,\"n\":%zu,\"dim\":%zu,\"nq\":%zu,\"simd\":\"%s\",\"sweep\":[", buildSeconds, static_cast<long long>(usage.ru_maxrss) * 1024, base.n, base.dim, query.n, simdName());
  std::vector<int64_t> ids(query.n * k);
  for (size_t e = 0; e < efs.size(); e++) {
    index.setEf(efs[e]);
    // Warm-up pass; its answers are the ones reported (search is deterministic).
    std::fill(ids.begin(), ids.end(), -1);
    for (size_t q = 0; q < query.n; q++) {
      auto found = index.searchKnn(query.data.data() + q * query.dim, k);
      // searchKnn's queue pops farthest first.
      for (size_t j = found.size(); j-- > 0;) {
        ids[q * k + j] = static_cast<int64_t>(found.top().second);
        found.pop();
      }
    }
    std::vector<double> rates;
    double total = 0;
    size_t done = 0;
    size_t sink = 0;  // keeps the timed searches observable
    while (total < minMs || rates.size() < 3) {
      size_t passes = 0;
      const double w0 = nowMs();
      double ms = 0;
      do {
        for (size_t q = 0; q < query.n; q++) sink += index.searchKnn(query.data.data() + q * query.dim, k).size();
        passes++;
        ms = nowMs() - w0;
      } while (ms < minMs / 5);
      rates.push_back(static_cast<double>(passes * query.n) / ms * 1000);
      done += passes * query.n;
      total += ms;
    }
    if (sink == 0) std::fprintf(stderr, "no results\n");
    std::sort(rates.begin(), rates.end());
    const size_t m = rates.size();
    const double qps = m % 2 ? rates[m / 2] : (rates[m / 2 - 1] + rates[m / 2]) / 2;
    std::printf("%s{\"ef\":%zu,\"qps\":%.3f,\"queries\":%zu,\"ms\":%.3f,\"windows\":%zu,\"ids\":[", e ? "," : "", efs[e], qps, done, total, m);
    for (size_t i = 0; i < ids.size(); i++) std::printf("%s%lld", i ? "," : "", static_cast<long long>(ids[i]));
    std::printf("]}");
  }
  std::printf("]}\n");
  return 0;
}
