// Snapshot format: a versioned, checksummed binary serialisation of an Index
// plus one opaque user section (the TypeScript layer stores its ID map and
// metadata there). It is not a dump of linear memory.
//
// Layout (every integer little-endian, fixed width; never size_t):
//
//   File header, 24 bytes
//     0  u8[8] magic "MVDBSNAP"
//     8  u16   major version (readers reject a different major)
//    10  u16   minor version (readers skip section tags they do not know)
//    12  u32   section count (at most kMaxSections)
//    16  u32   flags (0)
//    20  u32   CRC-32 of bytes 0..19
//   Then `section count` sections, each:
//     0  u32   tag (four ASCII bytes: 'CONF', 'VECS', 'QNT8', 'CODE', 'GRPH',
//              'TOMB', 'FRSH', 'USER')
//     4  u32   CRC-32 of the tag, the length field and the payload, in
//              that order (so a flipped tag or length is caught too)
//     8  u64   payload length in bytes
//    16  ...   payload
//   The file ends right after the last section.
//
//   CONF (72 bytes): u32 dim, u32 metric, u32 M, u32 efConstruction,
//     u32 efSearch, u32 count, u32 deleted count, u32 entry point
//     (0xFFFFFFFF when empty), i32 max level (-1 when empty), u32 reserved (0),
//     u64 seed, u64 PRNG state, u32 quantization (0 none, 1 int8), u32 rerank,
//     u32 flags (bit 0: keep float32), u32 reserved (0).
//   VECS: count * dim float32 (IEEE 754 bits), label order. Absent only for
//     int8 with keepFloat off once the quantizer is frozen.
//   QNT8 (int8 only, 24 + 4 * dim bytes): f32 step, u32 frozen (0/1),
//     u64 clipped values, u64 encoded values, dim f32 offsets (quantizer.hpp).
//   CODE (int8 only): count * dim int8 codes in [-127, 127], label order.
//   GRPH: count u8 levels; count * (1 + 2M) u32 layer-0 blocks
//     [n, link_0 .. link_{2M-1}]; then for each label with level L > 0, in
//     label order, L blocks of (1 + M) u32 for layers 1..L. Unused slots are 0.
//   TOMB: ceil(count / 8) bytes, bit i (LSB first) set = label i deleted.
//   FRSH (since 2.1): u32 n <= kFreshCapacity, then n u32 labels (each below
//     count), oldest first: the fresh list (fresh_list.hpp). Absent in 2.0
//     files, which open with an empty list.
//   USER: opaque bytes (optional).
//
// Versions: 2.1 (this layout; written), 2.0 (no FRSH) and 1.0 (read through the explicit
// upgrade UpgradeConfV1 in snapshot.cpp: a 56-byte CONF without the last four
// fields, no QNT8/CODE; fixtures in tests/fixtures/snapshots/v1.0-*.mvdb).
//
// Loading walks and checksums every section before allocating anything, then
// checks every length against the configuration and every link against the
// node count, and rejects bad input with a message naming what is wrong.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/index.hpp"

namespace mvdb {

constexpr uint16_t kSnapshotMajor = 2;
constexpr uint16_t kSnapshotMinor = 1;
constexpr uint32_t kMaxSections = 64;

/// CRC-32 of a section whose 16-byte header starts at `section` and whose
/// payload follows it: over bytes 0..3 (tag), 8..15 (length), then the payload.
uint32_t SectionCrc(const uint8_t* section);

/// Appends the snapshot of `index` with `user_len` opaque bytes at `user`
/// (may be null when user_len is 0) to `out`. Deterministic: the same index
/// state gives the same bytes. Errors: kOutOfMemory (out unchanged in size).
Status SerializeSnapshot(const Index& index, const uint8_t* user, uint64_t user_len, GrowableArray<uint8_t>* out);

/// Parses `len` bytes at `data` into *index (replaced only on success). On
/// success *user_offset / *user_len locate the USER payload inside `data`
/// (0 / 0 when absent). Errors: kSnapshotCorrupt, kSnapshotVersion,
/// kOutOfMemory.
Status DeserializeSnapshot(const uint8_t* data, uint64_t len, Index* index, uint64_t* user_offset,
                           uint64_t* user_len);

/// The float32 rows (VECS payload) and int8 codes (CODE payload) of a
/// snapshot, read by the caller straight into the buffers the loaded index
/// keeps, so that loading holds them once (DeserializeSnapshotSplit).
struct SnapshotPayloads {
  GrowableArray<float> vecs;  // at least vecs_bytes / 4 floats, little-endian bytes
  uint64_t vecs_bytes = 0;
  GrowableArray<int8_t> codes;  // codes.size() bytes
  // GRPH's layer-0 blocks (the links0_bytes after its `count` level bytes),
  // when cut out too (links0_bytes > 0): the graph adopts them.
  GrowableArray<uint32_t> links0;  // at least links0_bytes / 4 words, little-endian bytes
  uint64_t links0_bytes = 0;
  // USER kept by the caller (user_bytes > 0): never in this memory, only its
  // CRC, fed through FeedUser before the load (the header must match it).
  uint64_t user_bytes = 0;
  uint64_t user_fed = 0;
  uint32_t user_crc = 0;  // SectionCrc so far: tag, length, then the bytes fed

  /// Announces a USER payload of `n` bytes kept by the caller (0: none).
  void ExpectUser(uint64_t n);
  /// Adds `size` USER bytes at `data`, in order. Errors: kInvalidArgument past user_bytes.
  Status FeedUser(const uint8_t* data, uint64_t size);
};

/// DeserializeSnapshot of a snapshot whose VECS and CODE payloads were cut
/// out of `rest` (their 16-byte section headers stay in place) and are in
/// `payloads` instead, and with links0_bytes > 0 also the layer-0 blocks of
/// GRPH (its header, level bytes and upper blocks stay in `rest`, the
/// header's length still the whole section's), and with user_bytes > 0 the
/// USER payload (only its CRC was fed); the checks are the same, CRCs
/// included. On success the index adopts those buffers (moved out of
/// *payloads), and *user_offset locates USER inside `rest` (0 when it was
/// cut out; *user_len is its length either way). Errors as
/// DeserializeSnapshot.
Status DeserializeSnapshotSplit(const uint8_t* rest, uint64_t rest_len, SnapshotPayloads* payloads, Index* index,
                                uint64_t* user_offset, uint64_t* user_len);

}  // namespace mvdb
