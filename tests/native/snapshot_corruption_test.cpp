// The snapshot loader rejects damaged or crafted input with the right code,
// never crashes (ASan/UBSan watch every case), never allocates what a lying
// length claims, and leaves the destination Index untouched on failure.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "minivectordb/crc32.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::ErrorCode;
using mvdb::Index;
using mvdb::Metric;
using mvdb_test::FindSection;
using mvdb_test::FixHeaderCrc;
using mvdb_test::FixSectionCrc;
using mvdb_test::GetU32;
using mvdb_test::PutU32;
using mvdb_test::PutU64;
using mvdb_test::Section;

class SnapshotCorruption : public ::testing::Test {
 protected:
  static constexpr uint32_t kCount = 60, kDim = 4, kM = 4;

  void SetUp() override {
    // Source: a small index with tombstones and a user blob.
    ASSERT_TRUE(src_.Init(mvdb_test::Config(kDim, Metric::kL2, kM, 16, 21)).ok());
    const std::vector<float> v = mvdb_test::ClusteredData(kCount, kDim, 4, 6);
    ASSERT_TRUE(src_.Add(v.data(), kCount).ok());
    ASSERT_TRUE(src_.MarkDeleted(2).ok());
    ASSERT_TRUE(src_.MarkDeleted(59).ok());
    good_ = mvdb_test::Serialize(src_, {'m', 'e', 't', 'a'});
    ASSERT_FALSE(good_.empty());
    // Destination: another, unrelated index that a failed load must not touch.
    ASSERT_TRUE(dst_.Init(mvdb_test::Config(3, Metric::kIP, 5, 7, 3)).ok());
    const std::vector<float> w = mvdb_test::UniformData(3 * 25, 8);
    ASSERT_TRUE(dst_.Add(w.data(), 25).ok());
    ASSERT_TRUE(dst_.MarkDeleted(4).ok());
    dst_bytes_ = mvdb_test::Serialize(dst_);
    // Sanity: the unmodified snapshot loads.
    Index check;
    ASSERT_EQ(Code(good_, &check), ErrorCode::kOk);
  }

  ErrorCode Code(const std::vector<uint8_t>& bytes, Index* into) {
    uint64_t uo = 0xAB, ul = 0xCD;
    const mvdb::Status st = mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), into, &uo, &ul);
    if (!st.ok()) { EXPECT_FALSE(st.message().empty()); }
    return st.code();
  }

  // Loads `bytes` into dst_ expecting `want`; dst_ must be unchanged after.
  void ExpectRejected(const std::vector<uint8_t>& bytes, ErrorCode want, const std::string& what) {
    EXPECT_EQ(Code(bytes, &dst_), want) << what;
    ASSERT_EQ(mvdb_test::Serialize(dst_), dst_bytes_) << "destination modified by a failed load: " << what;
  }

  Section Sec(const std::string& tag) const {
    const Section s = FindSection(good_, tag);
    EXPECT_EQ(s.tag, tag);
    return s;
  }

  Index src_, dst_;
  std::vector<uint8_t> good_, dst_bytes_;
};

TEST_F(SnapshotCorruption, WrongMagic) {
  for (size_t i = 0; i < 8; ++i) {
    std::vector<uint8_t> b = good_;
    b[i] ^= 0x20;
    FixHeaderCrc(&b);  // only the magic is wrong
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "magic byte " + std::to_string(i));
  }
}

TEST_F(SnapshotCorruption, HeaderChecksum) {
  for (size_t i = 0; i < 24; ++i) {
    if (i < 8) continue;  // magic: covered above
    std::vector<uint8_t> b = good_;
    b[i] ^= 0x01;  // any header byte (fields or the CRC itself)
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "header byte " + std::to_string(i));
  }
}

TEST_F(SnapshotCorruption, UnsupportedMajorVersion) {
  for (uint16_t major : {uint16_t{0}, uint16_t{3}, uint16_t{0xFFFF}}) {
    std::vector<uint8_t> b = good_;
    mvdb_test::PutU16(&b, 8, major);
    FixHeaderCrc(&b);
    ExpectRejected(b, ErrorCode::kSnapshotVersion, "major " + std::to_string(major));
  }
}

// A newer minor version is readable, and sections with unknown tags are skipped.
TEST_F(SnapshotCorruption, NewerMinorAndUnknownSectionAreAccepted) {
  std::vector<uint8_t> b = good_;
  mvdb_test::PutU16(&b, 10, 7);
  const std::vector<uint8_t> extra = {'X', 'T', 'R', 'A', 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0xA, 0xB, 0xC};
  const uint64_t at = Sec("VECS").header;  // insert between CONF and VECS
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
  PutU32(&b, at + 4, mvdb::SectionCrc(b.data() + at));
  PutU32(&b, 12, GetU32(b, 12) + 1);
  FixHeaderCrc(&b);
  Index loaded;
  uint64_t uo = 0, ul = 0;
  const mvdb::Status st = mvdb::DeserializeSnapshot(b.data(), b.size(), &loaded, &uo, &ul);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(ul, 4u);
  EXPECT_EQ(std::memcmp(b.data() + uo, "meta", 4), 0);
  EXPECT_EQ(mvdb_test::Serialize(loaded, {'m', 'e', 't', 'a'}), good_);
}

TEST_F(SnapshotCorruption, TruncationAtEveryLength) {
  for (size_t len = 0; len < good_.size(); ++len) {
    // A fresh heap copy of exactly `len` bytes, so ASan sees any read past it.
    std::vector<uint8_t> b(good_.begin(), good_.begin() + static_cast<std::ptrdiff_t>(len));
    b.shrink_to_fit();
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "truncated to " + std::to_string(len));
    if (HasFailure()) return;
  }
}

TEST_F(SnapshotCorruption, TrailingGarbage) {
  for (size_t extra : {1u, 3u, 16u, 100u}) {
    std::vector<uint8_t> b = good_;
    b.insert(b.end(), extra, 0);
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, std::to_string(extra) + " trailing bytes");
  }
}

TEST_F(SnapshotCorruption, FlippedPayloadByteInEverySection) {
  for (const Section& s : mvdb_test::Sections(good_)) {
    ASSERT_GT(s.length, 0u) << s.tag;
    for (uint64_t off = 0; off < s.length; ++off) {
      std::vector<uint8_t> b = good_;
      b[s.payload + off] ^= 0x10;
      ExpectRejected(b, ErrorCode::kSnapshotCorrupt, s.tag + " payload byte " + std::to_string(off));
      if (HasFailure()) return;
    }
    // And the stored CRC itself.
    std::vector<uint8_t> b = good_;
    b[s.header + 5] ^= 0x01;
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, s.tag + " CRC field");
  }
}

TEST_F(SnapshotCorruption, LyingSectionLength) {
  // Lengths beyond the file are rejected before anything is allocated or
  // checksummed (ASan would flag a read past the buffer; a 2^62-byte
  // allocation would abort under ASan's default allocator_may_return_null=0).
  for (const Section& s : mvdb_test::Sections(good_)) {
    for (uint64_t lie : {uint64_t{1} << 62, std::numeric_limits<uint64_t>::max(), uint64_t{1} << 32,
                         s.length + 1, good_.size() - s.payload + 1}) {
      std::vector<uint8_t> b = good_;
      PutU64(&b, s.header + 8, lie);
      ExpectRejected(b, ErrorCode::kSnapshotCorrupt, s.tag + " length " + std::to_string(lie));
    }
    if (s.length >= 4) {
      std::vector<uint8_t> b = good_;
      PutU64(&b, s.header + 8, s.length - 4);  // shorter: the next header is misread
      ExpectRejected(b, ErrorCode::kSnapshotCorrupt, s.tag + " length - 4");
    }
  }
}

TEST_F(SnapshotCorruption, SectionCountOutOfRange) {
  for (uint32_t n : {0u, 3u, 7u, 65u, 0xFFFFFFFFu}) {  // the file has 6
    std::vector<uint8_t> b = good_;
    PutU32(&b, 12, n);
    FixHeaderCrc(&b);
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "section count " + std::to_string(n));
  }
}

TEST_F(SnapshotCorruption, MissingAndDuplicateSections) {
  for (const char* tag : {"CONF", "VECS", "GRPH", "TOMB"}) {
    // Drop the section and decrement the count: everything else is valid.
    const Section s = Sec(tag);
    std::vector<uint8_t> b = good_;
    b.erase(b.begin() + static_cast<std::ptrdiff_t>(s.header),
            b.begin() + static_cast<std::ptrdiff_t>(s.payload + s.length));
    PutU32(&b, 12, GetU32(b, 12) - 1);
    FixHeaderCrc(&b);
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, std::string("missing ") + tag);

    // Append a second copy of the section.
    b = good_;
    b.insert(b.end(), good_.begin() + static_cast<std::ptrdiff_t>(s.header),
             good_.begin() + static_cast<std::ptrdiff_t>(s.payload + s.length));
    PutU32(&b, 12, GetU32(b, 12) + 1);
    FixHeaderCrc(&b);
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, std::string("duplicate ") + tag);
  }
}

// Crafted payloads with correct checksums: the semantic checks must catch them.
class CraftedSnapshot : public SnapshotCorruption {
 protected:
  void Patch32(const std::string& tag, uint64_t offset, uint32_t value, const std::string& what) {
    std::vector<uint8_t> b = good_;
    PutU32(&b, Sec(tag).payload + offset, value);
    FixSectionCrc(&b, tag);
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, what);
  }
  uint64_t Layer0Block(uint32_t label) const { return kCount + uint64_t{label} * (1 + 2 * kM) * 4; }
};

TEST_F(CraftedSnapshot, LinkOutOfRange) {
  const mvdb::HnswGraph& g = src_.graph();
  uint32_t n = 0;
  g.Links(0, 0, &n);
  ASSERT_GT(n, 0u);
  Patch32("GRPH", Layer0Block(0) + 4, kCount, "layer-0 link to label == count");
  Patch32("GRPH", Layer0Block(0) + 4, 0xFFFFFFFFu, "layer-0 link to 0xFFFFFFFF");
  uint32_t n_last = 0;
  g.Links(kCount - 1, 0, &n_last);
  ASSERT_GT(n_last, 0u);
  Patch32("GRPH", Layer0Block(kCount - 1) + 4 * n_last, kCount + 1000, "last node's last used slot");
  // An unused slot (beyond the count) is not a link: its value is ignored.
  if (n_last < 2 * kM) {
    std::vector<uint8_t> b = good_;
    PutU32(&b, Sec("GRPH").payload + Layer0Block(kCount - 1) + 4 * (n_last + 1), kCount + 1000);
    FixSectionCrc(&b, "GRPH");
    Index loaded;
    EXPECT_EQ(Code(b, &loaded), ErrorCode::kOk);
  }
}

TEST_F(CraftedSnapshot, LinkCountAboveCapacity) {
  Patch32("GRPH", Layer0Block(5), 2 * kM + 1, "layer-0 count 2M+1");
  Patch32("GRPH", Layer0Block(5), 0xFFFFFFFFu, "layer-0 count 0xFFFFFFFF");
}

TEST_F(CraftedSnapshot, UpperLayerLinkToNodeNotOnThatLayer) {
  const mvdb::HnswGraph& g = src_.graph();
  // First node with an upper layer, and a node that only lives on layer 0.
  uint32_t upper = kCount, flat = kCount;
  for (uint32_t l = 0; l < kCount; ++l) {
    if (upper == kCount && g.Level(l) > 0) upper = l;
    if (flat == kCount && g.Level(l) == 0) flat = l;
  }
  ASSERT_LT(upper, kCount) << "seed gave no upper layer; pick another seed";
  ASSERT_LT(flat, kCount);
  uint64_t block = kCount + uint64_t{kCount} * (1 + 2 * kM) * 4;  // first upper block
  for (uint32_t l = 0; l < upper; ++l) block += uint64_t{g.Level(l)} * (1 + kM) * 4;
  std::vector<uint8_t> b = good_;
  const uint64_t at = Sec("GRPH").payload + block;
  PutU32(&b, at, 1);
  PutU32(&b, at + 4, flat);
  FixSectionCrc(&b, "GRPH");
  ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "layer-1 link to a layer-0 node");
}

TEST_F(CraftedSnapshot, LevelsAndEntryPoint) {
  // A level above kMaxLevel (the section length then no longer matches either).
  {
    std::vector<uint8_t> b = good_;
    b[Sec("GRPH").payload + 7] = mvdb::kMaxLevel + 1;
    FixSectionCrc(&b, "GRPH");
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "level above kMaxLevel");
  }
  const mvdb::HnswGraph& g = src_.graph();
  uint32_t low = 0;  // a node below the top level
  while (static_cast<int32_t>(g.Level(low)) == g.max_level()) ++low;
  Patch32("CONF", 28, kCount, "entry point out of range");
  Patch32("CONF", 28, low, "entry point not on the top level");
  Patch32("CONF", 32, static_cast<uint32_t>(g.max_level() + 1), "max level too high");
  Patch32("CONF", 32, 0xFFFFFFFFu, "max level -1 with nodes");
}

TEST_F(CraftedSnapshot, ConfigurationFields) {
  Patch32("CONF", 0, 0, "dim 0");
  Patch32("CONF", 0, kDim + 1, "dim disagrees with VECS");
  Patch32("CONF", 4, 3, "metric 3");
  Patch32("CONF", 8, 1, "M 1");
  Patch32("CONF", 8, kM + 1, "M disagrees with GRPH");
  Patch32("CONF", 12, 0, "efConstruction 0");
  Patch32("CONF", 16, 0, "efSearch 0");
  Patch32("CONF", 20, kCount + 1, "count + 1");
  Patch32("CONF", 20, 0xFFFFFFFFu, "count 0xFFFFFFFF");
  Patch32("CONF", 24, 3, "deleted count disagrees with TOMB");
  Patch32("CONF", 24, kCount + 1, "deleted count above count");
}

TEST_F(CraftedSnapshot, ConfSectionLength) {
  // CONF of 68 or 76 bytes, and the 1.0 length 56 in a 2.0 file (lengths
  // and CRC consistent).
  for (int delta : {-4, 4, -16}) {
    const Section s = Sec("CONF");
    std::vector<uint8_t> b = good_;
    if (delta < 0) {
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(s.payload + 72 + delta), b.begin() + static_cast<std::ptrdiff_t>(s.payload + 72));
    } else {
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(s.payload + 72), 4, 0);
    }
    PutU64(&b, s.header + 8, 72 + delta);
    FixSectionCrc(&b, "CONF");
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "CONF length " + std::to_string(72 + delta));
  }
}

TEST_F(CraftedSnapshot, TombstonesAndVectors) {
  // 60 labels -> 8 TOMB bytes; bit 60..63 are padding and must be clear.
  {
    std::vector<uint8_t> b = good_;
    b[Sec("TOMB").payload + 7] |= 0x80;  // label 63 does not exist
    FixSectionCrc(&b, "TOMB");
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "tombstone past the last label");
  }
  {
    std::vector<uint8_t> b = good_;
    b[Sec("TOMB").payload] |= 0x01;  // one more tombstone than CONF says
    FixSectionCrc(&b, "TOMB");
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "tombstone count mismatch");
  }
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    uint32_t bits;
    std::memcpy(&bits, &bad, 4);
    Patch32("VECS", 4 * 37, bits, "non-finite vector value");
  }
}

// Every single-bit flip anywhere in the file is rejected: the header CRC
// covers the header, each section CRC its tag, length and payload.
TEST_F(SnapshotCorruption, EverySingleBitFlipIsRejected) {
  for (size_t i = 0; i < good_.size(); ++i) {
    std::vector<uint8_t> b = good_;
    b[i] ^= static_cast<uint8_t>(1u << (i % 8));
    ExpectRejected(b, ErrorCode::kSnapshotCorrupt, "bit flip at byte " + std::to_string(i));
    if (HasFailure()) return;
  }
}

}  // namespace
