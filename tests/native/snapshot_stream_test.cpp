// SnapshotStream: the chunked snapshot equals, byte for byte, the one-buffer
// SerializeSnapshot (the reference: the writer every earlier snapshot was
// written by) for every section and writer path, including payloads of many
// chunks; chunks stay within the bound; the stream reopens.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "minivectordb/snapshot_stream.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::Index;
using mvdb::Metric;

struct Streamed {
  std::vector<uint8_t> bytes;
  uint64_t total = 0;
  uint64_t chunks = 0;
  uint64_t largest = 0;
};

Streamed Stream(const Index& index, const std::vector<uint8_t>& user) {
  mvdb::SnapshotStream stream;
  Streamed out;
  EXPECT_TRUE(stream.Begin(&index, user.empty() ? nullptr : user.data(), user.size()).ok());
  out.total = stream.total_bytes();
  EXPECT_LE(stream.buffer_bytes(), mvdb::kStreamChunkBytes + 64);
  for (;;) {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
    stream.Next(&data, &size);
    if (size == 0) break;
    out.bytes.insert(out.bytes.end(), data, data + size);
    ++out.chunks;
    out.largest = std::max(out.largest, size);
  }
  // Finished: further calls keep answering "done".
  const uint8_t* data = nullptr;
  uint64_t size = 1;
  stream.Next(&data, &size);
  EXPECT_EQ(size, 0u);
  return out;
}

void ExpectSameAsSerialize(const Index& index, const std::vector<uint8_t>& user) {
  const std::vector<uint8_t> want = mvdb_test::Serialize(index, user);
  ASSERT_FALSE(want.empty());
  const Streamed got = Stream(index, user);
  EXPECT_EQ(got.total, want.size());
  ASSERT_EQ(got.bytes.size(), want.size());
  EXPECT_TRUE(got.bytes == want);
  EXPECT_LE(got.largest, mvdb::kStreamChunkBytes);
}

Index Build(mvdb::IndexConfig c, uint32_t n, uint64_t seed, uint32_t delete_every) {
  Index index;
  EXPECT_TRUE(index.Init(c).ok());
  const std::vector<float> data = mvdb_test::UniformData(size_t{n} * c.dim, seed);
  EXPECT_TRUE(index.Add(data.data(), n).ok());
  if (delete_every > 0)
    for (uint32_t i = 0; i < n; i += delete_every) EXPECT_TRUE(index.MarkDeleted(i).ok());
  if (delete_every > 0) EXPECT_TRUE(index.Add(data.data(), 3).ok());  // reuses tombstones: a fresh list
  return index;
}

std::vector<uint8_t> User(size_t n) {
  std::vector<uint8_t> u(n);
  for (size_t i = 0; i < n; ++i) u[i] = static_cast<uint8_t>(i * 13 + 5);
  return u;
}

TEST(SnapshotStream, EmptyIndexWithAndWithoutUser) {
  Index index;
  ASSERT_TRUE(index.Init(mvdb_test::Config(8, Metric::kL2)).ok());
  ExpectSameAsSerialize(index, {});
  ExpectSameAsSerialize(index, User(5));
}

TEST(SnapshotStream, FloatRowsInStoredOrderAcrossManyChunks) {
  // 300 rows below kOrderSample: no learned order, rows go out as views.
  const Index small = Build(mvdb_test::Config(16, Metric::kL2, 8, 32), 300, 1, 7);
  ASSERT_FALSE(small.dimension_order().learned());
  ExpectSameAsSerialize(small, User(100));
}

TEST(SnapshotStream, LearnedDimensionOrderLargeVecsGraphAndUser) {
  // dim 512 x 1500 rows = 3 MB of VECS in a learned order (temporary buffer
  // path, several chunks), GRPH over 1 MiB with M = 32, a 2.5 MB USER.
  const Index index = Build(mvdb_test::Config(512, Metric::kL2, 32, 40), 1500, 2, 11);  // L2: cosine never learns an order
  ASSERT_TRUE(index.dimension_order().learned());
  const std::vector<uint8_t> user = User(2'500'000);
  ExpectSameAsSerialize(index, user);
  EXPECT_GT(Stream(index, user).chunks, 8u);
}

TEST(SnapshotStream, Int8KeepingAndDroppingFloats) {
  mvdb::IndexConfig keep = mvdb_test::Config(64, Metric::kIP, 8, 32);
  keep.quantization = mvdb::Quantization::kInt8;
  keep.keep_float = true;
  ExpectSameAsSerialize(Build(keep, 1200, 3, 13), User(10));
  mvdb::IndexConfig drop = keep;
  drop.metric = Metric::kL2;
  drop.keep_float = false;
  // 20,000 x 64 codes = 1.3 MB of CODE (views over two chunks); frozen: no VECS.
  const Index dropped = Build(drop, 20000, 4, 0);
  ASSERT_FALSE(dropped.has_floats());
  ExpectSameAsSerialize(dropped, {});
}

TEST(SnapshotStream, MaxDimensionRowsEachAChunk) {
  // A 256 KiB row: four rows per chunk; QNT8 of 24 + 4 * 65536 bytes.
  mvdb::IndexConfig c = mvdb_test::Config(mvdb::kMaxDim, Metric::kL2, 2, 4);
  c.quantization = mvdb::Quantization::kInt8;
  ExpectSameAsSerialize(Build(c, 9, 5, 4), User(3));
}

TEST(SnapshotStream, ReadsBackAndRestartsAfterReset) {
  const Index index = Build(mvdb_test::Config(24, Metric::kL2, 8, 32), 500, 6, 9);
  const Streamed first = Stream(index, User(7));
  Index loaded;
  uint64_t off = 0, len = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(first.bytes.data(), first.bytes.size(), &loaded, &off, &len).ok());
  EXPECT_EQ(len, 7u);
  EXPECT_EQ(loaded.size(), index.size());
  // Stopping early then starting again gives the whole snapshot again.
  mvdb::SnapshotStream stream;
  const std::vector<uint8_t> user = User(7);
  ASSERT_TRUE(stream.Begin(&index, user.data(), user.size()).ok());
  const uint8_t* data = nullptr;
  uint64_t size = 0;
  stream.Next(&data, &size);
  stream.Next(&data, &size);
  stream.Reset();
  stream.Next(&data, &size);
  EXPECT_EQ(size, 0u);  // a reset stream is empty
  EXPECT_TRUE(Stream(index, user).bytes == first.bytes);
}

// BeginExternalUser: the caller's USER bytes are fed (in `piece`-sized parts)
// for the CRC and appended after the chunks, never read by the stream.
struct External {
  std::vector<uint8_t> bytes;  // the stream's chunks, then the caller's USER bytes
  uint64_t total = 0;
  uint64_t stream_bytes = 0;  // what the stream itself emitted
};

External StreamExternal(const Index& index, const std::vector<uint8_t>& user, uint64_t piece, uint64_t fed_bytes) {
  mvdb::SnapshotStream stream;
  External out;
  EXPECT_TRUE(stream.BeginExternalUser(&index, user.size()).ok());
  out.total = stream.total_bytes();
  // Through the stream's own buffer, as the binding does it.
  EXPECT_GE(stream.user_window_bytes(), mvdb::kStreamChunkBytes);
  for (uint64_t at = 0; at < fed_bytes; at += piece) {
    const uint64_t n = std::min(piece, fed_bytes - at);
    std::copy(user.begin() + at, user.begin() + at + n, stream.user_window());
    EXPECT_TRUE(stream.FeedUser(stream.user_window(), n).ok());
  }
  for (;;) {
    const uint8_t* data = nullptr;
    uint64_t size = 0;
    stream.Next(&data, &size);
    if (size == 0) break;
    EXPECT_LE(size, mvdb::kStreamChunkBytes);
    out.bytes.insert(out.bytes.end(), data, data + size);
  }
  out.stream_bytes = out.bytes.size();
  out.bytes.insert(out.bytes.end(), user.begin(), user.end());
  return out;
}

TEST(SnapshotStream, ExternalUserGivesTheSameBytes) {
  // Every section kind before USER, a USER of several windows fed in odd
  // pieces, and the empty USER (no section at all, as Begin writes it).
  const Index index = Build(mvdb_test::Config(512, Metric::kL2, 32, 40), 1500, 7, 11);
  mvdb::IndexConfig q = mvdb_test::Config(64, Metric::kIP, 8, 32);
  q.quantization = mvdb::Quantization::kInt8;
  const Index quantized = Build(q, 1200, 8, 13);
  Index empty;
  ASSERT_TRUE(empty.Init(mvdb_test::Config(8, Metric::kL2)).ok());
  for (const Index* ix : std::initializer_list<const Index*>{&index, &quantized, &empty}) {
    for (const size_t n : {size_t{0}, size_t{1}, size_t{2'500'000}}) {
      const std::vector<uint8_t> user = User(n);
      const std::vector<uint8_t> want = mvdb_test::Serialize(*ix, user);
      const External got = StreamExternal(*ix, user, 333'333, user.size());
      EXPECT_EQ(got.total, want.size());
      EXPECT_EQ(got.stream_bytes, want.size() - user.size());
      EXPECT_TRUE(got.bytes == want) << "user bytes " << n;
    }
  }
}

TEST(SnapshotStream, ExternalUserNotFullyFedEndsBeforeItsHeader) {
  const Index index = Build(mvdb_test::Config(24, Metric::kL2, 8, 32), 500, 9, 9);
  const std::vector<uint8_t> user = User(5000);
  const std::vector<uint8_t> want = mvdb_test::Serialize(index, user);
  // 4999 of 5000 bytes fed: the chunks stop before the USER header, so the
  // caller sees a short stream and never writes a header with a wrong CRC.
  const External short_fed = StreamExternal(index, user, 1000, 4999);
  EXPECT_EQ(short_fed.total, want.size());
  EXPECT_EQ(short_fed.stream_bytes, want.size() - user.size() - 16);
  // Feeding more than announced, or once the chunks started, is refused.
  mvdb::SnapshotStream stream;
  ASSERT_TRUE(stream.BeginExternalUser(&index, user.size()).ok());
  EXPECT_EQ(stream.FeedUser(user.data(), user.size() + 1).code(), mvdb::ErrorCode::kInvalidArgument);
  ASSERT_TRUE(stream.FeedUser(user.data(), user.size()).ok());
  EXPECT_EQ(stream.FeedUser(user.data(), 1).code(), mvdb::ErrorCode::kInvalidArgument);
  const uint8_t* data = nullptr;
  uint64_t size = 0;
  stream.Next(&data, &size);
  EXPECT_EQ(stream.FeedUser(user.data(), 0).code(), mvdb::ErrorCode::kInvalidArgument);
  // A stream begun with its USER bytes in memory takes no fed bytes.
  mvdb::SnapshotStream internal;
  ASSERT_TRUE(internal.Begin(&index, user.data(), user.size()).ok());
  EXPECT_EQ(internal.FeedUser(user.data(), 1).code(), mvdb::ErrorCode::kInvalidArgument);
}

}  // namespace
