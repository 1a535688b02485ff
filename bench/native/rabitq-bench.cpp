// RaBitQ against float32 and int8 + rerank on one graph, in one process
// (our core compiled natively, the SIMD128 kernels through SIMDe, as
// core-profile.cpp). Run by bench/rabitq.mjs, which compiles it, takes
// medians over rounds and interpolates QPS at recall 0.90 / 0.95 / 0.99.
//
// Usage: rabitq-bench BASE.fvecs QUERY.fvecs GROUNDTRUTH.ivecs SNAPSHOT EF[,EF...] ROUNDS BITS[,BITS...]
// Builds the index (l2, M 16, efConstruction 200, seed 100, as core-profile;
// or loads SNAPSHOT when it exists, else writes it), then makes
//  - int8 codes as the index would (quantizer fitted on the first kFitTarget
//    rows, then frozen), searched by SearchPlanner::Walk with quantization
//    int8 (walk on codes, rerank·k float32 re-ranked: the library's path);
//  - RaBitQ codes of each BITS (centroid: the mean row; seed 100), searched
//    by RabitqSearch;
// and searches every query once per (round, ef, method), methods in a
// rotated order per round so that load drifts spread evenly (k 10, single
// queries). Prints one JSON object per line:
//   {"method","ef","round","qps","recall","reranked","bytes"}
// reranked: float32 rows measured per query (int8: rerank·k; RaBitQ: what
// the bound let through); bytes: what the walk reads per vector.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/code_store.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/planner.hpp"
#include "minivectordb/rabitq.hpp"
#include "minivectordb/rabitq_search.hpp"
#include "minivectordb/snapshot.hpp"
#include "core-graph.hpp"
#include "vecs.hpp"

namespace {

double NowS() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }


}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) {
    std::fprintf(stderr, "usage: %s BASE QUERY GT SNAPSHOT EF[,EF...] ROUNDS BITS[,BITS...]\n", argv[0]);
    return 2;
  }
  size_t n = 0, dim = 0, nq = 0, qdim = 0, ng = 0, gk = 0;
  std::vector<float> base, query;
  std::vector<int32_t> gt;
  if (!bench::ReadVecs(argv[1], &n, &dim, &base) || !bench::ReadVecs(argv[2], &nq, &qdim, &query) ||
      !bench::ReadVecs(argv[3], &ng, &gk, &gt) || qdim != dim || ng != nq || gk < 10) {
    std::fprintf(stderr, "bad input files\n");
    return 2;
  }
  const char* snapshot = argv[4];
  const std::vector<uint32_t> efs = bench::ParseUintList(argv[5]);
  const uint32_t rounds = static_cast<uint32_t>(std::strtoul(argv[6], nullptr, 10));
  const std::vector<uint32_t> bit_list = bench::ParseUintList(argv[7]);
  const uint32_t k = 10;

  mvdb::Index index;
  const double t0 = NowS();
  const bench::GraphSource source = bench::LoadOrBuild(snapshot, base.data(), n, dim, &index);
  if (source == bench::GraphSource::kFailed) return 1;
  if (source == bench::GraphSource::kLoaded) std::fprintf(stderr, "loaded %s\n", snapshot);
  else std::fprintf(stderr, "built %zu in %.1f s\n", n, NowS() - t0);
  if (index.size() != n || index.config().metric != mvdb::Metric::kL2 || index.dimension_order().learned()) {
    std::fprintf(stderr, "the snapshot is not an l2 index of BASE in the caller's order\n");
    return 1;
  }
  const uint32_t d = static_cast<uint32_t>(dim);
  // The graph's scratch is all SearchT changes; the index is ours.
  mvdb::HnswGraph& graph = const_cast<mvdb::HnswGraph&>(index.graph());

  // int8 as Index::Add makes it: fitted on the first kFitTarget rows, frozen.
  mvdb::ScalarQuantizer quant(d, mvdb::Metric::kL2);
  quant.Fit(std::min<uint32_t>(mvdb::kFitTarget, index.size()), [&](uint32_t r) { return index.StoredRow(r); });
  quant.Freeze();
  mvdb::CodeStore codes(d);
  if (!codes.Reserve(index.size()).ok()) return 1;
  std::vector<int8_t> code(d);
  for (uint32_t r = 0; r < index.size(); ++r) {
    quant.Encode(index.StoredRow(r), code.data(), true);
    codes.AppendUnchecked(code.data());
  }
  mvdb::IndexConfig config_f = index.config(), config_8 = index.config();
  config_f.quantization = mvdb::Quantization::kNone;
  config_8.quantization = mvdb::Quantization::kInt8;
  mvdb::SearchPlanner plan_f(config_f, index.store(), codes, quant, graph, index.fresh(), true, index.size());
  mvdb::SearchPlanner plan_8(config_8, index.store(), codes, quant, graph, index.fresh(), true, index.size());

  // RaBitQ codes of each bit count, against the mean row.
  std::vector<float> centroid(d, 0.f);
  {
    std::vector<double> sum(d, 0.0);
    for (uint32_t r = 0; r < index.size(); ++r)
      for (uint32_t i = 0; i < d; ++i) sum[i] += index.StoredRow(r)[i];
    for (uint32_t i = 0; i < d; ++i) centroid[i] = static_cast<float>(sum[i] / index.size());
  }
  std::vector<mvdb::RabitqCodes> rabitq(bit_list.size());
  for (size_t b = 0; b < bit_list.size(); ++b) {
    const double t0 = NowS();
    if (!rabitq[b].Init(d, bit_list[b], mvdb::Metric::kL2, 100).ok() || !rabitq[b].Reserve(index.size()).ok()) return 1;
    rabitq[b].SetCentroid(centroid.data());
    for (uint32_t r = 0; r < index.size(); ++r) rabitq[b].AppendUnchecked(index.StoredRow(r));
    std::fprintf(stderr, "rabitq %u bits: %u bytes per vector, coded in %.1f s\n", bit_list[b], rabitq[b].row_bytes(), NowS() - t0);
  }

  const uint32_t methods = 2 + static_cast<uint32_t>(bit_list.size());
  auto name = [&](uint32_t m) {
    return m == 0 ? std::string("float32") : m == 1 ? std::string("int8") : "rabitq" + std::to_string(bit_list[m - 2]);
  };
  mvdb::GrowableArray<mvdb::Neighbor> out, candidates;
  mvdb::RabitqQuery prepared;
  const mvdb::LabelFilter all;
  for (uint32_t round = 0; round < rounds; ++round) {
    for (const uint32_t ef : efs) {
      for (uint32_t step = 0; step < methods; ++step) {
        const uint32_t m = (step + round) % methods;
        uint64_t hits = 0, reranked = 0;
        const double t0 = NowS();
        for (size_t qi = 0; qi < nq; ++qi) {
          const float* q = query.data() + qi * dim;
          mvdb::Status s;
          if (m == 0) {
            s = plan_f.Walk(q, nullptr, k, ef, all, &out);
          } else if (m == 1) {
            quant.Encode(q, code.data(), false);
            s = plan_8.Walk(q, code.data(), k, ef, all, &out);
            reranked += std::min<uint32_t>(std::max(k, std::min(config_8.rerank * k, ef)), ef);
          } else {
            const mvdb::RabitqCodes& rc = rabitq[m - 2];
            rc.PrepareQuery(q, &prepared);
            mvdb::RabitqSearchStats stats;
            s = mvdb::RabitqSearch(graph, rc, index.store(), mvdb::Metric::kL2, q, prepared, k, ef, all, &candidates, &out, &stats);
            reranked += stats.reranked;
          }
          if (!s.ok()) {
            std::fprintf(stderr, "search: %s\n", s.message().c_str());
            return 1;
          }
          for (const mvdb::Neighbor& r : out)
            for (size_t t = 0; t < k; ++t) hits += static_cast<int32_t>(r.label) == gt[qi * gk + t];
        }
        const double seconds = NowS() - t0;
        const uint32_t bytes = m == 0 ? 4 * d : m == 1 ? d : rabitq[m - 2].row_bytes();
        std::printf("{\"method\":\"%s\",\"ef\":%u,\"round\":%u,\"qps\":%.1f,\"recall\":%.4f,\"reranked\":%.1f,\"bytes\":%u}\n",
                    name(m).c_str(), ef, round, nq / seconds, hits / (10.0 * nq), static_cast<double>(reranked) / nq, bytes);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
