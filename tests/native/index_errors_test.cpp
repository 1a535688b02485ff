// Bad input to Index returns the documented ErrorCode and leaves the index
// unchanged; configuration ranges of ValidateConfig.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "minivectordb/index.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::ErrorCode;
using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::IndexConfig;
using mvdb::Metric;
using mvdb::Neighbor;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

ErrorCode Validate(IndexConfig c) { return mvdb::ValidateConfig(c).code(); }

// Each integer field accepts [lo, hi] and rejects lo - 1 and hi + 1.
void ExpectRange(const IndexConfig& good, uint32_t IndexConfig::*field, uint32_t lo, uint32_t hi, const char* name) {
  IndexConfig c = good;
  c.*field = lo - 1;
  EXPECT_EQ(Validate(c), ErrorCode::kInvalidArgument) << name << " = " << lo - 1;
  for (uint32_t ok : {lo, hi}) {
    c.*field = ok;
    EXPECT_EQ(Validate(c), ErrorCode::kOk) << name << " = " << ok;
  }
  c.*field = hi + 1;
  EXPECT_EQ(Validate(c), ErrorCode::kInvalidArgument) << name << " = " << hi + 1;
}

TEST(ValidateConfig, Ranges) {
  const IndexConfig good = mvdb_test::Config(8, Metric::kL2);
  EXPECT_EQ(Validate(good), ErrorCode::kOk);
  ExpectRange(good, &IndexConfig::dim, 1, mvdb::kMaxDim, "dim");
  ExpectRange(good, &IndexConfig::M, 2, mvdb::kMaxM, "M");
  ExpectRange(good, &IndexConfig::ef_construction, 1, mvdb::kMaxEf, "ef_construction");
  ExpectRange(good, &IndexConfig::ef_search, 1, mvdb::kMaxEf, "ef_search");

  IndexConfig c = good;
  c.metric = static_cast<Metric>(3);
  EXPECT_EQ(Validate(c), ErrorCode::kInvalidArgument);
  c.metric = Metric::kCosine;
  EXPECT_EQ(Validate(c), ErrorCode::kOk);

  // The message names the offending field.
  c = good;
  c.M = 0;
  EXPECT_NE(mvdb::ValidateConfig(c).message().find("M"), std::string::npos);
}

TEST(IndexInit, RejectsBadConfig) {
  Index index;
  IndexConfig c = mvdb_test::Config(0, Metric::kL2);
  EXPECT_EQ(index.Init(c).code(), ErrorCode::kInvalidArgument);
  c = mvdb_test::Config(4, Metric::kL2, 1);
  EXPECT_EQ(index.Init(c).code(), ErrorCode::kInvalidArgument);
  // Re-initialising a filled index starts over empty.
  ASSERT_TRUE(index.Init(mvdb_test::Config(4, Metric::kL2)).ok());
  const std::vector<float> v = mvdb_test::UniformData(40, 1);
  ASSERT_TRUE(index.Add(v.data(), 10).ok());
  ASSERT_TRUE(index.Init(mvdb_test::Config(3, Metric::kIP)).ok());
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.config().dim, 3u);
}

class IndexErrors : public ::testing::Test {
 protected:
  void Make(Metric m) {
    ASSERT_TRUE(index_.Init(mvdb_test::Config(4, m, 4, 20, 1)).ok());
    data_ = mvdb_test::UniformData(4 * 100, 5);
    ASSERT_TRUE(index_.Add(data_.data(), 100).ok());
    before_ = mvdb_test::Serialize(index_);
    ASSERT_FALSE(before_.empty());
  }
  void ExpectUnchanged() {
    EXPECT_EQ(index_.size(), 100u);
    EXPECT_EQ(mvdb_test::Serialize(index_), before_) << "index state changed by a failed call";
  }
  Index index_;
  std::vector<float> data_;
  std::vector<uint8_t> before_;
};

TEST_F(IndexErrors, NonFiniteVectorsAreRejectedAllOrNothing) {
  Make(Metric::kL2);
  std::vector<float> batch = mvdb_test::UniformData(4 * 5, 9);
  for (float bad : {kNaN, kInf, -kInf}) {
    batch[4 * 4 + 3] = bad;  // the last value of the last vector
    const mvdb::Status st = index_.Add(batch.data(), 5);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(st.message().find("vector 4"), std::string::npos) << st.message();
    ExpectUnchanged();
  }
  batch[0] = kNaN;
  EXPECT_EQ(index_.Add(batch.data(), 1).code(), ErrorCode::kInvalidArgument);
  ExpectUnchanged();
  // The index is still usable afterwards.
  batch = mvdb_test::UniformData(4 * 5, 10);
  EXPECT_TRUE(index_.Add(batch.data(), 5).ok());
  EXPECT_EQ(index_.size(), 105u);
}

TEST_F(IndexErrors, ZeroVectorWithCosine) {
  Make(Metric::kCosine);
  const float zero[8] = {1, 1, 1, 1, 0, 0, 0, 0};
  EXPECT_EQ(index_.Add(zero, 2).code(), ErrorCode::kInvalidArgument);
  ExpectUnchanged();
  GrowableArray<Neighbor> got;
  EXPECT_EQ(mvdb_test::SearchOne(index_, zero + 4, 3, 10, nullptr, 0, &got).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb_test::SearchExactOne(index_, zero + 4, 3, nullptr, &got).code(), ErrorCode::kInvalidArgument);
  // Stored cosine vectors are unit length.
  for (uint32_t l = 0; l < index_.size(); ++l) {
    double s = 0;
    for (uint32_t j = 0; j < 4; ++j) s += static_cast<double>(index_.StoredRow(l)[j]) * index_.StoredRow(l)[j];
    ASSERT_NEAR(s, 1.0, 1e-6);
  }
}

TEST_F(IndexErrors, ZeroVectorIsFineForL2AndIp) {
  for (Metric m : {Metric::kL2, Metric::kIP}) {
    Make(m);
    const float zero[4] = {0, 0, 0, 0};
    EXPECT_TRUE(index_.Add(zero, 1).ok());
    GrowableArray<Neighbor> got;
    EXPECT_TRUE(mvdb_test::SearchOne(index_, zero, 3, 10, nullptr, 0, &got).ok());
    EXPECT_EQ(got.size(), 3u);
  }
}

// A finite, non-zero but subnormal vector is valid cosine input: it must be
// stored as a finite unit vector (so the snapshot reloads) and be findable.
TEST_F(IndexErrors, SubnormalVectorWithCosine) {
  Make(Metric::kCosine);
  const float tiny = std::numeric_limits<float>::denorm_min();
  const float v[4] = {0.f, tiny, 0.f, 0.f};
  ASSERT_TRUE(index_.Add(v, 1).ok());
  for (uint32_t j = 0; j < 4; ++j) EXPECT_EQ(index_.StoredRow(100)[j], j == 1 ? 1.f : 0.f);
  GrowableArray<Neighbor> got;
  ASSERT_TRUE(mvdb_test::SearchOne(index_, v, 1, 10, nullptr, 0, &got).ok());  // subnormal query too
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].label, 100u);
  EXPECT_NEAR(got[0].distance, 0.f, 1e-6);
  const std::vector<uint8_t> snap = mvdb_test::Serialize(index_);
  Index reloaded;
  uint64_t uo = 0, ul = 0;
  const mvdb::Status st = mvdb::DeserializeSnapshot(snap.data(), snap.size(), &reloaded, &uo, &ul);
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST_F(IndexErrors, SearchArguments) {
  Make(Metric::kL2);
  GrowableArray<Neighbor> got;
  const float q[4] = {0.1f, 0.2f, 0.3f, 0.4f};
  EXPECT_EQ(mvdb_test::SearchOne(index_, q, 0, 10, nullptr, 0, &got).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb_test::SearchOne(index_, q, 5, mvdb::kMaxEf + 1, nullptr, 0, &got).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(mvdb_test::SearchExactOne(index_, q, 0, nullptr, &got).code(), ErrorCode::kInvalidArgument);
  const float nan_q[4] = {0.1f, kNaN, 0.3f, 0.4f};
  EXPECT_EQ(mvdb_test::SearchOne(index_, nan_q, 5, 10, nullptr, 0, &got).code(), ErrorCode::kInvalidArgument);
  const float inf_q[4] = {0.1f, 0.2f, 0.3f, kInf};
  EXPECT_EQ(mvdb_test::SearchOne(index_, inf_q, 5, 10, nullptr, 0, &got).code(), ErrorCode::kInvalidArgument);
  ExpectUnchanged();
  // Boundary values are accepted: k = kMaxK (returns all 100), ef = 0 (the index's efSearch).
  EXPECT_TRUE(mvdb_test::SearchOne(index_, q, mvdb::kMaxK, 10, nullptr, 0, &got).ok());
  EXPECT_EQ(got.size(), 100u);
  EXPECT_TRUE(mvdb_test::SearchOne(index_, q, 5, 0, nullptr, 0, &got).ok());
  EXPECT_EQ(got.size(), 5u);
}

TEST_F(IndexErrors, MarkDeleted) {
  Make(Metric::kL2);
  EXPECT_TRUE(index_.MarkDeleted(7).ok());
  EXPECT_TRUE(index_.IsDeleted(7));
  EXPECT_EQ(index_.deleted_count(), 1u);
  EXPECT_EQ(index_.MarkDeleted(7).code(), ErrorCode::kNotFound);
  EXPECT_EQ(index_.deleted_count(), 1u);
  EXPECT_EQ(index_.MarkDeleted(100).code(), ErrorCode::kNotFound);
  EXPECT_EQ(index_.MarkDeleted(mvdb::kNoLabel).code(), ErrorCode::kNotFound);
  EXPECT_EQ(index_.live_count(), 99u);
  EXPECT_EQ(index_.size(), 100u);
}

TEST_F(IndexErrors, ReserveForAddKeepsContentAndRowsInPlace) {
  Make(Metric::kL2);
  ASSERT_TRUE(index_.ReserveForAdd(1000).ok());
  ExpectUnchanged();
  const float* row0 = index_.StoredRow(0);
  const std::vector<float> more = mvdb_test::UniformData(4 * 1000, 11);
  for (uint32_t i = 0; i < 1000; i += 100) ASSERT_TRUE(index_.Add(more.data() + 4 * i, 100).ok());
  EXPECT_EQ(index_.size(), 1100u);
  EXPECT_EQ(index_.StoredRow(0), row0) << "the rows were moved: the reservation did not cover the inserts";
  // The label space is 2^32 - 1 labels: a reservation past it is refused, nothing changes.
  const std::vector<uint8_t> full = mvdb_test::Serialize(index_);
  EXPECT_EQ(index_.ReserveForAdd(0xFFFFFFFFu).code(), ErrorCode::kOutOfMemory);
  EXPECT_EQ(mvdb_test::Serialize(index_), full);
}

TEST_F(IndexErrors, EmptyAddIsANoOp) {
  Make(Metric::kL2);
  EXPECT_TRUE(index_.Add(nullptr, 0).ok());
  ExpectUnchanged();
}

}  // namespace
