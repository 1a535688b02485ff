// RowBlocks (row_blocks.hpp), the storage of float32 rows, int8 codes and
// layer-0 links: rows across many blocks against a plain reference, growth
// that never moves a stored row (the reason for blocks: a contiguous buffer
// reallocated near the 4 GB wasm32 limit needs the old and the new block at
// once), adoption of a loader's buffer, trimming, and failures that leave the
// store as it was.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "minivectordb/row_blocks.hpp"
#include "minivectordb/vector_store.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::RowBlocks;
using mvdb::ErrorCode;

std::vector<float> Row(uint64_t r, uint64_t width) {
  std::vector<float> v(width);
  for (uint64_t j = 0; j < width; ++j) v[j] = static_cast<float>(r * 1000 + j);
  return v;
}

TEST(RowBlocks, BlocksHoldAPowerOfTwoRowsOfAtMostFourMiB) {
  EXPECT_EQ(RowBlocks<float>(1024).block_rows(), 1024u);     // 4 KiB rows
  EXPECT_EQ(RowBlocks<float>(784).block_rows(), 1024u);      // 3,136 B rows: 1024 * 3136 <= 4 MiB < 2048 * 3136
  EXPECT_EQ(RowBlocks<uint32_t>(33).block_rows(), 16384u);   // layer-0 links at M = 16
  EXPECT_EQ(RowBlocks<float>(1u << 21).block_rows(), 1u);    // an 8 MiB row: one per block
}

TEST(RowBlocks, RowsAcrossManyBlocksMatchAReferenceAndNeverMove) {
  const uint64_t width = 1000;  // 4,000 B rows: 1024 per block
  RowBlocks<float> rows(width);
  std::vector<const float*> where;
  const uint64_t n = 5 * rows.block_rows() + 123;
  for (uint64_t r = 0; r < n; ++r) {
    if (r == rows.capacity()) ASSERT_TRUE(rows.Reserve(r + 1 + r / 3).ok());  // irregular growth steps
    const std::vector<float> v = Row(r, width);
    rows.AppendUnchecked(v.data());
    where.push_back(rows.Row(r));
  }
  ASSERT_EQ(rows.rows(), n);
  for (uint64_t r = 0; r < n; ++r) {
    // Past the first block (which grows by doubling), no growth moved a row.
    if (r >= rows.block_rows()) EXPECT_EQ(rows.Row(r), where[r]) << r;
    const std::vector<float> v = Row(r, width);
    ASSERT_EQ(std::memcmp(rows.Row(r), v.data(), width * sizeof(float)), 0) << r;
  }
  // Contiguous runs end at block boundaries.
  EXPECT_EQ(rows.ContiguousFrom(0), rows.block_rows());
  EXPECT_EQ(rows.ContiguousFrom(rows.block_rows() + 5), rows.block_rows() - 5);
}

TEST(RowBlocks, VectorStoreGrowthKeepsTheAddressOfEveryRowPastTheFirstBlock) {
  // The old store (one buffer, realloc) moved every row on growth.
  mvdb::VectorStore store(1024);
  std::vector<float> v(1024, 1.f);
  ASSERT_TRUE(store.Reserve(2048).ok());
  for (uint32_t i = 0; i < 2048; ++i) store.AppendUnchecked(v.data());
  const float* second_block = store.Get(1024);
  for (uint32_t step = 0; step < 8; ++step) {
    ASSERT_TRUE(store.Reserve(store.size() + 1024).ok());
    for (uint32_t i = 0; i < 1024; ++i) store.AppendUnchecked(v.data());
  }
  EXPECT_EQ(store.Get(1024), second_block);
  // Capacity is whole blocks: at most one block beyond the rows.
  EXPECT_LE(store.MemoryBytes(), uint64_t{store.size() + 1024} * 4096 + 4096);
}

TEST(RowBlocks, SmallStoresStaySmall) {
  RowBlocks<float> rows(1024);
  ASSERT_TRUE(rows.Reserve(10).ok());
  EXPECT_LE(rows.MemoryBytes(), 16u * 4096 + 16 * sizeof(float*));  // 16 rows and the block table, not a whole 4 MiB block
}

TEST(RowBlocks, ResizeZeroFillsNewRowsAcrossBlocks) {
  RowBlocks<uint32_t> rows(33);
  const uint64_t n = 2 * rows.block_rows() + 7;
  ASSERT_TRUE(rows.Resize(n).ok());
  for (uint64_t r = 0; r < n; r += 997)
    for (uint64_t j = 0; j < 33; ++j) ASSERT_EQ(rows.Row(r)[j], 0u);
  ASSERT_EQ(rows.Row(n - 1)[32], 0u);
}

TEST(RowBlocks, AdoptTakesALoadersBufferAndCopiesOnlyThePartialLastBlock) {
  const uint64_t width = 1024;
  RowBlocks<float> rows(width);
  const uint64_t n = 3 * rows.block_rows() + 77;
  GrowableArray<float> buffer;
  ASSERT_TRUE(buffer.Resize(n * width).ok());
  for (uint64_t r = 0; r < n; ++r) {
    const std::vector<float> v = Row(r, width);
    std::memcpy(buffer.data() + r * width, v.data(), width * sizeof(float));
  }
  const float* base = buffer.data();
  ASSERT_TRUE(rows.Adopt(std::move(buffer), n).ok());
  EXPECT_TRUE(buffer.empty());
  ASSERT_EQ(rows.rows(), n);
  EXPECT_EQ(rows.capacity(), 4 * rows.block_rows());
  for (uint64_t r = 0; r < n; ++r) {
    const std::vector<float> v = Row(r, width);
    ASSERT_EQ(std::memcmp(rows.Row(r), v.data(), width * sizeof(float)), 0) << r;
  }
  EXPECT_NE(rows.Row(n - 1), base + (n - 1) * width) << "the partial last block is a block of its own";
  // It grows like any store.
  ASSERT_TRUE(rows.Reserve(n + rows.block_rows()).ok());
  const std::vector<float> v = Row(n, width);
  rows.AppendUnchecked(v.data());
  EXPECT_EQ(std::memcmp(rows.Row(n), v.data(), width * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(rows.Row(5), Row(5, width).data(), width * sizeof(float)), 0);
}

TEST(RowBlocks, TruncateAndTrimFreeTheBlocksPastTheLastRow) {
  RowBlocks<float> rows(1024);
  ASSERT_TRUE(rows.Resize(6 * rows.block_rows()).ok());
  const uint64_t full = rows.MemoryBytes();
  rows.Truncate(rows.block_rows() + 1);
  rows.Trim();
  EXPECT_EQ(rows.capacity(), 2 * rows.block_rows());
  EXPECT_LE(rows.MemoryBytes(), full - 4 * rows.block_rows() * 4096);
  rows.Truncate(0);
  rows.Trim();
  EXPECT_EQ(rows.capacity(), 16u) << "the first block stays, shrunk to the rows";
}

TEST(RowBlocks, ReserveBeyondTheAddressSpaceFailsAndChangesNothing) {
  RowBlocks<float> rows(1024);
  ASSERT_TRUE(rows.Resize(100).ok());
  rows.Row(99)[0] = 42.f;
  const uint64_t capacity = rows.capacity();
  const mvdb::Status st = rows.Reserve(uint64_t{1} << 21);  // 8 GiB of rows
  EXPECT_EQ(st.code(), ErrorCode::kOutOfMemory);
  EXPECT_EQ(rows.capacity(), capacity);
  EXPECT_EQ(rows.rows(), 100u);
  EXPECT_EQ(rows.Row(99)[0], 42.f);
}

}  // namespace
