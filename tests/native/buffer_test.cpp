// GrowableArray: growth, zero-fill, moves, and out-of-memory reported as a
// Status (never an abort) with the array left unchanged.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "minivectordb/buffer.hpp"

namespace {

using mvdb::ErrorCode;
using mvdb::GrowableArray;

TEST(GrowableArray, ReserveAndPushBack) {
  GrowableArray<uint32_t> a;
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.capacity(), 0u);
  ASSERT_TRUE(a.Reserve(1000).ok());
  EXPECT_GE(a.capacity(), 1000u);
  for (uint32_t i = 0; i < 1000; ++i) a.PushBackUnchecked(i * 3);
  EXPECT_EQ(a.size(), 1000u);
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_EQ(a[i], i * 3);
  EXPECT_EQ(a.capacity_bytes(), a.capacity() * sizeof(uint32_t));
  a.PopBack();
  EXPECT_EQ(a.size(), 999u);
  a.Clear();
  EXPECT_EQ(a.size(), 0u);
  EXPECT_GE(a.capacity(), 1000u);
}

TEST(GrowableArray, GrowthAtLeastDoublesAndKeepsContents) {
  GrowableArray<uint64_t> a;
  ASSERT_TRUE(a.Reserve(20).ok());
  for (uint64_t i = 0; i < 20; ++i) a.PushBackUnchecked(i * i);
  const uint64_t cap = a.capacity();
  ASSERT_TRUE(a.Reserve(cap + 1).ok());
  EXPECT_GE(a.capacity(), 2 * cap);
  for (uint64_t i = 0; i < 20; ++i) ASSERT_EQ(a[i], i * i);
  // Reserving less than the capacity changes nothing.
  const uint64_t cap2 = a.capacity();
  ASSERT_TRUE(a.Reserve(1).ok());
  EXPECT_EQ(a.capacity(), cap2);
  // A jump past twice the capacity gets exactly what it asks for (a bulk
  // reservation is not rounded up to a power of two), contents kept.
  ASSERT_TRUE(a.Reserve(10 * cap2 + 3).ok());
  EXPECT_EQ(a.capacity(), 10 * cap2 + 3);
  for (uint64_t i = 0; i < 20; ++i) ASSERT_EQ(a[i], i * i);
}

TEST(GrowableArray, ResizeZeroFillsNewElements) {
  GrowableArray<uint32_t> a;
  ASSERT_TRUE(a.Resize(10).ok());
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_EQ(a[i], 0u);
    a[i] = 0xDEADBEEFu;
  }
  ASSERT_TRUE(a.Resize(4).ok());
  EXPECT_EQ(a.size(), 4u);
  ASSERT_TRUE(a.Resize(300).ok());
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(a[i], 0xDEADBEEFu);
  for (uint32_t i = 4; i < 300; ++i) ASSERT_EQ(a[i], 0u) << i;
}

TEST(GrowableArray, MoveTransfersOwnership) {
  GrowableArray<uint32_t> a;
  ASSERT_TRUE(a.Resize(5).ok());
  a[2] = 7;
  const uint32_t* p = a.data();
  GrowableArray<uint32_t> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(b[2], 7u);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.capacity(), 0u);
  GrowableArray<uint32_t> c;
  ASSERT_TRUE(c.Resize(3).ok());
  c = std::move(b);  // frees c's old buffer (ASan would report a leak otherwise)
  EXPECT_EQ(c.size(), 5u);
  EXPECT_EQ(c[2], 7u);
}

// Element counts whose byte size cannot be represented in size_t must fail
// before malloc is reached, with kOutOfMemory, leaving the array unchanged.
template <typename T>
void ExpectAbsurdReserveFails(uint64_t n) {
  GrowableArray<T> a;
  ASSERT_TRUE(a.Resize(3).ok());
  a[0] = T(1);
  a[2] = T(9);
  const T* before = a.data();
  const uint64_t cap = a.capacity();
  const mvdb::Status st = a.Reserve(n);
  EXPECT_EQ(st.code(), ErrorCode::kOutOfMemory) << "n=" << n << " sizeof=" << sizeof(T);
  EXPECT_FALSE(st.message().empty());
  EXPECT_EQ(a.data(), before);
  EXPECT_EQ(a.capacity(), cap);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0], T(1));
  EXPECT_EQ(a[2], T(9));
  const mvdb::Status rs = a.Resize(n);
  EXPECT_EQ(rs.code(), ErrorCode::kOutOfMemory);
  EXPECT_EQ(a.size(), 3u);
}

TEST(GrowableArray, AbsurdReserveReturnsOutOfMemory) {
  ExpectAbsurdReserveFails<uint64_t>(1ull << 62);
  ExpectAbsurdReserveFails<uint32_t>(1ull << 62);
  ExpectAbsurdReserveFails<float>((1ull << 62) + 1);
  ExpectAbsurdReserveFails<uint32_t*>(1ull << 61);
}

// Counts above 2^63 used to overflow the capacity doubling (cap *= 2 wraps
// to 0) and spin forever.
TEST(GrowableArray, ReserveNearUint64MaxDoesNotHang) {
  ExpectAbsurdReserveFails<uint32_t>(UINT64_MAX);
  ExpectAbsurdReserveFails<uint64_t>((1ull << 63) + 1);
  ExpectAbsurdReserveFails<float>(1ull << 63);
}

}  // namespace
