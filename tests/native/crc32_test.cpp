// CRC-32 (IEEE, reflected 0xEDB88320) against published check values and a
// bit-at-a-time reference written here.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "minivectordb/crc32.hpp"
#include "test_data.hpp"

namespace {

uint32_t Crc(const std::string& s) { return mvdb::Crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// Bitwise CRC-32, no table: independent of the core's table generation.
uint32_t BitwiseCrc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

TEST(Crc32, CheckValue) { EXPECT_EQ(Crc("123456789"), 0xCBF43926u); }

TEST(Crc32, EmptyInputIsZero) {
  EXPECT_EQ(mvdb::Crc32(nullptr, 0), 0u);
  const uint8_t b = 0x55;
  EXPECT_EQ(mvdb::Crc32(&b, 0), 0u);
  // Continuing with no bytes keeps the running value.
  EXPECT_EQ(mvdb::Crc32(&b, 0, 0xCBF43926u), 0xCBF43926u);
}

TEST(Crc32, KnownVectors) {
  EXPECT_EQ(Crc("a"), 0xE8B7BE43u);
  EXPECT_EQ(Crc("abc"), 0x352441C2u);
  EXPECT_EQ(Crc("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  const std::vector<uint8_t> zeros(32, 0);
  EXPECT_EQ(mvdb::Crc32(zeros.data(), zeros.size()), 0x190A55ADu);
  const std::vector<uint8_t> ones(32, 0xFF);
  EXPECT_EQ(mvdb::Crc32(ones.data(), ones.size()), 0xFF6CAB0Bu);
}

TEST(Crc32, MatchesBitwiseReferenceOnRandomData) {
  mvdb_test::Gaussian g(2024);
  for (size_t n : {1u, 2u, 3u, 7u, 64u, 255u, 1000u, 4099u}) {
    std::vector<uint8_t> buf(n);
    for (uint8_t& b : buf) b = static_cast<uint8_t>(g.Bits());
    EXPECT_EQ(mvdb::Crc32(buf.data(), n), BitwiseCrc32(buf.data(), n)) << "n=" << n;
  }
}

TEST(Crc32, MatchesBitwiseReferenceAtEveryAlignment) {
  // The core reads eight bytes per step: start and end at every offset.
  mvdb_test::Gaussian g(99);
  std::vector<uint8_t> buf(300);
  for (uint8_t& b : buf) b = static_cast<uint8_t>(g.Bits());
  for (size_t start = 0; start < 9; ++start)
    for (size_t n = 0; n + start <= 40; ++n)
      EXPECT_EQ(mvdb::Crc32(buf.data() + start, n), BitwiseCrc32(buf.data() + start, n)) << start << "+" << n;
  EXPECT_EQ(mvdb::Crc32(buf.data() + 3, 297), BitwiseCrc32(buf.data() + 3, 297));
}

TEST(Crc32, IncrementalEqualsOneShot) {
  mvdb_test::Gaussian g(7);
  std::vector<uint8_t> buf(1000);
  for (uint8_t& b : buf) b = static_cast<uint8_t>(g.Bits());
  const uint32_t whole = mvdb::Crc32(buf.data(), buf.size());
  for (size_t split : {0u, 1u, 499u, 999u, 1000u}) {
    const uint32_t first = mvdb::Crc32(buf.data(), split);
    EXPECT_EQ(mvdb::Crc32(buf.data() + split, buf.size() - split, first), whole) << "split=" << split;
  }
}

TEST(Crc32, DetectsEverySingleBitFlip) {
  std::vector<uint8_t> buf(64);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<uint8_t>(i * 37 + 11);
  const uint32_t base = mvdb::Crc32(buf.data(), buf.size());
  for (size_t i = 0; i < buf.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      buf[i] ^= static_cast<uint8_t>(1u << bit);
      EXPECT_NE(mvdb::Crc32(buf.data(), buf.size()), base) << "byte " << i << " bit " << bit;
      buf[i] ^= static_cast<uint8_t>(1u << bit);
    }
  }
}

}  // namespace
