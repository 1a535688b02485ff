// SerializeSnapshot: an Index (plus the caller's USER bytes) to the
// snapshot format (snapshot.hpp), sized once, written in one pass.
#include <cstring>
#include <string>

#include "minivectordb/crc32.hpp"
#include "minivectordb/snapshot.hpp"
#include "snapshot_format.hpp"

namespace mvdb {
using namespace snapshot_format;
namespace {

// Appends little-endian fields into a buffer whose capacity was reserved.
class Writer {
 public:
  explicit Writer(GrowableArray<uint8_t>* out) : out_(out) {}
  void U8(uint8_t v) { out_->PushBackUnchecked(v); }
  void U16(uint16_t v) {
    const uint8_t b[2] = {uint8_t(v), uint8_t(v >> 8)};
    Bytes(b, 2);
  }
  void U32(uint32_t v) {
    const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    Bytes(b, 4);
  }
  void U64(uint64_t v) {
    U32(uint32_t(v));
    U32(uint32_t(v >> 32));
  }
  void F32(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    U32(bits);
  }
  void Bytes(const uint8_t* p, uint64_t n) { out_->AppendUnchecked(p, n); }
  /// n 32-bit words (uint32 or float32), little-endian: one copy on a
  /// little-endian host (WebAssembly always is), word by word otherwise.
  template <typename Word>
  void Words(const Word* p, uint64_t n) {
    static_assert(sizeof(Word) == 4, "32-bit words only");
    if (kHostLittleEndian) {
      Bytes(reinterpret_cast<const uint8_t*>(p), 4 * n);
      return;
    }
    for (uint64_t i = 0; i < n; ++i) {
      uint32_t bits;
      std::memcpy(&bits, p + i, 4);
      U32(bits);
    }
  }
  void Zeros(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) U8(0);
  }
  uint64_t pos() const { return out_->size(); }
  uint8_t* at(uint64_t offset) { return out_->data() + offset; }

  // Starts a section; returns the offset of its header.
  uint64_t BeginSection(uint32_t tag, uint64_t payload_len) {
    const uint64_t at_header = pos();
    U32(tag);
    U32(0);  // CRC, patched by EndSection
    U64(payload_len);
    return at_header;
  }
  void EndSection(uint64_t header) {
    const uint32_t crc = SectionCrc(at(header));
    for (int i = 0; i < 4; ++i) at(header + 4)[i] = uint8_t(crc >> (8 * i));
  }

 private:
  GrowableArray<uint8_t>* out_;
};

}  // namespace

uint32_t SectionCrc(const uint8_t* section) {
  const uint64_t len = LoadU64(section + 8);
  uint32_t crc = Crc32(section, 4);
  crc = Crc32(section + 8, 8, crc);
  return Crc32(section + kSectionHeaderBytes, static_cast<size_t>(len), crc);
}

Status SerializeSnapshot(const Index& index, const uint8_t* user, uint64_t user_len, GrowableArray<uint8_t>* out) {
  const IndexConfig& c = index.config();
  const HnswGraph& g = index.graph();
  const uint32_t count = index.size();
  uint64_t upper_words = 0;
  for (uint32_t i = 0; i < count; ++i) upper_words += uint64_t{g.Level(i)} * (1 + c.M);
  const Layout l = ComputeLayout(count, c.dim, c.M, upper_words);
  const bool floats = index.has_floats(), quantized = index.quantized();
  const FreshList& fresh = index.fresh();
  const uint64_t fresh_bytes = 4 + 4 * uint64_t{fresh.size()};
  const uint32_t sections = 4 + (floats ? 1 : 0) + (quantized ? 2 : 0) + (user_len > 0 ? 1 : 0);
  const uint64_t total = kFileHeaderBytes + sections * kSectionHeaderBytes + kConfBytes + (floats ? l.vecs : 0) +
                         (quantized ? l.quant + l.codes : 0) + l.levels + l.layer0 + l.upper + l.tomb + fresh_bytes +
                         user_len;
  const uint64_t start = out->size();
  const bool ordered = floats && index.dimension_order().learned();
  GrowableArray<float> row;  // a row put back in the caller's order
  MVDB_RETURN_IF_ERROR(row.Resize(ordered ? c.dim : 0));
  MVDB_RETURN_IF_ERROR(out->Reserve(start + total));
  Writer w(out);

  for (uint8_t b : kMagic) w.U8(b);
  w.U16(kSnapshotMajor);
  w.U16(kSnapshotMinor);
  w.U32(sections);
  w.U32(0);
  w.U32(Crc32(w.at(start), 20));

  uint64_t h = w.BeginSection(kTagConf, kConfBytes);
  w.U32(c.dim);
  w.U32(static_cast<uint32_t>(c.metric));
  w.U32(c.M);
  w.U32(c.ef_construction);
  w.U32(c.ef_search);
  w.U32(count);
  w.U32(index.deleted_count());
  w.U32(g.entry_point());
  w.U32(static_cast<uint32_t>(g.max_level()));
  w.U32(0);
  w.U64(c.seed);
  w.U64(g.rng_state());
  w.U32(static_cast<uint32_t>(c.quantization));
  w.U32(c.rerank);
  w.U32(c.keep_float ? 1 : 0);
  w.U32(0);
  w.EndSection(h);

  if (floats) {
    h = w.BeginSection(kTagVecs, l.vecs);
    for (uint32_t i = 0; i < count; ++i) {
      // Rows go out in the caller's dimension order (Index::CopyVector).
      if (ordered) index.CopyVector(i, row.data());
      w.Words(ordered ? row.data() : index.StoredRow(i), c.dim);
    }
    w.EndSection(h);
  }
  if (quantized) {
    const ScalarQuantizer& q = index.quantizer();
    h = w.BeginSection(kTagQuant, l.quant);
    w.F32(q.step());
    w.U32(q.frozen() ? 1 : 0);
    w.U64(q.clipped_values());
    w.U64(q.encoded_values());
    w.Words(q.offsets(), c.dim);
    w.EndSection(h);
    h = w.BeginSection(kTagCode, l.codes);
    for (uint32_t i = 0; i < count; i += index.codes().ContiguousFrom(i))  // block by block (row_blocks.hpp)
      w.Bytes(reinterpret_cast<const uint8_t*>(index.codes().Get(i)), uint64_t{index.codes().ContiguousFrom(i)} * c.dim);
    w.EndSection(h);
  }

  h = w.BeginSection(kTagGrph, l.levels + l.layer0 + l.upper);
  for (uint32_t i = 0; i < count; ++i) w.U8(static_cast<uint8_t>(g.Level(i)));
  auto write_block = [&](uint32_t label, uint32_t layer, uint32_t slots) {
    uint32_t n = 0;
    const uint32_t* links = g.Links(label, layer, &n);
    w.U32(n);
    w.Words(links, n);
    w.Zeros(4 * uint64_t{slots - n});  // unused slots are written as 0
  };
  for (uint32_t i = 0; i < count; ++i) write_block(i, 0, 2 * c.M);
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t layer = 1; layer <= g.Level(i); ++layer) write_block(i, layer, c.M);
  w.EndSection(h);

  h = w.BeginSection(kTagTomb, l.tomb);
  for (uint64_t byte = 0; byte < l.tomb; ++byte) {
    uint8_t bits = 0;
    for (uint32_t b = 0; b < 8; ++b) {
      const uint64_t label = byte * 8 + b;
      if (label < count && index.IsDeleted(static_cast<uint32_t>(label))) bits |= uint8_t(1u << b);
    }
    w.U8(bits);
  }
  w.EndSection(h);

  h = w.BeginSection(kTagFresh, fresh_bytes);
  w.U32(fresh.size());
  w.Words(fresh.data(), fresh.size());
  w.EndSection(h);

  if (user_len > 0) {
    h = w.BeginSection(kTagUser, user_len);
    w.Bytes(user, user_len);
    w.EndSection(h);
  }
  return Status::Ok();
}

}  // namespace mvdb
