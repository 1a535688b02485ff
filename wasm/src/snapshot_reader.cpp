// DeserializeSnapshot: the snapshot format (snapshot.hpp) to an Index,
// every length checked against caps before anything is allocated, every
// section's CRC verified, older versions upgraded in explicit functions.
// One function reads the sections in order, so its length has a reason:
// each check sits next to the field it guards.
#include <cmath>
#include <cstring>
#include <string>

#include "minivectordb/crc32.hpp"
#include "minivectordb/snapshot.hpp"
#include "snapshot_format.hpp"

namespace mvdb {
using namespace snapshot_format;
namespace {

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

void SnapshotPayloads::ExpectUser(uint64_t n) {
  user_bytes = n;
  user_fed = 0;
  uint8_t head[12];
  for (int i = 0; i < 4; ++i) head[i] = static_cast<uint8_t>(kTagUser >> (8 * i));
  for (int i = 0; i < 8; ++i) head[4 + i] = static_cast<uint8_t>(n >> (8 * i));
  user_crc = Crc32(head + 4, 8, Crc32(head, 4));  // SectionCrc: the tag, the length, then the payload
}

Status SnapshotPayloads::FeedUser(const uint8_t* data, uint64_t size) {
  if (size > user_bytes - user_fed)
    return InvalidArgument("USER bytes fed past the announced " + std::to_string(user_bytes) + " bytes");
  user_crc = Crc32(data, static_cast<size_t>(size), user_crc);
  user_fed += size;
  return Status::Ok();
}

namespace {

// Both entry points: `payloads` null when every payload lies in `data`.
Status Deserialize(const uint8_t* data, uint64_t len, SnapshotPayloads* payloads, Index* index, uint64_t* user_offset,
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
  // A split load may also hold GRPH's layer-0 blocks apart: its CRC waits for CONF's node count (step 4).
  const uint64_t links0_apart = payloads != nullptr ? payloads->links0_bytes : 0;
  const uint8_t* grph_header = nullptr;
  uint64_t pos = kFileHeaderBytes;
  for (uint32_t s = 0; s < sections; ++s) {
    if (len - pos < kSectionHeaderBytes)
      return SnapshotCorrupt("snapshot truncated in the header of section " + std::to_string(s));
    const uint8_t* section = data + pos;
    const uint32_t tag = LoadU32(section);
    const uint64_t plen = LoadU64(section + 8);
    pos += kSectionHeaderBytes;
    // VECS and CODE of a split load: their payloads were read apart. USER kept by the caller: only its CRC was fed.
    const bool user_apart = payloads != nullptr && payloads->user_bytes > 0 && tag == kTagUser;
    const bool apart = payloads != nullptr && (tag == kTagVecs || (major > 1 && tag == kTagCode) || user_apart);
    const uint8_t* payload = data + pos;
    if (user_apart) {
      if (plen != payloads->user_bytes || payloads->user_fed != plen)
        return SnapshotCorrupt("section USER claims " + std::to_string(plen) + " bytes but " +
                               std::to_string(payloads->user_fed) + " were read for it");
      if (payloads->user_crc != LoadU32(section + 4)) return SnapshotCorrupt("checksum mismatch in section USER");
      payload = nullptr;
    } else if (apart) {
      const uint64_t have = tag == kTagVecs ? payloads->vecs_bytes : payloads->codes.size();
      if (plen != have)
        return SnapshotCorrupt("section " + TagName(tag) + " claims " + std::to_string(plen) + " bytes but " +
                               std::to_string(have) + " were read for it");
      payload = tag == kTagVecs ? reinterpret_cast<const uint8_t*>(payloads->vecs.data())
                                : reinterpret_cast<const uint8_t*>(payloads->codes.data());
      if (SplitSectionCrc(section, payload, plen) != LoadU32(section + 4))
        return SnapshotCorrupt("checksum mismatch in section " + TagName(tag));
    } else if (tag == kTagGrph && links0_apart > 0) {
      if (plen < links0_apart || plen - links0_apart > len - pos)
        return SnapshotCorrupt("section GRPH claims " + std::to_string(plen) + " bytes, which do not fit the " +
                               std::to_string(links0_apart) + " read apart and the " + std::to_string(len - pos) +
                               " that remain");
      if (grph_header == nullptr) grph_header = section;
    } else {
      if (plen > len - pos)
        return SnapshotCorrupt("section " + TagName(tag) + " claims " + std::to_string(plen) + " bytes but only " +
                               std::to_string(len - pos) + " remain (truncated or corrupt length)");
      if (SectionCrc(section) != LoadU32(section + 4))
        return SnapshotCorrupt("checksum mismatch in section " + TagName(tag));
    }
    SectionRef* ref = tag == kTagConf ? &conf : tag == kTagVecs ? &vecs : tag == kTagGrph ? &grph
                    : tag == kTagTomb ? &tomb : tag == kTagUser ? &user
                    : major > 1 && tag == kTagQuant ? &quant : major > 1 && tag == kTagCode ? &code
                    : major > 1 && tag == kTagFresh ? &fresh : nullptr;
    if (ref != nullptr) {
      if (ref->present) return SnapshotCorrupt("duplicate section " + TagName(tag));
      *ref = SectionRef{apart ? 0 : pos, plen, true, payload};
    }  // unknown tags come from a newer minor version: skipped
    if (!apart) pos += tag == kTagGrph && links0_apart > 0 ? plen - links0_apart : plen;
  }
  if (pos != len) return SnapshotCorrupt(std::to_string(len - pos) + " unexpected trailing bytes after the last section");
  if (payloads != nullptr && payloads->user_bytes > 0 && !user.present)
    return SnapshotCorrupt("USER bytes were read apart but the snapshot has no section USER");
  for (const auto& [ref, name] : {std::pair<SectionRef*, const char*>{&conf, "CONF"}, {&grph, "GRPH"}, {&tomb, "TOMB"}}) {
    if (!ref->present) return SnapshotCorrupt(std::string("missing section ") + name);
  }
  const uint64_t conf_bytes = major == 1 ? kConfBytesV1 : kConfBytes;
  if (conf.length != conf_bytes)
    return SnapshotCorrupt("CONF section is " + std::to_string(conf.length) + " bytes, expected " +
                           std::to_string(conf_bytes));

  // 3. Configuration (format 1.0 through its upgrade function).
  ConfFields f;
  MVDB_RETURN_IF_ERROR(major == 1 ? UpgradeConfV1(conf.data, &f) : ParseConfV2(conf.data, &f));
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
  const uint64_t grph_here = grph.length - links0_apart;  // GRPH bytes in `data`: all but the blocks read apart
  if (grph_here < count) return SnapshotCorrupt("GRPH section too short for " + std::to_string(count) + " levels");
  const uint8_t* levels = grph.data;
  const uint8_t* links0 = links0_apart > 0 ? reinterpret_cast<const uint8_t*>(payloads->links0.data()) : nullptr;
  if (links0_apart > 0) {
    // The CRC covers the level bytes, then the layer-0 blocks read apart, then the upper blocks.
    uint32_t crc = Crc32(grph_header + 8, 8, Crc32(grph_header, 4));
    crc = Crc32(levels, count, crc);
    crc = Crc32(links0, static_cast<size_t>(links0_apart), crc);
    crc = Crc32(levels + count, static_cast<size_t>(grph_here - count), crc);
    if (crc != LoadU32(grph_header + 4)) return SnapshotCorrupt("checksum mismatch in section GRPH");
  }
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
    const uint8_t* qp = quant.data;
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
      if (code.data[i] == 0x80) return SnapshotCorrupt("CODE holds -128, outside [-127, 127]");
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
  if (links0_apart > 0 && links0_apart != l.layer0)
    return SnapshotCorrupt("GRPH layer-0 blocks read apart are " + std::to_string(links0_apart) + " bytes, expected " +
                           std::to_string(l.layer0));
  if (tomb.length != l.tomb)
    return SnapshotCorrupt("TOMB section is " + std::to_string(tomb.length) + " bytes, expected " + std::to_string(l.tomb));
  if (count == 0 ? (entry != kNoLabel || max_level != -1)
                 : (entry >= count || max_level != top || levels[entry] != static_cast<uint32_t>(top)))
    return SnapshotCorrupt("entry point " + std::to_string(entry) + " / max level " + std::to_string(max_level) +
                           " inconsistent with the graph");

  // 5. Every link: counts within bounds, targets existing on that layer.
  // Layer-0 blocks follow the level bytes, or were read apart; the upper blocks follow them in `data`.
  const uint8_t* layer0_blocks = links0 != nullptr ? links0 : levels + count;
  const uint8_t* upper_blocks = links0 != nullptr ? levels + count : levels + count + l.layer0;
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
  const uint8_t* b = layer0_blocks;
  for (uint32_t i = 0; i < count; ++i, b += 4 * (1 + 2 * uint64_t{c.M})) MVDB_RETURN_IF_ERROR(check_block(b, i, 0, 2 * c.M));
  b = upper_blocks;
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t layer = 1; layer <= levels[i]; ++layer, b += 4 * (1 + uint64_t{c.M}))
      MVDB_RETURN_IF_ERROR(check_block(b, i, layer, c.M));

  const uint8_t* tbits = tomb.data;
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
      const float x = LoadF32(vecs.data + 4 * (uint64_t{v} * c.dim + j));
      if (!std::isfinite(x)) return SnapshotCorrupt("vector " + std::to_string(v) + " holds a non-finite value");
      sum += static_cast<double>(x) * x;
    }
    if (sum > kMaxSquaredNorm)
      return SnapshotCorrupt("vector " + std::to_string(v) + " has a squared norm over the limit FLT_MAX / 8");
  }

  uint32_t fresh_count = 0;
  if (fresh.present) {
    if (fresh.length < 4) return SnapshotCorrupt("FRSH section is " + std::to_string(fresh.length) + " bytes, expected at least 4");
    fresh_count = LoadU32(fresh.data);
    if (fresh_count > kFreshCapacity)
      return SnapshotCorrupt("FRSH holds " + std::to_string(fresh_count) + " labels, at most " + std::to_string(kFreshCapacity));
    if (fresh.length != 4 + 4 * uint64_t{fresh_count})
      return SnapshotCorrupt("FRSH section is " + std::to_string(fresh.length) + " bytes, expected " +
                             std::to_string(4 + 4 * uint64_t{fresh_count}));
    for (uint32_t i = 0; i < fresh_count; ++i) {
      const uint32_t label = LoadU32(fresh.data + 4 + 4 * uint64_t{i});
      if (label >= count)
        return SnapshotCorrupt("FRSH label " + std::to_string(label) + " is not below the node count " + std::to_string(count));
    }
  }

  // 6. Everything checked: allocate and copy.
  VectorStore store(c.dim);
  // A split load's rows are already in the buffer the store keeps (on a
  // little-endian host, the file's byte order): adopted, not copied.
  const bool adopt_rows = payloads != nullptr && has_floats && kHostLittleEndian;
  if (adopt_rows) MVDB_RETURN_IF_ERROR(store.Adopt(std::move(payloads->vecs), count));
  MVDB_RETURN_IF_ERROR(store.Reserve(has_floats ? count : 0));
  GrowableArray<float> row;
  MVDB_RETURN_IF_ERROR(row.Resize(c.dim));
  for (uint32_t i = 0; has_floats && !adopt_rows && i < count; ++i) {
    const uint8_t* src = vecs.data + uint64_t{i} * c.dim * 4;
    for (uint32_t j = 0; j < c.dim; ++j) row[j] = LoadF32(src + 4 * uint64_t{j});
    store.AppendUnchecked(row.data());
  }
  HnswGraph graph(c.M, c.ef_construction, c.seed);
  // Layer-0 blocks read apart are the graph's rows already (the file's byte order on a little-endian host).
  const bool adopt_links0 = links0 != nullptr && kHostLittleEndian;
  if (adopt_links0) MVDB_RETURN_IF_ERROR(graph.AdoptLayer0ForRestore(std::move(payloads->links0), count));
  MVDB_RETURN_IF_ERROR(graph.Reserve(count));
  for (uint32_t i = 0; i < count; ++i) MVDB_RETURN_IF_ERROR(graph.AppendNodeForRestore(levels[i]));
  auto fill_block = [&](const uint8_t* src, uint32_t label, uint32_t layer, uint32_t slots) {
    uint32_t* dst = graph.MutableLinkBlock(label, layer);
    for (uint32_t s = 0; s <= slots; ++s) dst[s] = LoadU32(src + 4 * uint64_t{s});
  };
  b = layer0_blocks;
  for (uint32_t i = 0; !adopt_links0 && i < count; ++i, b += 4 * (1 + 2 * uint64_t{c.M})) fill_block(b, i, 0, 2 * c.M);
  b = upper_blocks;
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t layer = 1; layer <= levels[i]; ++layer, b += 4 * (1 + uint64_t{c.M})) fill_block(b, i, layer, c.M);
  graph.SetEntryForRestore(entry, max_level, rng_state);

  GrowableArray<uint8_t> deleted;
  MVDB_RETURN_IF_ERROR(deleted.Resize(count));
  for (uint32_t i = 0; i < count; ++i) deleted[i] = (tbits[i >> 3] >> (i & 7)) & 1u;

  ScalarQuantizer quantizer;
  CodeStore codes;
  if (quantized) {
    const uint8_t* qp = quant.data;
    GrowableArray<float> offsets;
    MVDB_RETURN_IF_ERROR(offsets.Resize(c.dim));
    for (uint32_t j = 0; j < c.dim; ++j) offsets[j] = LoadF32(qp + kQuantFixedBytes + 4 * uint64_t{j});
    quantizer = ScalarQuantizer(c.dim, c.metric);
    quantizer.Restore(LoadF32(qp), offsets.data(), frozen, LoadU64(qp + 8), LoadU64(qp + 16));
    codes = CodeStore(c.dim);
    if (payloads != nullptr) MVDB_RETURN_IF_ERROR(codes.Adopt(std::move(payloads->codes), count));  // one byte each: no byte order
    MVDB_RETURN_IF_ERROR(codes.Reserve(count));
    for (uint32_t i = 0; payloads == nullptr && i < count; ++i)
      codes.AppendUnchecked(reinterpret_cast<const int8_t*>(code.data + uint64_t{i} * c.dim));
  }
  Index loaded = Index::FromParts(c, std::move(store), std::move(graph), std::move(deleted), deleted_count,
                                  std::move(quantizer), std::move(codes), has_floats);
  MVDB_RETURN_IF_ERROR(loaded.FinishRestore());
  GrowableArray<uint32_t> fresh_labels;
  MVDB_RETURN_IF_ERROR(fresh_labels.Resize(fresh_count));
  for (uint32_t i = 0; i < fresh_count; ++i) fresh_labels[i] = LoadU32(fresh.data + 4 + 4 * uint64_t{i});
  loaded.RestoreFresh(fresh_labels.data(), fresh_count);
  *index = std::move(loaded);
  *user_offset = user.present ? user.offset : 0;
  *user_len = user.present ? user.length : 0;
  return Status::Ok();
}

}  // namespace

Status DeserializeSnapshot(const uint8_t* data, uint64_t len, Index* index, uint64_t* user_offset,
                           uint64_t* user_len) {
  return Deserialize(data, len, nullptr, index, user_offset, user_len);
}

Status DeserializeSnapshotSplit(const uint8_t* rest, uint64_t rest_len, SnapshotPayloads* payloads, Index* index,
                                uint64_t* user_offset, uint64_t* user_len) {
  return Deserialize(rest, rest_len, payloads, index, user_offset, user_len);
}

}  // namespace mvdb
