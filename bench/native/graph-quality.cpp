// Graph-quality driver of OUR core (wasm/src compiled natively, the SIMD128
// kernels through SIMDe, as the native tests build it), for the "Graph
// quality for hard data" measurements of bench/README.md (issue #22). Not
// part of `npm run bench`; built and run by hand (commands in bench/README.md).
//
// Usage: graph-quality BASE QUERY GROUNDTRUTH EF[,EF...] [SNAPSHOT]
//   BASE, QUERY: .fvecs, or .u8bin (uint32 n, uint32 dim, n·dim uint8; MNIST)
//   GROUNDTRUTH: .ivecs, exact top-k (k >= 10) per query
// Builds the index (L2, M 16, efConstruction 200, seed 100; or loads
// SNAPSHOT when the file exists, else writes it after the build), then prints
//  - the layer-0 graph: mean out-degree, nodes nobody links to (in-degree 0),
//    nodes a breadth-first walk from the entry point never reaches, and how
//    many ground-truth top-10 labels of the queries are among those (a
//    ceiling on recall no efSearch can pass);
//  - per EF: recall@10 and distances computed per query (k 10);
//  - distances per query at recall 0.90 / 0.95 / 0.98 / 0.99, interpolated
//    linearly between sweep points.
// Distances are counted only when compiled with -DMVDB_COUNT_DISTANCES=1
// (a counter in distance_computer.hpp, compiled out otherwise); recall and
// distance counts do not depend on machine load, wall-clock times do.
//
// Variants, environment variable MVDB_EXP (a bit set):
//  1, 2, 4: construction variants of graph-candidates.diff (apply it to
//     wasm/src/hnsw_insert.cpp as it was before the fill landed, 6acb8da,
//     and compile with -DMVDB_GRAPH_EXPERIMENTS=1):
//     keep-pruned fill of the new node's lists / of overflowing lists / the
//     new node keeps up to M0 links on layer 0;
//  8: after the build (or the load), a repair pass here: each node the
//     entry point cannot reach on layer 0 is searched for (efSearch 200) and
//     linked from its MVDB_REPAIR_LINKS (default 2) nearest reachable nodes,
//     into a free slot or over their farthest link whose target keeps
//     another in-link.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "core-graph.hpp"
#include "vecs.hpp"

#ifndef MVDB_COUNT_DISTANCES
#define MVDB_COUNT_DISTANCES 0
#endif

#ifdef MVDB_GRAPH_EXPERIMENTS
namespace mvdb {
extern int graph_experiment;
}
#endif

namespace {

double NowS() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

uint64_t Distances() {
#if MVDB_COUNT_DISTANCES
  return mvdb::distance_count;
#else
  return 0;
#endif
}

bool EndsWith(const std::string& s, const char* tail) {
  const size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

// .u8bin (MNIST in /work/shared/datasets) as float32.
bool ReadU8Bin(const char* path, size_t* n, size_t* dim, std::vector<float>* data) {
  std::ifstream in(path, std::ios::binary);
  uint32_t h[2] = {0, 0};
  if (!in.read(reinterpret_cast<char*>(h), 8) || h[0] == 0 || h[1] == 0) return false;
  *n = h[0];
  *dim = h[1];
  std::vector<uint8_t> bytes(*n * *dim);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) return false;
  data->assign(bytes.begin(), bytes.end());
  return true;
}

bool ReadRows(const char* path, size_t* n, size_t* dim, std::vector<float>* data) {
  return EndsWith(path, ".u8bin") ? ReadU8Bin(path, n, dim, data) : bench::ReadVecs(path, n, dim, data);
}

struct Point {
  uint32_t ef;
  double recall;
  double distances;  // per query
};

// Distances per query where the sweep's recall first reaches `target`
// (linear between the two points around it); negative when never reached.
double At(const std::vector<Point>& sweep, double target) {
  for (size_t i = 0; i < sweep.size(); ++i) {
    if (sweep[i].recall < target) continue;
    if (i == 0) return sweep[0].distances;
    const Point& a = sweep[i - 1];
    const Point& b = sweep[i];
    return a.distances + (b.distances - a.distances) * (target - a.recall) / (b.recall - a.recall);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s BASE QUERY GROUNDTRUTH EF[,EF...] [SNAPSHOT]\n", argv[0]);
    return 2;
  }
  size_t n = 0, dim = 0, nq = 0, qdim = 0, ng = 0, gk = 0;
  std::vector<float> base, query;
  std::vector<int32_t> gt;
  if (!ReadRows(argv[1], &n, &dim, &base) || !ReadRows(argv[2], &nq, &qdim, &query) ||
      !bench::ReadVecs(argv[3], &ng, &gk, &gt) || qdim != dim || ng != nq || gk < 10) {
    std::fprintf(stderr, "bad input files\n");
    return 2;
  }
  const std::vector<uint32_t> efs = bench::ParseUintList(argv[4]);
  const char* snapshot = argc > 5 ? argv[5] : nullptr;

  const int experiment = std::getenv("MVDB_EXP") ? std::atoi(std::getenv("MVDB_EXP")) : 0;
#ifdef MVDB_GRAPH_EXPERIMENTS
  mvdb::graph_experiment = experiment & 7;
#endif
  std::printf("experiment %d\n", experiment);
  mvdb::Index index;
  const double t0 = NowS();
  const uint64_t d0 = Distances();
  const bench::GraphSource source = bench::LoadOrBuild(snapshot, base.data(), n, dim, &index);
  if (source == bench::GraphSource::kFailed) return 1;
  if (source == bench::GraphSource::kLoaded) {
    std::printf("loaded %s\n", snapshot);
  } else {
    std::printf("built %zu in %.1f s, %.0f distances per insert\n", n, NowS() - t0,
                static_cast<double>(Distances() - d0) / static_cast<double>(n));
  }

  if (experiment & 8) {
    // EXPERIMENT: link every node the entry point cannot reach from its
    // nearest reachable nodes (found by a search for its vector), replacing
    // their farthest link whose target keeps another in-link.
    mvdb::HnswGraph& mg = const_cast<mvdb::HnswGraph&>(index.graph());
    const uint32_t sz = mg.size();
    const int per = std::getenv("MVDB_REPAIR_LINKS") ? std::atoi(std::getenv("MVDB_REPAIR_LINKS")) : 2;
    std::vector<uint32_t> indeg(sz, 0);
    for (uint32_t u = 0; u < sz; ++u) {
      uint32_t m = 0;
      const uint32_t* l = mg.Links(u, 0, &m);
      for (uint32_t i = 0; i < m; ++i) ++indeg[l[i]];
    }
    std::vector<uint8_t> reach(sz, 0);
    std::vector<uint32_t> q;
    auto flood = [&](uint32_t from) {
      if (reach[from]) return;
      reach[from] = 1;
      q.assign(1, from);
      for (size_t h = 0; h < q.size(); ++h) {
        uint32_t m = 0;
        const uint32_t* l = mg.Links(q[h], 0, &m);
        for (uint32_t i = 0; i < m; ++i)
          if (!reach[l[i]]) reach[l[i]] = 1, q.push_back(l[i]);
      }
    };
    flood(mg.entry_point());
    auto d2 = [&](uint32_t a, uint32_t b) {
      float s2 = 0;
      for (size_t j = 0; j < dim; ++j) {
        const float t = base[a * dim + j] - base[b * dim + j];
        s2 += t * t;
      }
      return s2;
    };
    size_t repaired = 0;
    const double t0 = NowS();
    uint32_t rl[64], rc = 0;
    float rd[64];
    for (uint32_t u = 0; u < sz; ++u) {
      if (reach[u]) continue;
      mvdb::SearchRequest request;
      request.queries = base.data() + size_t{u} * dim;
      request.nq = 1;
      request.k = 64;
      request.ef = 200;
      if (!index.Search(request, {64, rl, rd, &rc}).ok()) return 1;
      int added = 0;
      for (uint32_t j = 0; j < rc && added < per; ++j) {
        const uint32_t v = rl[j];
        if (v == u || !reach[v]) continue;
        uint32_t* block = mg.MutableLinkBlock(v, 0);
        bool has = false;
        for (uint32_t i = 0; i < block[0]; ++i) has = has || block[1 + i] == u;
        if (has) continue;
        if (block[0] < mg.M0()) {
          block[1 + block[0]++] = u;
        } else {
          int worst = -1;
          float wd = -1;
          for (uint32_t i = 0; i < block[0]; ++i) {
            if (indeg[block[1 + i]] < 2) continue;
            const float dd = d2(v, block[1 + i]);
            if (dd > wd) wd = dd, worst = static_cast<int>(i);
          }
          if (worst < 0) continue;
          --indeg[block[1 + worst]];
          block[1 + worst] = u;
        }
        ++indeg[u];
        ++added;
      }
      if (added == 0) continue;
      ++repaired;
      flood(u);  // u and what it links to are reachable now
    }
    std::printf("repair: %zu unreachable nodes linked in %.1f s\n", repaired, NowS() - t0);
  }
  // Layer 0: in-degrees, and what a breadth-first walk from the entry point reaches.
  const mvdb::HnswGraph& g = index.graph();
  const uint32_t size = g.size();
  std::vector<uint32_t> indegree(size, 0);
  uint64_t links = 0;
  for (uint32_t u = 0; u < size; ++u) {
    uint32_t m = 0;
    const uint32_t* l = g.Links(u, 0, &m);
    links += m;
    for (uint32_t i = 0; i < m; ++i) ++indegree[l[i]];
  }
  std::vector<uint8_t> seen(size, 0);
  std::vector<uint32_t> queue{g.entry_point()};
  seen[g.entry_point()] = 1;
  for (size_t head = 0; head < queue.size(); ++head) {
    uint32_t m = 0;
    const uint32_t* l = g.Links(queue[head], 0, &m);
    for (uint32_t i = 0; i < m; ++i)
      if (!seen[l[i]]) seen[l[i]] = 1, queue.push_back(l[i]);
  }
  const size_t orphans = static_cast<size_t>(std::count(indegree.begin(), indegree.end(), 0u));
  size_t gt_unreachable = 0;
  for (size_t q = 0; q < nq; ++q)
    for (size_t t = 0; t < 10; ++t) gt_unreachable += seen[static_cast<uint32_t>(gt[q * gk + t])] == 0;
  std::printf("layer 0: %u nodes, mean out-degree %.2f, in-degree 0: %zu, unreachable from the entry point: %zu; "
              "ground-truth top-10 labels unreachable: %zu of %zu (recall ceiling %.4f)\n",
              size, static_cast<double>(links) / size, orphans, size - queue.size(), gt_unreachable, nq * 10,
              1.0 - static_cast<double>(gt_unreachable) / static_cast<double>(nq * 10));

  std::vector<Point> sweep;
  uint32_t labels[10], count = 0;
  float dists[10];
  for (const uint32_t ef : efs) {
    uint64_t hits = 0;
    const uint64_t d0 = Distances();
    const double t0 = NowS();
    for (size_t q = 0; q < nq; ++q) {
      mvdb::SearchRequest request;
      request.queries = query.data() + q * dim;
      request.nq = 1;
      request.k = 10;
      request.ef = ef;
      const mvdb::Status s = index.Search(request, {10, labels, dists, &count});
      if (!s.ok()) {
        std::fprintf(stderr, "search: %s\n", s.message().c_str());
        return 1;
      }
      for (uint32_t j = 0; j < count; ++j)
        for (size_t t = 0; t < 10; ++t) hits += static_cast<int32_t>(labels[j]) == gt[q * gk + t];
    }
    const double secs = NowS() - t0;
    const Point p{ef, hits / (10.0 * nq), static_cast<double>(Distances() - d0) / static_cast<double>(nq)};
    sweep.push_back(p);
    std::printf("ef %4u: recall@10 %.4f, distances/query %8.0f, %.0f QPS (load-dependent)\n", ef, p.recall, p.distances,
                nq / secs);
  }
  std::printf("distances/query at recall 0.90 / 0.95 / 0.98 / 0.99:");
  for (const double target : {0.90, 0.95, 0.98, 0.99}) {
    const double d = At(sweep, target);
    if (d < 0) std::printf(" not reached");
    else std::printf(" %.0f", d);
  }
  std::printf("\n");
  return 0;
}
