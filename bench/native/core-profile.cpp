// Profiling driver of OUR core (wasm/src, compiled natively with the SIMD128
// kernels through SIMDe, as the native tests build it), for the "where does
// a hard query's time go" write-up in bench/README.md. Not part of
// `npm run bench`; built and run by hand (see bench/README.md, "Profile").
//
// Usage: core-profile BASE.fvecs QUERY.fvecs GROUNDTRUTH.ivecs EF[,EF...] [SNAPSHOT]
// Builds the index (M 16, efConstruction 200, seed 100, L2; or loads
// SNAPSHOT when the file exists, else writes it after the build), then
// searches every query once at each EF (k 10) and prints per-query latency
// percentiles, recall@10 and the slowest queries' rows. Under valgrind
// (callgrind) only the search loop is instrumented (CALLGRIND_START/STOP;
// run with --instr-atstart=no).
#include <valgrind/callgrind.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "core-graph.hpp"
#include "vecs.hpp"

namespace {

using bench::ReadVecs;

double NowUs() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s BASE.fvecs QUERY.fvecs GROUNDTRUTH.ivecs EF [SNAPSHOT]\n", argv[0]);
    return 2;
  }
  size_t n = 0, dim = 0, nq = 0, qdim = 0, ng = 0, gk = 0;
  std::vector<float> base, query;
  std::vector<int32_t> gt;
  if (!ReadVecs(argv[1], &n, &dim, &base) || !ReadVecs(argv[2], &nq, &qdim, &query) || !ReadVecs(argv[3], &ng, &gk, &gt) ||
      qdim != dim || ng != nq || gk < 10) {
    std::fprintf(stderr, "bad input files\n");
    return 2;
  }
  // EF: one value, or a comma-separated sweep (each searched once, in order).
  const std::vector<uint32_t> efs = bench::ParseUintList(argv[4]);
  const char* snapshot = argc > 5 ? argv[5] : nullptr;

  mvdb::Index index;
  const double t0 = NowUs();
  const bench::GraphSource source = bench::LoadOrBuild(snapshot, base.data(), n, dim, &index);
  if (source == bench::GraphSource::kFailed) return 1;
  if (source == bench::GraphSource::kLoaded) std::fprintf(stderr, "loaded %s\n", snapshot);
  else std::fprintf(stderr, "built %zu in %.1f s\n", n, (NowUs() - t0) / 1e6);

  for (const uint32_t ef : efs) {
  uint32_t found_labels[10], found_count = 0;
  float found_distances[10];
  std::vector<double> us(nq);
  std::vector<int> hits(nq);
  CALLGRIND_START_INSTRUMENTATION;
  for (size_t q = 0; q < nq; q++) {
    const double t0 = NowUs();
    mvdb::SearchRequest request;
    request.queries = query.data() + q * dim;
    request.nq = 1;
    request.k = 10;
    request.ef = ef;
    const mvdb::Status s = index.Search(request, {10, found_labels, found_distances, &found_count});
    us[q] = NowUs() - t0;
    if (!s.ok()) {
      std::fprintf(stderr, "search: %s\n", s.message().c_str());
      return 1;
    }
    for (size_t j = 0; j < found_count; j++) {
      for (size_t t = 0; t < 10; t++) hits[q] += static_cast<int32_t>(found_labels[j]) == gt[q * gk + t];
    }
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  std::vector<size_t> order(nq);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return us[a] > us[b]; });
  std::vector<double> sorted(us);
  std::sort(sorted.begin(), sorted.end());
  const double total = std::accumulate(us.begin(), us.end(), 0.0);
  const int hit_total = std::accumulate(hits.begin(), hits.end(), 0);
  std::printf("ef %u: %zu queries, mean %.1f us (%.0f QPS), p50 %.1f, p90 %.1f, p99 %.1f, max %.1f us; recall@10 %.4f\n", ef, nq,
              total / nq, 1e6 * nq / total, sorted[nq / 2], sorted[nq * 9 / 10], sorted[nq * 99 / 100], sorted.back(),
              hit_total / (10.0 * nq));
  std::printf("slowest (query row: us, hits of 10):");
  for (size_t i = 0; i < 5 && i < nq; i++) std::printf(" %zu: %.0f, %d;", order[i], us[order[i]], hits[order[i]]);
  std::printf("\n");
  }
  return 0;
}
