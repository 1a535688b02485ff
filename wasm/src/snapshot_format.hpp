// The snapshot format's shared pieces, private to snapshot_writer.cpp and
// snapshot_reader.cpp: magic, section tags, fixed sizes, little-endian
// loads and the section layout computed from the counts. The format itself
// is documented in wasm/include/minivectordb/snapshot.hpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "minivectordb/crc32.hpp"
#include "minivectordb/snapshot.hpp"

namespace mvdb {
namespace snapshot_format {

constexpr uint8_t kMagic[8] = {'M', 'V', 'D', 'B', 'S', 'N', 'A', 'P'};
constexpr uint64_t kFileHeaderBytes = 24;
constexpr uint64_t kSectionHeaderBytes = 16;
constexpr uint64_t kConfBytesV1 = 56;
constexpr uint64_t kConfBytes = 72;
constexpr uint64_t kQuantFixedBytes = 24;
// Snapshots are little-endian; on such a host (WebAssembly always is) words
// are copied as they lie in memory.
constexpr bool kHostLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

constexpr uint32_t Tag(char a, char b, char c, char d) {
  return uint32_t(uint8_t(a)) | uint32_t(uint8_t(b)) << 8 | uint32_t(uint8_t(c)) << 16 | uint32_t(uint8_t(d)) << 24;
}
constexpr uint32_t kTagConf = Tag('C', 'O', 'N', 'F');
constexpr uint32_t kTagVecs = Tag('V', 'E', 'C', 'S');
constexpr uint32_t kTagGrph = Tag('G', 'R', 'P', 'H');
constexpr uint32_t kTagTomb = Tag('T', 'O', 'M', 'B');
constexpr uint32_t kTagUser = Tag('U', 'S', 'E', 'R');
constexpr uint32_t kTagFresh = Tag('F', 'R', 'S', 'H');
constexpr uint32_t kTagQuant = Tag('Q', 'N', 'T', '8');
constexpr uint32_t kTagCode = Tag('C', 'O', 'D', 'E');

inline std::string TagName(uint32_t tag) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xFF);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

inline uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
inline uint32_t LoadU32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t LoadU64(const uint8_t* p) { return uint64_t(LoadU32(p)) | uint64_t(LoadU32(p + 4)) << 32; }
inline float LoadF32(const uint8_t* p) {
  const uint32_t bits = LoadU32(p);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

struct SectionRef {
  uint64_t offset = 0;  // of the payload in the bytes given (0 for a payload read apart)
  uint64_t length = 0;
  bool present = false;
  const uint8_t* data = nullptr;  // the payload
};

/// SectionCrc of a section whose payload does not follow its header.
inline uint32_t SplitSectionCrc(const uint8_t* header, const uint8_t* payload, uint64_t length) {
  uint32_t crc = Crc32(header, 4);
  crc = Crc32(header + 8, 8, crc);
  return Crc32(payload, static_cast<size_t>(length), crc);
}

struct Layout {
  uint64_t vecs, levels, layer0, upper, tomb, quant, codes;
};

inline Layout ComputeLayout(uint32_t count, uint32_t dim, uint32_t M, uint64_t upper_words) {
  Layout l;
  l.vecs = uint64_t{count} * dim * 4;
  l.quant = kQuantFixedBytes + uint64_t{dim} * 4;
  l.codes = uint64_t{count} * dim;
  l.levels = count;
  l.layer0 = uint64_t{count} * (1 + 2 * uint64_t{M}) * 4;
  l.upper = upper_words * 4;
  l.tomb = (uint64_t{count} + 7) / 8;
  return l;
}

}  // namespace snapshot_format
}  // namespace mvdb
