// Interleaved walks (HnswGraph::SearchBatchT, used by Index::Search for
// several unfiltered graph queries) must give each query exactly what its
// own walk gives: the same labels and the same distance bits, in every space
// (l2 rows, ip, cosine, int8 codes with and without float32 re-ranking), for
// batch sizes that are and are not multiples of kBatchWalks, and in a search
// of several queries where tombstones or a filter make the walk sequential.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "minivectordb/index.hpp"
#include "search_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::IndexConfig;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::Quantization;

struct Batch {
  std::vector<uint32_t> labels;
  std::vector<float> distances;
  std::vector<uint32_t> counts;
  std::vector<mvdb::SearchPlan> plans;
};

Batch SearchMany(Index& index, const float* queries, uint32_t nq, uint32_t k, uint32_t ef) {
  Batch b;
  b.labels.assign(static_cast<size_t>(nq) * k, 0xFFFFFFFFu);
  b.distances.assign(static_cast<size_t>(nq) * k, -1.f);
  b.counts.assign(nq, 0);
  b.plans.assign(nq, mvdb::SearchPlan::kFlat);
  mvdb::SearchRequest request;
  request.queries = queries;
  request.nq = nq;
  request.k = k;
  request.ef = ef;
  const mvdb::Status st = index.Search(request, {k, b.labels.data(), b.distances.data(), b.counts.data(), b.plans.data()});
  EXPECT_TRUE(st.ok()) << st.message();
  return b;
}

// Every query of a batch against the same query searched alone.
void ExpectSameAsOneByOne(Index& index, const std::vector<float>& queries, uint32_t dim, uint32_t nq, uint32_t k,
                          uint32_t ef) {
  const Batch b = SearchMany(index, queries.data(), nq, k, ef);
  for (uint32_t i = 0; i < nq; ++i) {
    GrowableArray<Neighbor> one;
    mvdb::SearchPlan plan = mvdb::SearchPlan::kFlat;
    ASSERT_TRUE(mvdb_test::SearchOne(index, queries.data() + static_cast<size_t>(i) * dim, k, ef, nullptr, 0, &one, &plan).ok());
    ASSERT_EQ(b.counts[i], one.size()) << "query " << i;
    EXPECT_EQ(b.plans[i], plan) << "query " << i;
    for (uint32_t j = 0; j < one.size(); ++j) {
      EXPECT_EQ(b.labels[static_cast<size_t>(i) * k + j], one[j].label) << "query " << i << " rank " << j;
      uint32_t got = 0, want = 0;
      std::memcpy(&got, &b.distances[static_cast<size_t>(i) * k + j], 4);
      std::memcpy(&want, &one[j].distance, 4);
      EXPECT_EQ(got, want) << "query " << i << " rank " << j;
    }
  }
}

struct Case {
  const char* name;
  Metric metric;
  Quantization quantization;
  bool keep_float;
  uint32_t dim;
};

class SearchBatchTest : public ::testing::TestWithParam<Case> {};

TEST_P(SearchBatchTest, InterleavedWalksGiveEachQueryItsOwnResults) {
  const Case c = GetParam();
  IndexConfig config;
  config.dim = c.dim;
  config.metric = c.metric;
  config.quantization = c.quantization;
  config.keep_float = c.keep_float;
  config.M = 8;
  config.ef_construction = 64;
  config.seed = 7;
  const uint32_t n = 3000, nq = 29;  // 29 = 3 groups of 8 and one of 5
  const std::vector<float> data = mvdb_test::ClusteredData(n + nq, c.dim, 12, 11);
  Index index;
  ASSERT_TRUE(index.Init(config).ok());
  ASSERT_TRUE(index.Add(data.data(), n).ok());
  const std::vector<float> queries(data.begin() + static_cast<size_t>(n) * c.dim, data.end());
  for (const uint32_t ef : {10u, 40u, 200u}) ExpectSameAsOneByOne(index, queries, c.dim, nq, 10, ef);
  ExpectSameAsOneByOne(index, queries, c.dim, 2, 1, 16);  // a batch of two, k = 1
  // With tombstones every query walks alone: still the same results.
  for (uint32_t l = 3; l < n; l += 11) ASSERT_TRUE(index.MarkDeleted(l).ok());
  ExpectSameAsOneByOne(index, queries, c.dim, nq, 10, 40);
}

INSTANTIATE_TEST_SUITE_P(Spaces, SearchBatchTest,
                         ::testing::Values(Case{"l2_touched_rows", Metric::kL2, Quantization::kNone, true, 200},
                                           Case{"l2", Metric::kL2, Quantization::kNone, true, 24},
                                           Case{"ip", Metric::kIP, Quantization::kNone, true, 24},
                                           Case{"cosine", Metric::kCosine, Quantization::kNone, true, 24},
                                           Case{"int8_rerank", Metric::kL2, Quantization::kInt8, true, 24},
                                           Case{"int8_codes_only", Metric::kCosine, Quantization::kInt8, false, 24}),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// The graph-level call against SearchT, query by query (the walks' order of
// steps between queries must not matter).
TEST(SearchBatchGraph, SameAsSearchT) {
  const uint32_t dim = 16, n = 2000, nq = 8;
  const std::vector<float> data = mvdb_test::ClusteredData(n + nq, dim, 10, 5);
  mvdb::VectorStore store(dim);
  ASSERT_TRUE(store.Reserve(n).ok());
  mvdb::HnswGraph graph(8, 40, 3);
  ASSERT_TRUE(graph.Reserve(n).ok());
  mvdb::VectorDistance<mvdb::L2Kernel> dc(store);
  for (uint32_t i = 0; i < n; ++i) {
    store.AppendUnchecked(data.data() + static_cast<size_t>(i) * dim);
    ASSERT_TRUE(graph.InsertT(dc).ok());
  }
  mvdb::VectorDistance<mvdb::L2Kernel> dcs[mvdb::HnswGraph::kBatchWalks] = {dc, dc, dc, dc, dc, dc, dc, dc};
  for (uint32_t i = 0; i < nq; ++i) dcs[i].SetQuery(data.data() + static_cast<size_t>(n + i) * dim);
  GrowableArray<Neighbor> outs[mvdb::HnswGraph::kBatchWalks];
  ASSERT_TRUE(graph.SearchBatchT(dcs, nq, 10, 30, outs).ok());
  for (uint32_t i = 0; i < nq; ++i) {
    GrowableArray<Neighbor> one;
    ASSERT_TRUE(graph.SearchT(dcs[i], 10, 30, mvdb::LabelFilter{}, &one).ok());
    ASSERT_EQ(outs[i].size(), one.size());
    EXPECT_EQ(0, std::memcmp(outs[i].data(), one.data(), one.size() * sizeof(Neighbor))) << "query " << i;
  }
  EXPECT_FALSE(graph.SearchBatchT(dcs, mvdb::HnswGraph::kBatchWalks + 1, 10, 30, outs).ok());
}

}  // namespace
