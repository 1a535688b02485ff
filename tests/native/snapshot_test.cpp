// Snapshot round trips: bit-identical re-serialisation, identical answers
// after reload, the USER section location, and the documented byte layout
// (read by the test's own parser in snapshot_util.hpp).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "minivectordb/crc32.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::ErrorCode;
using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb_test::GetU32;
using mvdb_test::GetU64;
using mvdb_test::Serialize;

struct Loaded {
  mvdb::Status status;
  uint64_t user_offset = 0xAAAA, user_len = 0xBBBB;
};

Loaded Load(const std::vector<uint8_t>& bytes, Index* into) {
  Loaded r;
  r.status = mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), into, &r.user_offset, &r.user_len);
  return r;
}

std::vector<uint8_t> UserBlob(size_t n) {
  std::vector<uint8_t> u(n);
  for (size_t i = 0; i < n; ++i) u[i] = static_cast<uint8_t>(i * 7 + 3);
  return u;
}

// 1,500 cosine points (dim 12, M 8) with 10% tombstones.
void BuildSample(Index* index, std::vector<float>* data) {
  *data = mvdb_test::ClusteredData(1500, 12, 15, 404);
  ASSERT_TRUE(index->Init(mvdb_test::Config(12, Metric::kCosine, 8, 60, 5150)).ok());
  ASSERT_TRUE(index->Add(data->data(), 1500).ok());
  for (uint32_t l = 3; l < 1500; l += 10) ASSERT_TRUE(index->MarkDeleted(l).ok());
}

TEST(Snapshot, RoundTripIsBitIdenticalWithUserBlobAndTombstones) {
  Index index;
  std::vector<float> data;
  BuildSample(&index, &data);
  const std::vector<uint8_t> user = UserBlob(1000);
  const std::vector<uint8_t> first = Serialize(index, user);
  ASSERT_FALSE(first.empty());

  Index reloaded;
  const Loaded r = Load(first, &reloaded);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.user_len, user.size());
  ASSERT_LE(r.user_offset + r.user_len, first.size());
  EXPECT_EQ(std::memcmp(first.data() + r.user_offset, user.data(), user.size()), 0);
  EXPECT_EQ(r.user_offset, mvdb_test::FindSection(first, "USER").payload);

  EXPECT_EQ(Serialize(reloaded, user), first);
  // Without the blob, only the USER section disappears.
  const std::vector<uint8_t> no_user = Serialize(reloaded);
  EXPECT_EQ(no_user.size(), first.size() - 16 - user.size());
  EXPECT_EQ(Serialize(index), no_user);
}

TEST(Snapshot, RoundTripWithoutUserBlobReportsNone) {
  Index index;
  std::vector<float> data;
  BuildSample(&index, &data);
  const std::vector<uint8_t> snap = Serialize(index);
  Index reloaded;
  const Loaded r = Load(snap, &reloaded);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.user_offset, 0u);
  EXPECT_EQ(r.user_len, 0u);
  EXPECT_EQ(Serialize(reloaded), snap);
}

TEST(Snapshot, EmptyIndexRoundTrips) {
  for (Metric m : {Metric::kL2, Metric::kIP, Metric::kCosine}) {
    Index index;
    ASSERT_TRUE(index.Init(mvdb_test::Config(7, m, 5, 33, 99)).ok());
    for (const std::vector<uint8_t>& user : {std::vector<uint8_t>{}, UserBlob(1), UserBlob(17)}) {
      const std::vector<uint8_t> snap = Serialize(index, user);
      Index reloaded;
      const Loaded r = Load(snap, &reloaded);
      ASSERT_TRUE(r.status.ok()) << r.status.message();
      EXPECT_EQ(reloaded.size(), 0u);
      EXPECT_EQ(reloaded.config().dim, 7u);
      EXPECT_EQ(reloaded.config().metric, m);
      EXPECT_EQ(reloaded.config().M, 5u);
      EXPECT_EQ(reloaded.config().ef_construction, 33u);
      EXPECT_EQ(reloaded.config().seed, 99u);
      EXPECT_EQ(r.user_len, user.size());
      if (!user.empty()) { EXPECT_EQ(std::memcmp(snap.data() + r.user_offset, user.data(), user.size()), 0); }
      EXPECT_EQ(Serialize(reloaded, user), snap);
      // The reloaded empty index accepts inserts and searches.
      const std::vector<float> v = mvdb_test::UniformData(7 * 3, 1);
      ASSERT_TRUE(reloaded.Add(v.data(), 3).ok());
      GrowableArray<Neighbor> got;
      ASSERT_TRUE(mvdb_test::SearchOne(reloaded, v.data(), 5, 10, nullptr, 0, &got).ok());
      EXPECT_EQ(got.size(), 3u);
    }
  }
}

TEST(Snapshot, ReloadedIndexAnswersIdentically) {
  Index index;
  std::vector<float> data;
  BuildSample(&index, &data);
  Index reloaded;
  ASSERT_TRUE(Load(Serialize(index), &reloaded).status.ok());

  ASSERT_EQ(reloaded.size(), index.size());
  EXPECT_EQ(reloaded.deleted_count(), index.deleted_count());
  EXPECT_EQ(reloaded.config().ef_search, index.config().ef_search);
  for (uint32_t l = 0; l < index.size(); ++l) {
    ASSERT_EQ(reloaded.IsDeleted(l), index.IsDeleted(l));
    ASSERT_EQ(std::memcmp(reloaded.StoredRow(l), index.StoredRow(l), 12 * sizeof(float)), 0);
  }
  const std::vector<float> queries = mvdb_test::ClusteredData(40, 12, 15, 404 + 1);
  GrowableArray<Neighbor> a, b;
  for (uint32_t q = 0; q < 40; ++q) {
    const float* query = queries.data() + q * 12;
    mvdb::SearchPlan pa, pb;
    ASSERT_TRUE(mvdb_test::SearchOne(index, query, 10, 20, nullptr, 0, &a, &pa).ok());
    ASSERT_TRUE(mvdb_test::SearchOne(reloaded, query, 10, 20, nullptr, 0, &b, &pb).ok());
    EXPECT_EQ(pa, mvdb::SearchPlan::kGraph);
    EXPECT_EQ(pa, pb);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].label, b[i].label);
      EXPECT_EQ(a[i].distance, b[i].distance);
    }
  }
}

TEST(Snapshot, SerializeAppendsToExistingBuffer) {
  Index index;
  ASSERT_TRUE(index.Init(mvdb_test::Config(3, Metric::kL2, 4, 10, 1)).ok());
  const std::vector<float> v = mvdb_test::UniformData(3 * 50, 2);
  ASSERT_TRUE(index.Add(v.data(), 50).ok());
  const std::vector<uint8_t> alone = Serialize(index);
  mvdb::GrowableArray<uint8_t> buf;
  ASSERT_TRUE(buf.Reserve(5).ok());
  for (uint8_t b : {1, 2, 3, 4, 5}) buf.PushBackUnchecked(b);
  ASSERT_TRUE(mvdb::SerializeSnapshot(index, nullptr, 0, &buf).ok());
  ASSERT_EQ(buf.size(), 5 + alone.size());
  EXPECT_EQ(buf[0], 1);
  EXPECT_EQ(buf[4], 5);
  EXPECT_EQ(std::memcmp(buf.data() + 5, alone.data(), alone.size()), 0);
}

// The bytes follow the layout documented in snapshot.hpp.
TEST(Snapshot, LayoutMatchesDocumentation) {
  Index index;
  std::vector<float> data;
  BuildSample(&index, &data);
  const std::vector<uint8_t> user = UserBlob(5);
  const std::vector<uint8_t> s = Serialize(index, user);
  const mvdb::HnswGraph& g = index.graph();
  const uint32_t n = index.size(), M = 8, dim = 12;

  ASSERT_EQ(std::memcmp(s.data(), "MVDBSNAP", 8), 0);
  EXPECT_EQ(s[8] | s[9] << 8, mvdb::kSnapshotMajor);
  EXPECT_EQ(s[10] | s[11] << 8, mvdb::kSnapshotMinor);
  EXPECT_EQ(GetU32(s, 12), 6u);
  EXPECT_EQ(GetU32(s, 16), 0u);
  EXPECT_EQ(GetU32(s, 20), mvdb::Crc32(s.data(), 20));

  const std::vector<mvdb_test::Section> secs = mvdb_test::Sections(s);
  ASSERT_EQ(secs.size(), 6u);
  const char* tags[] = {"CONF", "VECS", "GRPH", "TOMB", "FRSH", "USER"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(secs[i].tag, tags[i]);
    // Documented: CRC-32 over the tag (bytes 0..3), the length (8..15), then the payload.
    std::vector<uint8_t> covered(s.begin() + secs[i].header, s.begin() + secs[i].header + 4);
    covered.insert(covered.end(), s.begin() + secs[i].header + 8, s.begin() + secs[i].payload + secs[i].length);
    EXPECT_EQ(GetU32(s, secs[i].header + 4), mvdb::Crc32(covered.data(), covered.size())) << tags[i];
  }
  EXPECT_EQ(secs[5].payload + secs[5].length, s.size());

  const uint64_t c = secs[0].payload;
  ASSERT_EQ(secs[0].length, 72u);
  EXPECT_EQ(GetU32(s, c + 0), dim);
  EXPECT_EQ(GetU32(s, c + 4), 2u);  // cosine
  EXPECT_EQ(GetU32(s, c + 8), M);
  EXPECT_EQ(GetU32(s, c + 12), 60u);
  EXPECT_EQ(GetU32(s, c + 16), 64u);
  EXPECT_EQ(GetU32(s, c + 20), n);
  EXPECT_EQ(GetU32(s, c + 24), index.deleted_count());
  EXPECT_EQ(GetU32(s, c + 28), g.entry_point());
  EXPECT_EQ(static_cast<int32_t>(GetU32(s, c + 32)), g.max_level());
  EXPECT_EQ(GetU32(s, c + 36), 0u);
  EXPECT_EQ(GetU64(s, c + 40), 5150u);
  EXPECT_EQ(GetU64(s, c + 48), g.rng_state());
  EXPECT_EQ(GetU32(s, c + 56), 0u);  // quantization none
  EXPECT_EQ(GetU32(s, c + 60), 4u);  // rerank (default)
  EXPECT_EQ(GetU32(s, c + 64), 1u);  // flags: keep float32
  EXPECT_EQ(GetU32(s, c + 68), 0u);

  ASSERT_EQ(secs[1].length, uint64_t{n} * dim * 4);
  EXPECT_EQ(std::memcmp(s.data() + secs[1].payload, index.StoredRow(0), secs[1].length), 0);  // little-endian host

  const uint64_t gp = secs[2].payload;
  uint64_t upper_blocks = 0;
  for (uint32_t l = 0; l < n; ++l) {
    ASSERT_EQ(s[gp + l], g.Level(l));
    upper_blocks += g.Level(l);
  }
  ASSERT_EQ(secs[2].length, n + uint64_t{n} * (1 + 2 * M) * 4 + upper_blocks * (1 + M) * 4);
  uint64_t pos = gp + n;
  auto check_block = [&](uint32_t label, uint32_t layer, uint32_t slots) {
    uint32_t cnt = 0;
    const uint32_t* links = g.Links(label, layer, &cnt);
    ASSERT_EQ(GetU32(s, pos), cnt);
    for (uint32_t k = 0; k < slots; ++k) ASSERT_EQ(GetU32(s, pos + 4 + 4 * k), k < cnt ? links[k] : 0u);
    pos += 4 * (1 + slots);
  };
  for (uint32_t l = 0; l < n; ++l) check_block(l, 0, 2 * M);
  for (uint32_t l = 0; l < n; ++l)
    for (uint32_t layer = 1; layer <= g.Level(l); ++layer) check_block(l, layer, M);
  EXPECT_EQ(pos, gp + secs[2].length);

  ASSERT_EQ(secs[3].length, (n + 7) / 8);
  for (uint32_t l = 0; l < n; ++l)
    ASSERT_EQ(((s[secs[3].payload + l / 8] >> (l % 8)) & 1) != 0, index.IsDeleted(l)) << l;
  // FRSH: u32 count, then the labels; a bulk-built index has none.
  ASSERT_EQ(secs[4].length, 4 + 4 * uint64_t{index.fresh().size()});
  EXPECT_EQ(GetU32(s, secs[4].payload), index.fresh().size());
  EXPECT_EQ(std::memcmp(s.data() + secs[5].payload, user.data(), 5), 0);
}

}  // namespace
