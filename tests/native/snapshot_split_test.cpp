// DeserializeSnapshotSplit with every cut the loader makes: VECS and CODE
// payloads, GRPH's layer-0 blocks (adopted by the graph) and the USER payload
// (kept by the caller, only its CRC fed). The loaded index serialises back to
// the very bytes it came from; a changed byte in any piece read apart, a
// wrong length or too few USER bytes fed is SnapshotCorrupt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::Index;
using mvdb::Metric;
using mvdb_test::Section;

struct Range {
  uint64_t start = 0, end = 0;
};

// What the loader (js/src/wasm/snapshot-split.ts) cuts out of `bytes`.
struct Cut {
  Range vecs, codes, links0, user;
};

Cut CutOf(const std::vector<uint8_t>& bytes) {
  Cut cut;
  const Section conf = mvdb_test::FindSection(bytes, "CONF");
  const uint32_t m = mvdb_test::GetU32(bytes, conf.payload + 8), count = mvdb_test::GetU32(bytes, conf.payload + 20);
  for (const Section& s : mvdb_test::Sections(bytes)) {
    const Range whole{s.payload, s.payload + s.length};
    if (s.tag == "VECS") cut.vecs = whole;
    if (s.tag == "CODE") cut.codes = whole;
    if (s.tag == "USER") cut.user = whole;
    if (s.tag == "GRPH") cut.links0 = Range{s.payload + count, s.payload + count + uint64_t{count} * 4 * (1 + 2 * m)};
  }
  return cut;
}

struct Loaded {
  mvdb::Status status;
  Index index;
  uint64_t user_offset = 0, user_len = 0;
};

// Loads `bytes` split as `cut`; `tamper` may change the pieces before the load.
Loaded LoadSplit(const std::vector<uint8_t>& bytes, const Cut& cut, uint64_t user_fed_bytes,
                 void (*tamper)(mvdb::SnapshotPayloads*) = nullptr) {
  mvdb::SnapshotPayloads p;
  auto length = [](Range r) { return r.end - r.start; };
  p.vecs_bytes = length(cut.vecs);
  EXPECT_TRUE(p.vecs.Resize((p.vecs_bytes + 3) / 4).ok());
  if (p.vecs_bytes > 0) std::memcpy(p.vecs.data(), bytes.data() + cut.vecs.start, p.vecs_bytes);
  EXPECT_TRUE(p.codes.Resize(length(cut.codes)).ok());
  if (length(cut.codes) > 0) std::memcpy(p.codes.data(), bytes.data() + cut.codes.start, length(cut.codes));
  p.links0_bytes = length(cut.links0);
  EXPECT_TRUE(p.links0.Resize((p.links0_bytes + 3) / 4).ok());
  if (p.links0_bytes > 0) std::memcpy(p.links0.data(), bytes.data() + cut.links0.start, p.links0_bytes);
  p.ExpectUser(length(cut.user));
  // In uneven pieces, as through a small window.
  for (uint64_t at = 0; at < user_fed_bytes; at += 1000)
    EXPECT_TRUE(p.FeedUser(bytes.data() + cut.user.start + at, std::min<uint64_t>(1000, user_fed_bytes - at)).ok());
  if (tamper != nullptr) tamper(&p);
  std::vector<Range> ranges = {cut.vecs, cut.codes, cut.links0, cut.user};
  std::sort(ranges.begin(), ranges.end(), [](Range a, Range b) { return a.start < b.start; });
  std::vector<uint8_t> rest;
  uint64_t from = 0;
  for (const Range& r : ranges) {
    rest.insert(rest.end(), bytes.begin() + from, bytes.begin() + r.start);
    from = std::max(from, r.end);
  }
  rest.insert(rest.end(), bytes.begin() + from, bytes.end());
  Loaded out;
  out.status = mvdb::DeserializeSnapshotSplit(rest.data(), rest.size(), &p, &out.index, &out.user_offset, &out.user_len);
  return out;
}

Index Build(mvdb::IndexConfig c, uint32_t n, uint64_t seed) {
  Index index;
  EXPECT_TRUE(index.Init(c).ok());
  const std::vector<float> data = mvdb_test::UniformData(size_t{n} * c.dim, seed);
  EXPECT_TRUE(index.Add(data.data(), n).ok());
  for (uint32_t i = 0; i < n; i += 9) EXPECT_TRUE(index.MarkDeleted(i).ok());
  return index;
}

std::vector<uint8_t> User(size_t n) {
  std::vector<uint8_t> u(n);
  for (size_t i = 0; i < n; ++i) u[i] = static_cast<uint8_t>(i * 29 + 1);
  return u;
}

TEST(SnapshotSplit, EveryCutLoadsToTheSameBytes) {
  mvdb::IndexConfig q = mvdb_test::Config(24, Metric::kIP, 6, 32);
  q.quantization = mvdb::Quantization::kInt8;
  // Layer-0 rows of 1 + 2M words in blocks of at most 4 MiB: 3000 rows fill
  // part of a first block (copied); with M = 32 (260-byte rows, 8,192 a
  // block) 16,000 rows are one whole block, adopted as a view, and a partial one.
  for (const mvdb::IndexConfig& c : {mvdb_test::Config(16, Metric::kL2, 16, 40), q, mvdb_test::Config(8, Metric::kL2, 32, 16)}) {
    Index index = Build(c, c.M == 32 ? 16000 : 3000, 5);
    const std::vector<uint8_t> user = User(25'000);
    const std::vector<uint8_t> bytes = mvdb_test::Serialize(index, user);
    const Cut cut = CutOf(bytes);
    ASSERT_GT(cut.links0.end, cut.links0.start);
    Loaded loaded = LoadSplit(bytes, cut, user.size());
    ASSERT_TRUE(loaded.status.ok()) << loaded.status.message();
    EXPECT_EQ(loaded.user_offset, 0u);
    EXPECT_EQ(loaded.user_len, user.size());
    EXPECT_EQ(loaded.index.size(), index.size());
    EXPECT_TRUE(mvdb_test::Serialize(loaded.index, user) == bytes);
    // The adopted layer-0 lists are walked like copied ones: the same results.
    const std::vector<float> query = mvdb_test::UniformData(c.dim, 77);
    mvdb::GrowableArray<mvdb::Neighbor> want, got;
    mvdb::SearchPlan plan = mvdb::SearchPlan::kFlat;
    ASSERT_TRUE(mvdb_test::SearchOne(index, query.data(), 10, 32, nullptr, 0, &want).ok());
    ASSERT_TRUE(mvdb_test::SearchOne(loaded.index, query.data(), 10, 32, nullptr, 0, &got, &plan).ok());
    EXPECT_NE(plan, mvdb::SearchPlan::kFlat);
    ASSERT_EQ(want.size(), got.size());
    for (uint64_t i = 0; i < want.size(); ++i) EXPECT_EQ(want[i].label, got[i].label);
  }
}

TEST(SnapshotSplit, DamagedPiecesAreCorrupt) {
  const Index index = Build(mvdb_test::Config(16, Metric::kL2, 8, 40), 2000, 6);
  const std::vector<uint8_t> user = User(5000);
  const std::vector<uint8_t> bytes = mvdb_test::Serialize(index, user);
  const Cut cut = CutOf(bytes);
  auto corrupt = [](const Loaded& l) { return l.status.code() == mvdb::ErrorCode::kSnapshotCorrupt; };
  // A link changed in the layer-0 blocks read apart: GRPH's CRC.
  const Loaded link = LoadSplit(bytes, cut, user.size(), [](mvdb::SnapshotPayloads* p) { p->links0[1] ^= 1; });
  EXPECT_TRUE(corrupt(link));
  EXPECT_NE(link.status.message().find("GRPH"), std::string::npos) << link.status.message();
  // Too few USER bytes fed, or a different byte fed: USER's check.
  const Loaded short_user = LoadSplit(bytes, cut, user.size() - 1);
  EXPECT_TRUE(corrupt(short_user));
  EXPECT_NE(short_user.status.message().find("USER"), std::string::npos) << short_user.status.message();
  const Loaded wrong_user = LoadSplit(bytes, cut, user.size(), [](mvdb::SnapshotPayloads* p) { p->user_crc ^= 1; });
  EXPECT_TRUE(corrupt(wrong_user));
  // A layer-0 cut of the wrong length (one block short): named, not misread.
  Cut shorter = cut;
  shorter.links0.end -= 4 * (1 + 2 * 8);
  EXPECT_TRUE(corrupt(LoadSplit(bytes, shorter, user.size())));
  // Feeding past the announced USER length is refused.
  mvdb::SnapshotPayloads p;
  p.ExpectUser(3);
  EXPECT_EQ(p.FeedUser(user.data(), 4).code(), mvdb::ErrorCode::kInvalidArgument);
  // Without any cut the same bytes still load (DeserializeSnapshot's path).
  Index whole;
  uint64_t off = 0, len = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), &whole, &off, &len).ok());
  EXPECT_EQ(len, user.size());
}

}  // namespace
