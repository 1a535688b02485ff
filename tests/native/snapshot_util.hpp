// Test-side reader of the snapshot layout documented in snapshot.hpp, written
// independently of snapshot.cpp: finds sections and patches fields so tests
// can craft snapshots with valid checksums but bad content.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "minivectordb/crc32.hpp"
#include "minivectordb/snapshot.hpp"

namespace mvdb_test {

inline uint32_t GetU32(const std::vector<uint8_t>& b, uint64_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}
inline uint64_t GetU64(const std::vector<uint8_t>& b, uint64_t at) {
  return uint64_t(GetU32(b, at)) | uint64_t(GetU32(b, at + 4)) << 32;
}
inline void PutU16(std::vector<uint8_t>* b, uint64_t at, uint16_t v) {
  (*b)[at] = uint8_t(v);
  (*b)[at + 1] = uint8_t(v >> 8);
}
inline void PutU32(std::vector<uint8_t>* b, uint64_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + i] = uint8_t(v >> (8 * i));
}
inline void PutU64(std::vector<uint8_t>* b, uint64_t at, uint64_t v) {
  PutU32(b, at, uint32_t(v));
  PutU32(b, at + 4, uint32_t(v >> 32));
}

struct Section {
  std::string tag;
  uint64_t header;   // offset of the 16-byte section header
  uint64_t payload;  // offset of the payload
  uint64_t length;
};

/// Sections of a well-formed snapshot, in file order.
inline std::vector<Section> Sections(const std::vector<uint8_t>& b) {
  std::vector<Section> out;
  const uint32_t n = GetU32(b, 12);
  uint64_t pos = 24;
  for (uint32_t s = 0; s < n; ++s) {
    Section sec;
    sec.tag.assign(reinterpret_cast<const char*>(b.data() + pos), 4);
    sec.header = pos;
    sec.length = GetU64(b, pos + 8);
    sec.payload = pos + 16;
    out.push_back(sec);
    pos = sec.payload + sec.length;
  }
  return out;
}

inline Section FindSection(const std::vector<uint8_t>& b, const std::string& tag) {
  for (const Section& s : Sections(b))
    if (s.tag == tag) return s;
  return Section{"", 0, 0, 0};
}

/// Recomputes the CRC of the header (bytes 0..19 into 20..23).
inline void FixHeaderCrc(std::vector<uint8_t>* b) { PutU32(b, 20, mvdb::Crc32(b->data(), 20)); }

/// Recomputes the CRC (tag, length, payload) of the section `tag`.
inline void FixSectionCrc(std::vector<uint8_t>* b, const std::string& tag) {
  const Section s = FindSection(*b, tag);
  PutU32(b, s.header + 4, mvdb::SectionCrc(b->data() + s.header));
}

inline std::vector<uint8_t> Serialize(const mvdb::Index& index, const std::vector<uint8_t>& user = {}) {
  mvdb::GrowableArray<uint8_t> buf;
  const mvdb::Status st = mvdb::SerializeSnapshot(index, user.empty() ? nullptr : user.data(), user.size(), &buf);
  if (!st.ok()) return {};
  return std::vector<uint8_t>(buf.data(), buf.data() + buf.size());
}

}  // namespace mvdb_test
