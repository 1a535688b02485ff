// SnapshotStream (snapshot_stream.hpp): the snapshot format of
// snapshot_writer.cpp, emitted section by section in bounded chunks.
#include "minivectordb/snapshot_stream.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "minivectordb/crc32.hpp"
#include "minivectordb/snapshot.hpp"
#include "snapshot_format.hpp"

namespace mvdb {
using namespace snapshot_format;
namespace {

void PutU16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
}
void PutU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
void PutU64(uint8_t* p, uint64_t v) {
  PutU32(p, uint32_t(v));
  PutU32(p + 4, uint32_t(v >> 32));
}
void PutF32(uint8_t* p, float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  PutU32(p, bits);
}
// n 32-bit words to little-endian bytes at p (one copy on a little-endian host).
template <typename Word>
void PutWords(uint8_t* p, const Word* words, uint64_t n) {
  static_assert(sizeof(Word) == 4, "32-bit words only");
  if (kHostLittleEndian) {
    std::memcpy(p, words, 4 * n);
    return;
  }
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, words + i, 4);
    PutU32(p + 4 * i, bits);
  }
}

}  // namespace

void SnapshotStream::Reset() { *this = SnapshotStream(); }

Status SnapshotStream::Begin(const Index* index, const uint8_t* user, uint64_t user_len) {
  return Start(index, user, user_len, false);
}

Status SnapshotStream::BeginExternalUser(const Index* index, uint64_t user_len) {
  return Start(index, nullptr, user_len, true);
}

Status SnapshotStream::FeedUser(const uint8_t* data, uint64_t n) {
  if (!user_external_ || section_ >= 0) return InvalidArgument("USER bytes are fed after BeginExternalUser, before the first chunk");
  if (n > user_len_ - user_fed_)
    return InvalidArgument("USER bytes fed past the announced " + std::to_string(user_len_) + " bytes");
  user_crc_ = Crc32(data, static_cast<size_t>(n), user_crc_);
  user_fed_ += n;
  return Status::Ok();
}

Status SnapshotStream::Start(const Index* index, const uint8_t* user, uint64_t user_len, bool external) {
  Reset();
  const IndexConfig& c = index->config();
  const HnswGraph& g = index->graph();
  const uint32_t count = index->size();
  for (uint32_t i = 0; i < count; ++i) upper_words_ += uint64_t{g.Level(i)} * (1 + c.M);
  const Layout l = ComputeLayout(count, c.dim, c.M, upper_words_);
  const bool floats = index->has_floats(), quantized = index->quantized();
  // The temporary buffer holds at least one row, one QNT8 payload, one graph block.
  const uint64_t temp_bytes = std::max({kStreamChunkBytes, l.quant, 4 * uint64_t{c.dim}, 4 * (1 + 2 * uint64_t{c.M})});
  MVDB_RETURN_IF_ERROR(temp_.Resize(temp_bytes));
  // Section order and lengths exactly as SerializeSnapshot writes them.
  auto add = [&](uint32_t tag, uint64_t length) { sections_[section_count_++] = Section{tag, length}; };
  add(kTagConf, kConfBytes);
  if (floats) add(kTagVecs, l.vecs);
  if (quantized) {
    add(kTagQuant, l.quant);
    add(kTagCode, l.codes);
  }
  add(kTagGrph, l.levels + l.layer0 + l.upper);
  add(kTagTomb, l.tomb);
  add(kTagFresh, 4 + 4 * uint64_t{index->fresh().size()});
  if (user_len > 0) add(kTagUser, user_len);
  total_ = kFileHeaderBytes;
  for (uint32_t s = 0; s < section_count_; ++s) total_ += kSectionHeaderBytes + sections_[s].length;
  index_ = index;
  user_ = user;
  user_len_ = user_len;
  user_external_ = external && user_len > 0;
  if (user_external_) {
    // The section CRC starts with the tag and the length (SectionCrc); FeedUser adds the payload.
    uint8_t head[12];
    PutU32(head, kTagUser);
    PutU64(head + 4, user_len);
    user_crc_ = Crc32(head + 4, 8, Crc32(head, 4));
  }
  ordered_ = floats && index->dimension_order().learned();
  return Status::Ok();
}

void SnapshotStream::Next(const uint8_t** data, uint64_t* size) {
  *data = small_;
  *size = 0;
  if (index_ == nullptr || done_) return;
  if (section_ < 0) {
    std::memcpy(small_, kMagic, 8);
    PutU16(small_ + 8, kSnapshotMajor);
    PutU16(small_ + 10, kSnapshotMinor);
    PutU32(small_ + 12, section_count_);
    PutU32(small_ + 16, 0);
    PutU32(small_ + 20, Crc32(small_, 20));
    section_ = 0;
    *size = kFileHeaderBytes;
    return;
  }
  while (section_ < static_cast<int32_t>(section_count_)) {
    const Section& s = sections_[section_];
    if (!header_sent_ && user_external_ && s.tag == kTagUser) {
      // The caller's bytes: their CRC was fed; without all of them the header must not go out.
      if (user_fed_ != user_len_) break;
      PutU32(small_, s.tag);
      PutU32(small_ + 4, user_crc_);
      PutU64(small_ + 8, s.length);
      header_sent_ = true;
      *data = small_;
      *size = kSectionHeaderBytes;
      return;
    }
    if (!header_sent_) {
      // The CRC covers the tag, the length, then the payload (SectionCrc):
      // one pass over the payload in place before its header goes out.
      PutU32(small_, s.tag);
      PutU64(small_ + 8, s.length);
      uint32_t crc = Crc32(small_, 4);
      crc = Crc32(small_ + 8, 8, crc);
      cursor_ = 0, phase_ = 0, layer_ = 1;
      const uint8_t* piece = nullptr;
      uint64_t n = 0;
      while (Payload(s, &piece, &n)) crc = Crc32(piece, static_cast<size_t>(n), crc);
      cursor_ = 0, phase_ = 0, layer_ = 1;
      PutU32(small_, s.tag);
      PutU32(small_ + 4, crc);
      PutU64(small_ + 8, s.length);
      header_sent_ = true;
      *data = small_;
      *size = kSectionHeaderBytes;
      return;
    }
    if (Payload(s, data, size)) return;
    ++section_;
    header_sent_ = false;
  }
  done_ = true;
  *data = small_;
  *size = 0;
}

bool SnapshotStream::Payload(const Section& s, const uint8_t** data, uint64_t* size) {
  const Index& index = *index_;
  const IndexConfig& c = index.config();
  const HnswGraph& g = index.graph();
  const uint32_t count = index.size();
  uint8_t* out = temp_.data();
  const uint64_t cap = temp_.size();
  *data = out;
  *size = 0;
  switch (s.tag) {
    case kTagConf: {
      if (cursor_ > 0) return false;
      cursor_ = 1;
      PutU32(out, c.dim);
      PutU32(out + 4, static_cast<uint32_t>(c.metric));
      PutU32(out + 8, c.M);
      PutU32(out + 12, c.ef_construction);
      PutU32(out + 16, c.ef_search);
      PutU32(out + 20, count);
      PutU32(out + 24, index.deleted_count());
      PutU32(out + 28, g.entry_point());
      PutU32(out + 32, static_cast<uint32_t>(g.max_level()));
      PutU32(out + 36, 0);
      PutU64(out + 40, c.seed);
      PutU64(out + 48, g.rng_state());
      PutU32(out + 56, static_cast<uint32_t>(c.quantization));
      PutU32(out + 60, c.rerank);
      PutU32(out + 64, c.keep_float ? 1 : 0);
      PutU32(out + 68, 0);
      *size = kConfBytes;
      return true;
    }
    case kTagVecs: {
      if (cursor_ >= count) return false;
      const uint64_t row_bytes = 4 * uint64_t{c.dim};
      const uint64_t rows = std::min<uint64_t>(std::max<uint64_t>(1, cap / row_bytes), count - cursor_);
      const uint32_t first = static_cast<uint32_t>(cursor_);
      cursor_ += rows;
      if (!ordered_ && kHostLittleEndian) {  // a view of the stored rows (contiguous within a block)
        const uint64_t view = std::min<uint64_t>(rows, index.store().ContiguousFrom(first));
        cursor_ = first + view;
        *data = reinterpret_cast<const uint8_t*>(index.StoredRow(first));
        *size = view * row_bytes;
        return true;
      }
      for (uint64_t r = 0; r < rows; ++r) {
        uint8_t* dst = out + r * row_bytes;
        const uint32_t label = first + static_cast<uint32_t>(r);
        if (ordered_) {
          // Rows go out in the caller's dimension order (Index::CopyVector).
          float* row = reinterpret_cast<float*>(dst);
          index.CopyVector(label, row);
          if (!kHostLittleEndian) PutWords(dst, row, c.dim);
        } else {
          PutWords(dst, index.StoredRow(label), c.dim);
        }
      }
      *size = rows * row_bytes;
      return true;
    }
    case kTagQuant: {
      if (cursor_ > 0) return false;
      cursor_ = 1;
      const ScalarQuantizer& q = index.quantizer();
      PutF32(out, q.step());
      PutU32(out + 4, q.frozen() ? 1 : 0);
      PutU64(out + 8, q.clipped_values());
      PutU64(out + 16, q.encoded_values());
      PutWords(out + kQuantFixedBytes, q.offsets(), c.dim);
      *size = s.length;
      return true;
    }
    case kTagCode: {  // int8 codes: a view (one byte each, no byte order)
      if (cursor_ >= count) return false;
      const uint64_t rows = std::min<uint64_t>({std::max<uint64_t>(1, cap / c.dim), count - cursor_,
                                                uint64_t{index.codes().ContiguousFrom(static_cast<uint32_t>(cursor_))}});
      *data = reinterpret_cast<const uint8_t*>(index.codes().Get(static_cast<uint32_t>(cursor_)));
      *size = rows * c.dim;
      cursor_ += rows;
      return true;
    }
    case kTagGrph: {
      // count u8 levels, then layer-0 blocks, then upper blocks (snapshot.hpp).
      uint64_t used = 0;
      auto put_block = [&](uint32_t label, uint32_t layer, uint32_t slots) {
        uint32_t n = 0;
        const uint32_t* links = g.Links(label, layer, &n);
        PutU32(out + used, n);
        PutWords(out + used + 4, links, n);
        std::memset(out + used + 4 + 4 * uint64_t{n}, 0, 4 * uint64_t{slots - n});  // unused slots are 0
        used += 4 * (1 + uint64_t{slots});
      };
      const uint64_t block0 = 4 * (1 + 2 * uint64_t{c.M}), upper = 4 * (1 + uint64_t{c.M});
      while (used == 0) {
        if (phase_ == 0) {
          for (; cursor_ < count && used < cap; ++cursor_) out[used++] = static_cast<uint8_t>(g.Level(static_cast<uint32_t>(cursor_)));
          if (cursor_ >= count) phase_ = 1, cursor_ = 0;
        } else if (phase_ == 1) {
          for (; cursor_ < count && used + block0 <= cap; ++cursor_) put_block(static_cast<uint32_t>(cursor_), 0, 2 * c.M);
          if (cursor_ >= count) phase_ = 2, cursor_ = 0, layer_ = 1;
        } else {
          while (cursor_ < count && used + upper <= cap) {
            const uint32_t label = static_cast<uint32_t>(cursor_);
            if (layer_ > g.Level(label)) {
              ++cursor_, layer_ = 1;
              continue;
            }
            put_block(label, layer_++, c.M);
          }
          if (cursor_ >= count) break;
        }
      }
      *size = used;
      return used > 0;
    }
    case kTagTomb: {
      const uint64_t bytes = s.length;
      if (cursor_ >= bytes) return false;
      const uint64_t n = std::min(cap, bytes - cursor_);
      for (uint64_t k = 0; k < n; ++k, ++cursor_) {
        uint8_t bits = 0;
        for (uint32_t b = 0; b < 8; ++b) {
          const uint64_t label = cursor_ * 8 + b;
          if (label < count && index.IsDeleted(static_cast<uint32_t>(label))) bits |= uint8_t(1u << b);
        }
        out[k] = bits;
      }
      *size = n;
      return true;
    }
    case kTagFresh: {  // at most 4 + 4 * kFreshCapacity bytes
      if (cursor_ > 0) return false;
      cursor_ = 1;
      const FreshList& fresh = index.fresh();
      PutU32(out, fresh.size());
      PutWords(out + 4, fresh.data(), fresh.size());
      *size = s.length;
      return true;
    }
    case kTagUser: {  // a view of the caller's bytes (none when the caller appends them)
      if (user_external_ || cursor_ >= user_len_) return false;
      *data = user_ + cursor_;
      *size = std::min(cap, user_len_ - cursor_);
      cursor_ += *size;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace mvdb
