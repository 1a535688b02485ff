#include "minivectordb/crc32.hpp"

#include <array>

namespace mvdb {
namespace {

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// Slicing-by-8 tables of the reflected polynomial, computed at compile time:
// t[0] is the classic byte table; t[k][i] is the CRC of byte i followed by
// k zero bytes, so eight table lookups advance the CRC by eight bytes at
// once (Kounavis & Berry, "A Systematic Approach to Building High
// Performance Software-Based CRC Generators", ISCC 2005).
constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  return t;
}
constexpr Tables kTables = MakeTables();

// Little-endian 32-bit load from any address (one load on little-endian hosts).
inline uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t len, uint32_t crc) {
  const auto& t = kTables;
  crc = ~crc;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const uint32_t lo = crc ^ LoadLe32(data + i);
    const uint32_t hi = LoadLe32(data + i + 4);
    crc = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
          t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
  }
  for (; i < len; ++i) crc = t[0][(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

}  // namespace mvdb
