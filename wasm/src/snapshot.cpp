#include "minivectordb/snapshot.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "minivectordb/crc32.hpp"

namespace mvdb {
namespace {

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

std::string TagName(uint32_t tag) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xFF);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t LoadU32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint64_t LoadU64(const uint8_t* p) { return uint64_t(LoadU32(p)) | uint64_t(LoadU32(p + 4)) << 32; }
float LoadF32(const uint8_t* p) {
  const uint32_t bits = LoadU32(p);
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

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

struct SectionRef {
  uint64_t offset = 0;  // of the payload
  uint64_t length = 0;
  bool present = false;
};

struct Layout {
  uint64_t vecs, levels, layer0, upper, tomb, quant, codes;
};

Layout ComputeLayout(uint32_t count, uint32_t dim, uint32_t M, uint64_t upper_words) {
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

// Fields of CONF that the loader needs beyond the IndexConfig.
struct ConfFields {
  IndexConfig config;
  uint32_t count = 0, deleted_count = 0, entry = kNoLabel;
  int32_t max_level = -1;
  uint64_t rng_state = 0;
};

// The 56 bytes that CONF v1.0 and v2.0 share.
Status ParseConfCommon(const uint8_t* p, ConfFields* f) {
  IndexConfig& c = f->config;
  c.dim = LoadU32(p);
  const uint32_t metric = LoadU32(p + 4);
  c.M = LoadU32(p + 8);
  c.ef_construction = LoadU32(p + 12);
  c.ef_search = LoadU32(p + 16);
  f->count = LoadU32(p + 20);
  f->deleted_count = LoadU32(p + 24);
  f->entry = LoadU32(p + 28);
  f->max_level = static_cast<int32_t>(LoadU32(p + 32));
  if (LoadU32(p + 36) != 0) return SnapshotCorrupt("CONF reserved field must be 0");
  c.seed = LoadU64(p + 40);
  f->rng_state = LoadU64(p + 48);
  if (!IsValidMetric(metric)) return SnapshotCorrupt("unknown metric " + std::to_string(metric));
  c.metric = static_cast<Metric>(metric);
  return Status::Ok();
}

// Upgrade of format 1.0 (usearch's fix_pre_2_10_metadata is the model): its
// 56-byte CONF predates quantization, so the index is float32-only with the
// defaults of the fields 2.0 added. Its sections are otherwise read as 2.0's.
Status UpgradeConfV1(const uint8_t* p, ConfFields* f) {
  MVDB_RETURN_IF_ERROR(ParseConfCommon(p, f));
  f->config.quantization = Quantization::kNone;
  f->config.rerank = IndexConfig{}.rerank;
  f->config.keep_float = true;
  return Status::Ok();
}

// CONF 2.0: the 1.0 fields, then u32 quantization, u32 rerank, u32 flags
// (bit 0: keep float32), u32 reserved.
Status ParseConfV2(const uint8_t* p, ConfFields* f) {
  MVDB_RETURN_IF_ERROR(ParseConfCommon(p, f));
  const uint32_t q = LoadU32(p + 56);
  if (!IsValidQuantization(q)) return SnapshotCorrupt("unknown quantization " + std::to_string(q));
  f->config.quantization = static_cast<Quantization>(q);
  f->config.rerank = LoadU32(p + 60);
  const uint32_t flags = LoadU32(p + 64);
  if (flags > 1) return SnapshotCorrupt("CONF flags must be 0 or 1, got " + std::to_string(flags));
  f->config.keep_float = flags == 1;
  if (LoadU32(p + 68) != 0) return SnapshotCorrupt("CONF reserved field must be 0");
  return Status::Ok();
}

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
    if (count > 0) w.Bytes(reinterpret_cast<const uint8_t*>(index.codes().Get(0)), l.codes);
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

Status DeserializeSnapshot(const uint8_t* data, uint64_t len, Index* index, uint64_t* user_offset,
                           uint64_t* user_len) {
  // 1. Header.
  if (len < kFileHeaderBytes)
    return SnapshotCorrupt("snapshot truncated: " + std::to_string(len) + " bytes, the header alone needs " +
                           std::to_string(kFileHeaderBytes));
  if (std::memcmp(data, kMagic, 8) != 0) return SnapshotCorrupt("not a MiniVectorDB snapshot: magic bytes mismatch");
  const uint16_t major = LoadU16(data + 8), minor = LoadU16(data + 10);
  if (Crc32(data, 20) != LoadU32(data + 20)) return SnapshotCorrupt("header checksum mismatch");
  if (major != kSnapshotMajor && major != 1)
    return SnapshotVersion("unsupported snapshot version " + std::to_string(major) + "." + std::to_string(minor) +
                           "; this build reads major versions 1 and " + std::to_string(kSnapshotMajor));
  if (LoadU32(data + 16) != 0) return SnapshotCorrupt("header flags must be 0, got " + std::to_string(LoadU32(data + 16)));
  const uint32_t sections = LoadU32(data + 12);
  if (sections > kMaxSections)
    return SnapshotCorrupt("section count " + std::to_string(sections) + " exceeds " + std::to_string(kMaxSections));

  // 2. Walk every section: lengths within the file, checksums, no duplicates.
  SectionRef conf, vecs, grph, tomb, user, quant, code, fresh;
  uint64_t pos = kFileHeaderBytes;
  for (uint32_t s = 0; s < sections; ++s) {
    if (len - pos < kSectionHeaderBytes)
      return SnapshotCorrupt("snapshot truncated in the header of section " + std::to_string(s));
    const uint8_t* section = data + pos;
    const uint32_t tag = LoadU32(section);
    const uint64_t plen = LoadU64(section + 8);
    pos += kSectionHeaderBytes;
    if (plen > len - pos)
      return SnapshotCorrupt("section " + TagName(tag) + " claims " + std::to_string(plen) + " bytes but only " +
                             std::to_string(len - pos) + " remain (truncated or corrupt length)");
    if (SectionCrc(section) != LoadU32(section + 4))
      return SnapshotCorrupt("checksum mismatch in section " + TagName(tag));
    SectionRef* ref = tag == kTagConf ? &conf : tag == kTagVecs ? &vecs : tag == kTagGrph ? &grph
                    : tag == kTagTomb ? &tomb : tag == kTagUser ? &user
                    : major > 1 && tag == kTagQuant ? &quant : major > 1 && tag == kTagCode ? &code
                    : major > 1 && tag == kTagFresh ? &fresh : nullptr;
    if (ref != nullptr) {
      if (ref->present) return SnapshotCorrupt("duplicate section " + TagName(tag));
      *ref = SectionRef{pos, plen, true};
    }  // unknown tags come from a newer minor version: skipped
    pos += plen;
  }
  if (pos != len) return SnapshotCorrupt(std::to_string(len - pos) + " unexpected trailing bytes after the last section");
  for (const auto& [ref, name] : {std::pair<SectionRef*, const char*>{&conf, "CONF"}, {&grph, "GRPH"}, {&tomb, "TOMB"}}) {
    if (!ref->present) return SnapshotCorrupt(std::string("missing section ") + name);
  }
  const uint64_t conf_bytes = major == 1 ? kConfBytesV1 : kConfBytes;
  if (conf.length != conf_bytes)
    return SnapshotCorrupt("CONF section is " + std::to_string(conf.length) + " bytes, expected " +
                           std::to_string(conf_bytes));

  // 3. Configuration (format 1.0 through its upgrade function).
  ConfFields f;
  MVDB_RETURN_IF_ERROR(major == 1 ? UpgradeConfV1(data + conf.offset, &f) : ParseConfV2(data + conf.offset, &f));
  const IndexConfig& c = f.config;
  const uint32_t count = f.count, deleted_count = f.deleted_count, entry = f.entry;
  const int32_t max_level = f.max_level;
  const uint64_t rng_state = f.rng_state;
  Status valid = ValidateConfig(c);
  if (!valid.ok()) return SnapshotCorrupt("bad configuration: " + valid.message());
  if (count == kNoLabel) return SnapshotCorrupt("node count out of range");
  if (deleted_count > count)
    return SnapshotCorrupt("deleted count " + std::to_string(deleted_count) + " exceeds node count " + std::to_string(count));

  // 4. Section lengths against the configuration.
  if (grph.length < count) return SnapshotCorrupt("GRPH section too short for " + std::to_string(count) + " levels");
  const uint8_t* levels = data + grph.offset;
  uint64_t upper_words = 0;
  int32_t top = -1;
  for (uint32_t i = 0; i < count; ++i) {
    if (levels[i] > kMaxLevel)
      return SnapshotCorrupt("node " + std::to_string(i) + " has level " + std::to_string(levels[i]) + " above " +
                             std::to_string(kMaxLevel));
    upper_words += uint64_t{levels[i]} * (1 + c.M);
    if (levels[i] > top) top = levels[i];
  }
  const Layout l = ComputeLayout(count, c.dim, c.M, upper_words);
  // Which vector sections must exist: QNT8 + CODE exactly for int8; VECS
  // unless int8 dropped its float32 rows (keepFloat false, quantizer frozen).
  const bool quantized = c.quantization == Quantization::kInt8;
  if (quant.present != quantized || code.present != quantized)
    return SnapshotCorrupt(quantized ? "int8 index without its QNT8 and CODE sections"
                                     : "QNT8/CODE sections in an index without quantization");
  bool frozen = false;
  if (quantized) {
    if (quant.length != l.quant)
      return SnapshotCorrupt("QNT8 section is " + std::to_string(quant.length) + " bytes, expected " +
                             std::to_string(l.quant));
    const uint8_t* qp = data + quant.offset;
    const float step = LoadF32(qp);
    const uint32_t frozen_field = LoadU32(qp + 4);
    if (!(step > 0.f && step <= kMaxStep)) return SnapshotCorrupt("QNT8 step must be in (0, " + std::to_string(kMaxStep) + "]");
    if (frozen_field > 1) return SnapshotCorrupt("QNT8 frozen flag must be 0 or 1");
    frozen = frozen_field == 1;
    if (LoadU64(qp + 8) > LoadU64(qp + 16)) return SnapshotCorrupt("QNT8 clipped count exceeds the encoded count");
    for (uint32_t j = 0; j < c.dim; ++j)
      if (!std::isfinite(LoadF32(qp + kQuantFixedBytes + 4 * uint64_t{j})))
        return SnapshotCorrupt("QNT8 offset " + std::to_string(j) + " is not finite");
    if (code.length != l.codes)
      return SnapshotCorrupt("CODE section is " + std::to_string(code.length) + " bytes, expected " +
                             std::to_string(l.codes));
    for (uint64_t i = 0; i < l.codes; ++i)
      if (data[code.offset + i] == 0x80) return SnapshotCorrupt("CODE holds -128, outside [-127, 127]");
  }
  const bool has_floats = !(quantized && frozen && !c.keep_float);
  if (vecs.present != has_floats)
    return SnapshotCorrupt(has_floats ? "missing section VECS" : "VECS present although keepFloat is off");
  if (has_floats && vecs.length != l.vecs)
    return SnapshotCorrupt("VECS section is " + std::to_string(vecs.length) + " bytes, expected " +
                           std::to_string(l.vecs) + " for " + std::to_string(count) + " x " + std::to_string(c.dim));
  if (grph.length != l.levels + l.layer0 + l.upper)
    return SnapshotCorrupt("GRPH section is " + std::to_string(grph.length) + " bytes, expected " +
                           std::to_string(l.levels + l.layer0 + l.upper));
  if (tomb.length != l.tomb)
    return SnapshotCorrupt("TOMB section is " + std::to_string(tomb.length) + " bytes, expected " + std::to_string(l.tomb));
  if (count == 0 ? (entry != kNoLabel || max_level != -1)
                 : (entry >= count || max_level != top || levels[entry] != static_cast<uint32_t>(top)))
    return SnapshotCorrupt("entry point " + std::to_string(entry) + " / max level " + std::to_string(max_level) +
                           " inconsistent with the graph");

  // 5. Every link: counts within bounds, targets existing on that layer.
  const uint8_t* blocks = levels + count;
  auto check_block = [&](const uint8_t* b, uint32_t label, uint32_t layer, uint32_t slots) -> Status {
    const uint32_t n = LoadU32(b);
    if (n > slots)
      return SnapshotCorrupt("node " + std::to_string(label) + " layer " + std::to_string(layer) + " has " +
                             std::to_string(n) + " links, at most " + std::to_string(slots) + " allowed");
    for (uint32_t s = 0; s < n; ++s) {
      const uint32_t t = LoadU32(b + 4 + 4 * uint64_t{s});
      if (t >= count || levels[t] < layer)
        return SnapshotCorrupt("node " + std::to_string(label) + " layer " + std::to_string(layer) +
                               " links to invalid node " + std::to_string(t));
    }
    return Status::Ok();
  };
  const uint8_t* b = blocks;
  for (uint32_t i = 0; i < count; ++i, b += 4 * (1 + 2 * uint64_t{c.M})) MVDB_RETURN_IF_ERROR(check_block(b, i, 0, 2 * c.M));
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t layer = 1; layer <= levels[i]; ++layer, b += 4 * (1 + uint64_t{c.M}))
      MVDB_RETURN_IF_ERROR(check_block(b, i, layer, c.M));

  const uint8_t* tbits = data + tomb.offset;
  uint32_t tomb_set = 0;
  for (uint32_t i = 0; i < count; ++i) tomb_set += (tbits[i >> 3] >> (i & 7)) & 1u;
  for (uint64_t bit = count; bit < l.tomb * 8; ++bit)
    if ((tbits[bit >> 3] >> (bit & 7)) & 1u) return SnapshotCorrupt("TOMB has bits set past the last label");
  if (tomb_set != deleted_count)
    return SnapshotCorrupt("TOMB has " + std::to_string(tomb_set) + " deleted labels, CONF says " +
                           std::to_string(deleted_count));
  // Add's rule (kMaxSquaredNorm): what insert refuses, load refuses too.
  for (uint32_t v = 0; has_floats && v < count; ++v) {
    double sum = 0.0;
    for (uint32_t j = 0; j < c.dim; ++j) {
      const float x = LoadF32(data + vecs.offset + 4 * (uint64_t{v} * c.dim + j));
      if (!std::isfinite(x)) return SnapshotCorrupt("vector " + std::to_string(v) + " holds a non-finite value");
      sum += static_cast<double>(x) * x;
    }
    if (sum > kMaxSquaredNorm)
      return SnapshotCorrupt("vector " + std::to_string(v) + " has a squared norm over the limit FLT_MAX / 8");
  }

  uint32_t fresh_count = 0;
  if (fresh.present) {
    if (fresh.length < 4) return SnapshotCorrupt("FRSH section is " + std::to_string(fresh.length) + " bytes, expected at least 4");
    fresh_count = LoadU32(data + fresh.offset);
    if (fresh_count > kFreshCapacity)
      return SnapshotCorrupt("FRSH holds " + std::to_string(fresh_count) + " labels, at most " + std::to_string(kFreshCapacity));
    if (fresh.length != 4 + 4 * uint64_t{fresh_count})
      return SnapshotCorrupt("FRSH section is " + std::to_string(fresh.length) + " bytes, expected " +
                             std::to_string(4 + 4 * uint64_t{fresh_count}));
    for (uint32_t i = 0; i < fresh_count; ++i) {
      const uint32_t label = LoadU32(data + fresh.offset + 4 + 4 * uint64_t{i});
      if (label >= count)
        return SnapshotCorrupt("FRSH label " + std::to_string(label) + " is not below the node count " + std::to_string(count));
    }
  }

  // 6. Everything checked: allocate and copy.
  VectorStore store(c.dim);
  MVDB_RETURN_IF_ERROR(store.Reserve(has_floats ? count : 0));
  GrowableArray<float> row;
  MVDB_RETURN_IF_ERROR(row.Resize(c.dim));
  for (uint32_t i = 0; has_floats && i < count; ++i) {
    const uint8_t* src = data + vecs.offset + uint64_t{i} * c.dim * 4;
    for (uint32_t j = 0; j < c.dim; ++j) row[j] = LoadF32(src + 4 * uint64_t{j});
    store.AppendUnchecked(row.data());
  }
  HnswGraph graph(c.M, c.ef_construction, c.seed);
  MVDB_RETURN_IF_ERROR(graph.Reserve(count));
  for (uint32_t i = 0; i < count; ++i) MVDB_RETURN_IF_ERROR(graph.AppendNodeForRestore(levels[i]));
  auto fill_block = [&](const uint8_t* src, uint32_t label, uint32_t layer, uint32_t slots) {
    uint32_t* dst = graph.MutableLinkBlock(label, layer);
    for (uint32_t s = 0; s <= slots; ++s) dst[s] = LoadU32(src + 4 * uint64_t{s});
  };
  b = blocks;
  for (uint32_t i = 0; i < count; ++i, b += 4 * (1 + 2 * uint64_t{c.M})) fill_block(b, i, 0, 2 * c.M);
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t layer = 1; layer <= levels[i]; ++layer, b += 4 * (1 + uint64_t{c.M})) fill_block(b, i, layer, c.M);
  graph.SetEntryForRestore(entry, max_level, rng_state);

  GrowableArray<uint8_t> deleted;
  MVDB_RETURN_IF_ERROR(deleted.Resize(count));
  for (uint32_t i = 0; i < count; ++i) deleted[i] = (tbits[i >> 3] >> (i & 7)) & 1u;

  ScalarQuantizer quantizer;
  CodeStore codes;
  if (quantized) {
    const uint8_t* qp = data + quant.offset;
    GrowableArray<float> offsets;
    MVDB_RETURN_IF_ERROR(offsets.Resize(c.dim));
    for (uint32_t j = 0; j < c.dim; ++j) offsets[j] = LoadF32(qp + kQuantFixedBytes + 4 * uint64_t{j});
    quantizer = ScalarQuantizer(c.dim, c.metric);
    quantizer.Restore(LoadF32(qp), offsets.data(), frozen, LoadU64(qp + 8), LoadU64(qp + 16));
    codes = CodeStore(c.dim);
    MVDB_RETURN_IF_ERROR(codes.Reserve(count));
    for (uint32_t i = 0; i < count; ++i)
      codes.AppendUnchecked(reinterpret_cast<const int8_t*>(data + code.offset + uint64_t{i} * c.dim));
  }
  Index loaded = Index::FromParts(c, std::move(store), std::move(graph), std::move(deleted), deleted_count,
                                  std::move(quantizer), std::move(codes), has_floats);
  MVDB_RETURN_IF_ERROR(loaded.FinishRestore());
  GrowableArray<uint32_t> fresh_labels;
  MVDB_RETURN_IF_ERROR(fresh_labels.Resize(fresh_count));
  for (uint32_t i = 0; i < fresh_count; ++i) fresh_labels[i] = LoadU32(data + fresh.offset + 4 + 4 * uint64_t{i});
  loaded.RestoreFresh(fresh_labels.data(), fresh_count);
  *index = std::move(loaded);
  *user_offset = user.present ? user.offset : 0;
  *user_len = user.present ? user.length : 0;
  return Status::Ok();
}

}  // namespace mvdb
