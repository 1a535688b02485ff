// The one search contract (search_request.hpp, Index::Search): a batch
// answers exactly as its queries one by one, exact batches match brute force
// (test_data.hpp, written independently of the core), rules are applied once
// per call (k clamped, ef defaulted and raised, every query checked before
// any result is written), and CheckVectors names the first bad vector.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/vector_check.hpp"
#include "search_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::ErrorCode;
using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::SearchPlan;
using mvdb::SearchRequest;
using mvdb::SearchResults;
using mvdb::VectorFault;
using mvdb::VectorProblem;

constexpr uint32_t kN = 3000;
constexpr uint32_t kDim = 12;
constexpr uint32_t kQueries = 9;
constexpr uint32_t kK = 7;

struct Batch {
  uint32_t stride;
  std::vector<uint32_t> labels;
  std::vector<float> distances;
  std::vector<uint32_t> counts;
  std::vector<SearchPlan> plans;
  Batch(uint32_t nq, uint32_t s)
      : stride(s), labels(uint64_t{nq} * s, 0xEEEEEEEEu), distances(uint64_t{nq} * s, -1.f), counts(nq, 0xEEEEEEEEu),
        plans(nq, SearchPlan::kGraphThenFlat) {}
  SearchResults Out() { return {stride, labels.data(), distances.data(), counts.data(), plans.data()}; }
};

class SearchRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    all_ = mvdb_test::ClusteredData(kN + kQueries, kDim, 20, 77);
    data_.assign(all_.begin(), all_.begin() + static_cast<size_t>(kN) * kDim);
    ASSERT_TRUE(index_.Init(mvdb_test::Config(kDim, Metric::kL2, 8, 64, 5)).ok());
    ASSERT_TRUE(index_.Add(data_.data(), kN).ok());
  }
  const float* Queries() const { return all_.data() + static_cast<size_t>(kN) * kDim; }
  SearchRequest Request(uint32_t nq, uint32_t k, uint32_t ef, bool exact) const {
    SearchRequest r;
    r.queries = Queries();
    r.nq = nq;
    r.k = k;
    r.ef = ef;
    r.exact = exact;
    return r;
  }

  std::vector<float> all_, data_;
  Index index_;
};

TEST_F(SearchRequestTest, GraphBatchEqualsQueriesOneByOne) {
  // ef * M = 128 < 3000 labels: the graph plan.
  Batch b(kQueries, kK);
  ASSERT_TRUE(index_.Search(Request(kQueries, kK, 16, false), b.Out()).ok());
  for (uint32_t q = 0; q < kQueries; ++q) {
    GrowableArray<Neighbor> one;
    SearchPlan plan;
    ASSERT_TRUE(mvdb_test::SearchOne(index_, Queries() + q * kDim, kK, 16, nullptr, 0, &one, &plan).ok());
    EXPECT_EQ(plan, SearchPlan::kGraph);
    EXPECT_EQ(b.plans[q], SearchPlan::kGraph);
    ASSERT_EQ(b.counts[q], one.size()) << "query " << q;
    for (uint32_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(b.labels[q * kK + i], one[i].label) << "query " << q << " rank " << i;
      EXPECT_EQ(b.distances[q * kK + i], one[i].distance) << "query " << q << " rank " << i;
    }
  }
}

TEST_F(SearchRequestTest, ExactBatchMatchesBruteForceInOneCall) {
  const uint32_t stride = kK + 3;  // a wider stride than k: slots past the count stay untouched
  Batch b(kQueries, stride);
  ASSERT_TRUE(index_.Search(Request(kQueries, kK, 0, true), b.Out()).ok());
  for (uint32_t q = 0; q < kQueries; ++q) {
    const auto truth = mvdb_test::BruteForce(Metric::kL2, data_, kDim, Queries() + q * kDim, kK);
    EXPECT_EQ(b.plans[q], SearchPlan::kFlat);
    ASSERT_EQ(b.counts[q], truth.size());
    for (uint32_t i = 0; i < truth.size(); ++i) {
      EXPECT_EQ(b.labels[q * stride + i], truth[i].label) << "query " << q << " rank " << i;
      EXPECT_NEAR(b.distances[q * stride + i], truth[i].distance, 1e-4 * std::max(1.0, truth[i].distance));
    }
    for (uint32_t i = kK; i < stride; ++i) EXPECT_EQ(b.labels[q * stride + i], 0xEEEEEEEEu);
  }
}

TEST_F(SearchRequestTest, KIsClampedToTheMatchingLabelsOnce) {
  mvdb_test::Bitset allowed(kN);
  std::vector<uint32_t> picked = {3, 500, 1200, 2999};
  for (uint32_t l : picked) allowed.Set(l);
  SearchRequest r = Request(2, 1000, 0, false);
  r.allowed = allowed.words.data();
  r.allowed_count = static_cast<uint32_t>(picked.size());
  Batch b(2, 4);  // room for min(k, 4 matching) per query
  ASSERT_TRUE(index_.Search(r, b.Out()).ok());
  for (uint32_t q = 0; q < 2; ++q) {
    const auto truth = mvdb_test::BruteForce(Metric::kL2, data_, kDim, Queries() + q * kDim, 1000,
                                             [&](uint32_t l) { return allowed.Test(l); });
    ASSERT_EQ(b.counts[q], 4u);
    for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(b.labels[q * 4 + i], truth[i].label);
  }
  // Buffers narrower than the clamped k are refused before anything is written.
  Batch narrow(2, 3);
  const mvdb::Status st = index_.Search(r, narrow.Out());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("hold 3 results per query, 4"), std::string::npos) << st.message();
  EXPECT_EQ(narrow.counts[0], 0xEEEEEEEEu);
}

TEST_F(SearchRequestTest, EfZeroIsTheIndexDefault) {
  Batch a(kQueries, kK), b(kQueries, kK);
  ASSERT_TRUE(index_.Search(Request(kQueries, kK, 0, false), a.Out()).ok());
  ASSERT_TRUE(index_.Search(Request(kQueries, kK, index_.config().ef_search, false), b.Out()).ok());
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.distances, b.distances);
  // ef below k is raised to k: ef 1 answers as ef k.
  Batch c(kQueries, kK), d(kQueries, kK);
  ASSERT_TRUE(index_.Search(Request(kQueries, kK, 1, false), c.Out()).ok());
  ASSERT_TRUE(index_.Search(Request(kQueries, kK, kK, false), d.Out()).ok());
  EXPECT_EQ(c.labels, d.labels);
}

TEST_F(SearchRequestTest, EveryQueryIsCheckedBeforeAnyResultIsWritten) {
  std::vector<float> queries(Queries(), Queries() + kQueries * kDim);
  queries[4 * kDim + 5] = std::numeric_limits<float>::quiet_NaN();
  SearchRequest r = Request(kQueries, kK, 16, false);
  r.queries = queries.data();
  for (bool exact : {false, true}) {
    r.exact = exact;
    Batch b(kQueries, kK);
    const mvdb::Status st = index_.Search(r, b.Out());
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(st.message().find("query 4 has a non-finite value"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("index 5"), std::string::npos) << st.message();
    EXPECT_EQ(b.counts[0], 0xEEEEEEEEu) << "query 0 must not be answered";
  }
  // One query: named "query", without an index.
  r.nq = 1;
  r.queries = queries.data() + 4 * kDim;
  Batch one(1, kK);
  const mvdb::Status st = index_.Search(r, one.Out());
  EXPECT_EQ(st.message().rfind("query has a non-finite value", 0), 0u) << st.message();
}

TEST_F(SearchRequestTest, TheRejectedQueryIsReportedByIndex) {
  std::vector<float> queries(Queries(), Queries() + kQueries * kDim);
  queries[6 * kDim + 1] = std::numeric_limits<float>::infinity();
  queries[7 * kDim] = std::numeric_limits<float>::quiet_NaN();  // a later bad one is not the one reported
  SearchRequest r = Request(kQueries, kK, 16, false);
  r.queries = queries.data();
  Batch b(kQueries, kK);
  SearchResults out = b.Out();
  VectorProblem problem;
  out.problem = &problem;
  EXPECT_EQ(index_.Search(r, out).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(problem.item, 6u);
  EXPECT_EQ(problem.component, 1u);
  EXPECT_EQ(problem.fault, VectorFault::kNonFinite);
  // Good queries leave it untouched.
  VectorProblem none;
  out.problem = &none;
  EXPECT_TRUE(index_.Search(Request(kQueries, kK, 16, false), out).ok());
  EXPECT_EQ(none.fault, VectorFault::kNone);
}

TEST_F(SearchRequestTest, EveryBufferMustLieInsideTheMemoryBeforeAnyIsRead) {
  // One arena in a known order, [queries | labels | distances | counts], as
  // the binding's scratch block: memory_bytes ending one byte short of a
  // buffer's end refuses the call, naming the buffer, before anything is
  // read or written.
  const uint64_t q_bytes = uint64_t{kQueries} * kDim * 4, r_bytes = uint64_t{kQueries} * kK * 4;
  std::vector<uint32_t> arena((q_bytes + 2 * r_bytes + kQueries * 4) / 4, 0xEEEEEEEEu);
  std::copy(Queries(), Queries() + kQueries * kDim, reinterpret_cast<float*>(arena.data()));
  uint8_t* base = reinterpret_cast<uint8_t*>(arena.data());
  SearchRequest r = Request(kQueries, kK, 16, false);
  r.queries = reinterpret_cast<const float*>(base);
  SearchResults out;
  out.stride = kK;
  out.labels = reinterpret_cast<uint32_t*>(base + q_bytes);
  out.distances = reinterpret_cast<float*>(base + q_bytes + r_bytes);
  out.counts = reinterpret_cast<uint32_t*>(base + q_bytes + 2 * r_bytes);
  const uint64_t at = reinterpret_cast<uintptr_t>(base);
  const struct {
    uint64_t end;
    const char* what;
  } cases[] = {{at + q_bytes, "queries"},
               {at + q_bytes + r_bytes, "result labels"},
               {at + q_bytes + 2 * r_bytes, "result distances"},
               {at + q_bytes + 2 * r_bytes + kQueries * 4, "result counts"}};
  for (const auto& c : cases) {
    r.memory_bytes = c.end - 1;
    const mvdb::Status st = index_.Search(r, out);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << c.what;
    EXPECT_NE(st.message().find(c.what), std::string::npos) << st.message();
    EXPECT_EQ(out.counts[0], 0xEEEEEEEEu) << c.what << ": nothing may be written";
    EXPECT_EQ(out.labels[0], 0xEEEEEEEEu) << c.what << ": nothing may be written";
  }
  // The whole arena inside: answered.
  r.memory_bytes = cases[3].end;
  EXPECT_TRUE(index_.Search(r, out).ok());
  EXPECT_EQ(out.counts[0], kK);
  // A null result buffer is refused even natively (default memory_bytes).
  r.memory_bytes = UINT64_MAX;
  SearchResults null_counts = out;
  null_counts.counts = nullptr;
  EXPECT_EQ(index_.Search(r, null_counts).code(), ErrorCode::kInvalidArgument);
}

TEST_F(SearchRequestTest, ArgumentErrors) {
  Batch b(1, kK);
  EXPECT_EQ(index_.Search(Request(1, 0, 16, false), b.Out()).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index_.Search(Request(1, kK, mvdb::kMaxEf + 1, false), b.Out()).code(), ErrorCode::kInvalidArgument);
  // nq = 0 is a no-op, whatever the buffers.
  EXPECT_TRUE(index_.Search(Request(0, kK, 16, false), SearchResults{}).ok());
}

TEST(CheckVectors, NamesTheFirstBadVectorAndWhy) {
  constexpr uint32_t d = 3;
  std::vector<float> v = {1, 2, 3, 0, 0, 0, 4, std::numeric_limits<float>::infinity(), 5, 1e30f, 1e30f, 1e30f};
  VectorProblem p;
  // l2: the zero vector (item 1) is fine; item 2 has an Infinity at index 1.
  mvdb::Status st = mvdb::CheckVectors(v.data(), 4, d, Metric::kL2, "item", true, &p);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(p.item, 2u);
  EXPECT_EQ(p.component, 1u);
  EXPECT_EQ(p.fault, VectorFault::kNonFinite);
  EXPECT_EQ(st.message(), "item 2 has a non-finite value at index 1: Infinity (NaN and ±Infinity are rejected)");
  // cosine: the zero vector is the first bad one.
  st = mvdb::CheckVectors(v.data(), 4, d, Metric::kCosine, "item", true, &p);
  EXPECT_EQ(p.item, 1u);
  EXPECT_EQ(p.fault, VectorFault::kZeroNorm);
  // The squared norm limit: 3e60 > FLT_MAX / 8.
  st = mvdb::CheckVectors(v.data() + 3 * d, 1, d, Metric::kL2, "item", true, &p);
  EXPECT_EQ(p.item, 0u);
  EXPECT_EQ(p.fault, VectorFault::kNormTooLarge);
  EXPECT_NEAR(p.squared_norm, 3 * 1e60 * (1e30f / 1e30) * (1e30f / 1e30), 1e55);
  EXPECT_NE(st.message().find("item 0 has squared norm"), std::string::npos) << st.message();
  // Good vectors: Ok, the problem left empty.
  VectorProblem none;
  EXPECT_TRUE(mvdb::CheckVectors(v.data(), 2, d, Metric::kL2, "item", true, &none).ok());
  EXPECT_EQ(none.fault, VectorFault::kNone);
  EXPECT_TRUE(mvdb::CheckVectors(v.data(), 0, d, Metric::kCosine, "item", true).ok());
}

TEST(CheckVectors, NormLimitIsInclusive) {
  // d values c with d·c² just at and just over kMaxSquaredNorm (in double).
  const uint32_t d = 2;
  const double c = std::sqrt(mvdb::kMaxSquaredNorm / d);
  float at = static_cast<float>(c);
  while (2.0 * double{at} * at > mvdb::kMaxSquaredNorm) at = std::nextafter(at, 0.f);
  const float over = std::nextafter(std::nextafter(at, 1e30f), 1e30f);
  const float ok[2] = {at, at}, bad[2] = {over, over};
  EXPECT_TRUE(mvdb::CheckVectors(ok, 1, d, Metric::kIP, "v", false).ok());
  EXPECT_FALSE(mvdb::CheckVectors(bad, 1, d, Metric::kIP, "v", false).ok());
}

}  // namespace
