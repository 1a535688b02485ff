// Graph reordering experiment on OUR core (wasm/src compiled natively, the
// SIMD128 kernels through SIMDe, as the native tests build it), for the
// "Graph reordering" section of bench/README.md (issue #22: "order node
// labels for locality"). Not part of `npm run bench`; built and run by hand.
//
// Usage: reorder-bench BASE.fvecs QUERY.fvecs GROUNDTRUTH.ivecs EF[,EF...] SNAPSHOT [ROUNDS] [VARIANTS]
//   SNAPSHOT: loaded when the file exists, else the index is built (l2,
//     M 16, efConstruction 200, seed 100) and written there (core-graph.hpp).
//   VARIANTS: comma-separated, default "orig,bfs,rcm,hub,random":
//     orig    the graph as built (labels in insertion order);
//     bfs     Index::Reorder (breadth-first over layer 0 from the entry point);
//     bfs-reload  the same, saved and loaded (the dimension order learned again);
//     rcm     reverse Cuthill–McKee (label_order.hpp) through Index::Relabel;
//     hub     "hubs first": labels by descending layer-0 in-degree (ties by
//             label), a cheap stand-in for Coleman et al.'s degree sorts;
//     random  a seeded random permutation (the control: locality destroyed).
// Each variant is its own copy of the snapshot, relabelled (its cost timed).
// Checks first that every variant answers every query with the same
// (distance, node) list as orig, mapped through its remap; then ROUNDS
// (default 9) rounds, the variants' order reversed every other round, each
// round timing per variant and EF the 1,000 queries one at a time and as one
// batch (Index::Search, nq 1,000: interleaved walks in groups of 8), in CPU
// time of this thread. Prints per variant the median time per query and the
// median over rounds of orig's time ÷ the variant's (> 1: faster).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core-graph.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/label_order.hpp"
#include "minivectordb/random.hpp"
#include "minivectordb/snapshot.hpp"
#include "vecs.hpp"

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : (n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

struct Variant {
  std::string name;
  std::unique_ptr<mvdb::Index> index;
  std::vector<uint32_t> remap;  // orig label -> this variant's label
  double relabel_ms = 0;
};

constexpr uint32_t kK = 10;

// Runs the nq queries, one Search call each (batch false) or one call for
// all (batch true); results into labels / dists / counts (nq · kK slots).
bool RunQueries(mvdb::Index& index, const std::vector<float>& query, size_t nq, uint32_t ef, bool batch,
                std::vector<uint32_t>* labels, std::vector<float>* dists, std::vector<uint32_t>* counts) {
  const size_t dim = index.config().dim;
  if (batch) {
    mvdb::SearchRequest request;
    request.queries = query.data();
    request.nq = static_cast<uint32_t>(nq);
    request.k = kK;
    request.ef = ef;
    return index.Search(request, {kK, labels->data(), dists->data(), counts->data()}).ok();
  }
  for (size_t q = 0; q < nq; ++q) {
    mvdb::SearchRequest request;
    request.queries = query.data() + q * dim;
    request.nq = 1;
    request.k = kK;
    request.ef = ef;
    if (!index.Search(request, {kK, labels->data() + q * kK, dists->data() + q * kK, counts->data() + q}).ok()) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s BASE QUERY GROUNDTRUTH EF[,EF...] SNAPSHOT [ROUNDS] [VARIANTS]\n", argv[0]);
    return 2;
  }
  size_t n = 0, dim = 0, nq = 0, qdim = 0, ng = 0, gk = 0;
  std::vector<float> base, query;
  std::vector<int32_t> gt;
  if (!bench::ReadVecs(argv[1], &n, &dim, &base) || !bench::ReadVecs(argv[2], &nq, &qdim, &query) ||
      !bench::ReadVecs(argv[3], &ng, &gk, &gt) || qdim != dim || ng != nq || gk < kK) {
    std::fprintf(stderr, "bad input files\n");
    return 2;
  }
  const std::vector<uint32_t> efs = bench::ParseUintList(argv[4]);
  const char* snapshot = argv[5];
  const int rounds = argc > 6 ? std::atoi(argv[6]) : 9;
  std::string variant_list = argc > 7 ? argv[7] : "orig,bfs,rcm,hub,random";

  {  // build once (or check that the snapshot loads)
    mvdb::Index index;
    const double t0 = WallSeconds();
    const bench::GraphSource source = bench::LoadOrBuild(snapshot, base.data(), n, dim, &index);
    if (source == bench::GraphSource::kFailed) return 1;
    if (source == bench::GraphSource::kBuilt) std::printf("built %zu in %.1f s (wall)\n", n, WallSeconds() - t0);
  }
  std::ifstream in(snapshot, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  std::vector<Variant> variants;
  for (size_t at = 0; at <= variant_list.size();) {
    const size_t comma = std::min(variant_list.find(',', at), variant_list.size());
    Variant v;
    v.name = variant_list.substr(at, comma - at);
    at = comma + 1;
    v.index = std::make_unique<mvdb::Index>();
    uint64_t uo = 0, ul = 0;
    mvdb::Status s = mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), v.index.get(), &uo, &ul);
    if (!s.ok()) {
      std::fprintf(stderr, "snapshot: %s\n", s.message().c_str());
      return 1;
    }
    mvdb::Index& index = *v.index;
    const uint32_t size = index.size();
    v.remap.resize(size);
    const double t0 = WallSeconds();
    if (v.name == "orig") {
      for (uint32_t i = 0; i < size; ++i) v.remap[i] = i;
    } else if (v.name == "bfs") {
      mvdb::GrowableArray<uint32_t> remap;
      s = index.Reorder(&remap);
      std::copy(remap.begin(), remap.end(), v.remap.begin());
    } else if (v.name == "bfs-reload") {
      // bfs, saved and loaded again: a load learns the dimension order
      // again from the first kOrderSample labels, now a breadth-first
      // neighbourhood of the entry point instead of the first rows inserted.
      mvdb::GrowableArray<uint32_t> remap;
      s = index.Reorder(&remap);
      std::copy(remap.begin(), remap.end(), v.remap.begin());
      mvdb::GrowableArray<uint8_t> out;
      if (s.ok()) s = mvdb::SerializeSnapshot(index, nullptr, 0, &out);
      if (s.ok()) {
        v.index = std::make_unique<mvdb::Index>();
        s = mvdb::DeserializeSnapshot(out.data(), out.size(), v.index.get(), &uo, &ul);
      }
    } else if (v.name == "rcm") {
      mvdb::LabelBits bits;
      s = bits.Reset(size);
      if (s.ok()) mvdb::ComputeLabelOrder(index.graph(), mvdb::LabelOrder::kReverseCuthillMcKee, v.remap.data(), &bits);
      if (s.ok()) s = index.Relabel(v.remap.data());
    } else if (v.name == "hub") {
      std::vector<uint32_t> indegree(size, 0), order(size);
      for (uint32_t i = 0; i < size; ++i) {
        uint32_t c = 0;
        const uint32_t* links = index.graph().Links(i, 0, &c);
        for (uint32_t j = 0; j < c; ++j) ++indegree[links[j]];
      }
      for (uint32_t i = 0; i < size; ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return indegree[a] > indegree[b]; });
      for (uint32_t i = 0; i < size; ++i) v.remap[order[i]] = i;
      s = index.Relabel(v.remap.data());
    } else if (v.name == "random") {
      mvdb::SplitMix64 rng(7);
      std::vector<uint32_t> order(size);
      for (uint32_t i = 0; i < size; ++i) order[i] = i;
      for (uint32_t i = size; i > 1; --i) std::swap(order[i - 1], order[rng.Next() % i]);
      for (uint32_t i = 0; i < size; ++i) v.remap[order[i]] = i;
      s = index.Relabel(v.remap.data());
    } else {
      std::fprintf(stderr, "unknown variant %s\n", v.name.c_str());
      return 2;
    }
    v.relabel_ms = 1e3 * (WallSeconds() - t0);
    if (!s.ok()) {
      std::fprintf(stderr, "%s: %s\n", v.name.c_str(), s.message().c_str());
      return 1;
    }
    std::printf("%-7s relabelled in %.1f ms (wall)\n", v.name.c_str(), v.relabel_ms);
    variants.push_back(std::move(v));
  }

  if (variants.empty() || variants[0].name != "orig") {
    std::fprintf(stderr, "the first variant must be orig (the reference)\n");
    return 2;
  }
  std::vector<uint32_t> labels(nq * kK), counts(nq), ref_labels(nq * kK), ref_counts(nq);
  std::vector<float> dists(nq * kK), ref_dists(nq * kK);
  // Same answers: every variant against orig, mapped through its remap.
  for (const uint32_t ef : efs) {
    for (const bool batch : {false, true}) {
      if (!RunQueries(*variants[0].index, query, nq, ef, batch, &ref_labels, &ref_dists, &ref_counts)) return 1;
      size_t hits = 0;
      for (size_t q = 0; q < nq; ++q)
        for (uint32_t j = 0; j < ref_counts[q]; ++j)
          for (uint32_t t = 0; t < kK; ++t) hits += static_cast<int32_t>(ref_labels[q * kK + j]) == gt[q * gk + t];
      if (!batch) std::printf("ef %u: recall@10 %.4f\n", ef, static_cast<double>(hits) / (kK * nq));
      for (size_t vi = 1; vi < variants.size(); ++vi) {
        Variant& v = variants[vi];
        if (!RunQueries(*v.index, query, nq, ef, batch, &labels, &dists, &counts)) return 1;
        size_t differ = 0;
        for (size_t q = 0; q < nq; ++q) {
          bool same = counts[q] == ref_counts[q];
          for (uint32_t j = 0; same && j < counts[q]; ++j)
            same = dists[q * kK + j] == ref_dists[q * kK + j] &&
                   labels[q * kK + j] == v.remap[ref_labels[q * kK + j]];
          differ += !same;
        }
        std::printf("  %-7s %s: %zu of %zu queries differ from %s\n", v.name.c_str(), batch ? "batch " : "single", differ,
                    nq, variants[0].name.c_str());
      }
    }
  }

  // times[variant][ef][batch] per round, seconds of CPU per query.
  const size_t nv = variants.size(), ne = efs.size();
  std::vector<std::vector<double>> times(nv * ne * 2);
  for (int r = 0; r < rounds; ++r) {
    for (size_t step = 0; step < nv; ++step) {
      const size_t vi = r % 2 == 0 ? step : nv - 1 - step;
      for (size_t e = 0; e < ne; ++e) {
        for (const bool batch : {false, true}) {
          const double t0 = CpuSeconds();
          if (!RunQueries(*variants[vi].index, query, nq, efs[e], batch, &labels, &dists, &counts)) return 1;
          times[(vi * ne + e) * 2 + batch].push_back((CpuSeconds() - t0) / static_cast<double>(nq));
        }
      }
    }
  }
  std::printf("\n%d rounds; CPU us per query, median (and orig ÷ variant: median of the per-round ratios, min–max)\n",
              rounds);
  for (size_t e = 0; e < ne; ++e) {
    for (const bool batch : {false, true}) {
      std::printf("ef %u %s:", efs[e], batch ? "batch " : "single");
      const std::vector<double>& ref = times[(0 * ne + e) * 2 + batch];
      for (size_t vi = 0; vi < nv; ++vi) {
        const std::vector<double>& t = times[(vi * ne + e) * 2 + batch];
        std::vector<double> ratio;
        for (size_t r = 0; r < t.size(); ++r) ratio.push_back(ref[r] / t[r]);
        std::sort(ratio.begin(), ratio.end());
        std::printf("  %s %.1f (%.3f, %.3f–%.3f)", variants[vi].name.c_str(), 1e6 * Median(t), Median(ratio), ratio.front(),
                    ratio.back());
      }
      std::printf("\n");
    }
  }
  return 0;
}
