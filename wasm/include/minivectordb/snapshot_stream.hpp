// SnapshotStream: the snapshot of an Index (format in snapshot.hpp) as a
// sequence of chunks, so a checkpoint never needs the whole image in one
// buffer. Each chunk is either a view of the index's own memory (float32
// rows, int8 codes, the caller's USER bytes) or a small temporary buffer
// (headers, CONF, QNT8, graph blocks, tombstone bits, fresh list, rows put
// back in the caller's dimension order) of at most
// max(kStreamChunkBytes, 24 + 4 * dim) bytes. A section's CRC needs its whole
// payload before its header can go out: the payload is walked once to compute
// it in place, then walked again to emit it, so the only extra memory is that
// one temporary buffer. The bytes are identical to SerializeSnapshot's.
#pragma once

#include <cstdint>

#include "minivectordb/buffer.hpp"
#include "minivectordb/index.hpp"

namespace mvdb {

/// Upper bound of a chunk's size, except a QNT8 payload of a larger dim
/// (24 + 4 * dim bytes, at most 256 KiB + 24) and a view never exceeds it either.
constexpr uint64_t kStreamChunkBytes = uint64_t{1} << 20;

class SnapshotStream {
 public:
  /// Starts the snapshot of `index` with `user_len` opaque bytes at `user`
  /// (may be null when user_len is 0). Both must stay alive and unchanged
  /// until the stream ends or Begin/Reset is called again.
  /// Errors: kOutOfMemory (the temporary buffer; the stream is then empty).
  Status Begin(const Index* index, const uint8_t* user, uint64_t user_len);

  /// Starts the snapshot of `index` whose USER section, `user_len` bytes, the
  /// caller appends itself after the last chunk, so those bytes never have to
  /// be in this memory (at the heap's ceiling they may not fit; USER is the
  /// last section). Before the first Next() the caller passes them through
  /// FeedUser, in pieces of any size (e.g. copied into user_window()), for the
  /// section's CRC; the chunks then end with the USER section header, and
  /// total_bytes() counts the payload the caller appends. When the bytes fed
  /// differ from `user_len`, the chunks end before that header (the caller sees
  /// fewer bytes than total_bytes() - user_len). Same bytes as Begin in all.
  /// Errors: kOutOfMemory (the temporary buffer; the stream is then empty).
  Status BeginExternalUser(const Index* index, uint64_t user_len);

  /// Adds `n` bytes at `data` to the CRC of an external USER section, in
  /// order. Errors: kInvalidArgument outside BeginExternalUser before the
  /// first Next(), or past `user_len` in all (nothing added then).
  Status FeedUser(const uint8_t* data, uint64_t n);

  /// The temporary buffer, free until the first Next(): a place for the
  /// caller to put USER pieces of at most user_window_bytes() for FeedUser.
  uint8_t* user_window() { return temp_.data(); }
  uint64_t user_window_bytes() const { return temp_.size(); }

  /// The next chunk: *data and *size (0 once every byte went out). *data is
  /// valid until the next call. Never fails after Begin succeeded.
  void Next(const uint8_t** data, uint64_t* size);

  /// Bytes of the whole snapshot (known at Begin).
  uint64_t total_bytes() const { return total_; }
  /// Bytes of the temporary buffer (what the stream holds beyond the index).
  uint64_t buffer_bytes() const { return temp_.capacity_bytes(); }

  /// Drops the stream and its buffer.
  void Reset();

 private:
  struct Section {
    uint32_t tag = 0;
    uint64_t length = 0;
  };
  Status Start(const Index* index, const uint8_t* user, uint64_t user_len, bool external);
  // One step of a section's payload from cursor_ (a unit index whose meaning
  // depends on the section); false when the payload is done.
  bool Payload(const Section& s, const uint8_t** data, uint64_t* size);

  const Index* index_ = nullptr;
  const uint8_t* user_ = nullptr;
  uint64_t user_len_ = 0;
  bool user_external_ = false;  // BeginExternalUser: the caller appends the USER payload
  uint64_t user_fed_ = 0;       // external USER bytes passed to FeedUser so far
  uint32_t user_crc_ = 0;       // their section CRC so far (tag, length, then those bytes)
  uint64_t total_ = 0;
  Section sections_[8];
  uint32_t section_count_ = 0;
  uint64_t upper_words_ = 0;
  bool ordered_ = false;  // rows are stored in a learned dimension order

  // Position: -1 = file header, then per section: header (after a CRC pass), payload.
  int32_t section_ = -1;
  bool header_sent_ = false;
  bool done_ = false;
  uint64_t cursor_ = 0;
  uint32_t phase_ = 0;  // GRPH: 0 levels, 1 layer-0 blocks, 2 upper blocks
  uint32_t layer_ = 1;  // GRPH upper blocks: next layer of label cursor_
  uint8_t small_[96];  // file / section headers, CONF
  GrowableArray<uint8_t> temp_;
};

}  // namespace mvdb
