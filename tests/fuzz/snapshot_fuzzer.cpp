// libFuzzer harness for the snapshot loader (mvdb::DeserializeSnapshot).
//
// Each input is loaded twice: as given (exercising magic, version, lengths and
// checksum checks), and with its header and section CRCs recomputed, so that
// mutations also reach the checks behind the checksums (configuration, levels,
// links, tombstones, vectors). Whenever a load succeeds the index must behave
// like one built through the API:
//  - the USER section lies inside the input;
//  - tombstone flags agree with deleted_count();
//  - serialise → load → serialise is a fixpoint (same bytes);
//  - Search (unfiltered and filtered) returns exactly min(k, matching) distinct,
//    admitted labels, sorted by distance when the distances are finite;
//    SearchExact likewise;
//  - one more vector can be added and found, and a label deleted.
// Any violation aborts (a crash for libFuzzer), as do ASan/UBSan reports.
//
// Build and run: npm run fuzz (scripts/fuzz.mjs; CMake option MVDB_FUZZ).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "minivectordb/buffer.hpp"
#include "minivectordb/crc32.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "../native/search_util.hpp"

namespace {

constexpr uint64_t kHeaderBytes = 24;
constexpr uint64_t kSectionHeaderBytes = 16;

#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "snapshot_fuzzer: invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

uint32_t Get32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint64_t Get64(const uint8_t* p) { return uint64_t(Get32(p)) | uint64_t(Get32(p + 4)) << 32; }
void Put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}

// A copy of the input with the header CRC and the CRC of every section that
// fits recomputed, walking the sections as the format describes.
std::vector<uint8_t> WithChecksumsFixed(const uint8_t* data, size_t size) {
  std::vector<uint8_t> b(data, data + size);
  if (size < kHeaderBytes) return b;
  Put32(b.data() + 20, mvdb::Crc32(b.data(), 20));
  const uint32_t sections = Get32(b.data() + 12);
  uint64_t pos = kHeaderBytes;
  for (uint32_t s = 0; s < sections && s < mvdb::kMaxSections; ++s) {
    if (size - pos < kSectionHeaderBytes) break;
    const uint64_t len = Get64(b.data() + pos + 8);
    if (len > size - pos - kSectionHeaderBytes) break;
    Put32(b.data() + pos + 4, mvdb::SectionCrc(b.data() + pos));
    pos += kSectionHeaderBytes + len;
  }
  return b;
}

// Checks one search result: `want` distinct labels, each admitted, in order.
void CheckHits(const mvdb::Index& index, const mvdb::GrowableArray<mvdb::Neighbor>& hits, uint32_t want,
               const std::vector<uint32_t>* allowed) {
  FUZZ_CHECK(hits.size() == want);
  std::vector<uint32_t> labels;
  bool finite = true;
  for (const mvdb::Neighbor& h : hits) {
    FUZZ_CHECK(h.label < index.size());
    FUZZ_CHECK(!index.IsDeleted(h.label));
    if (allowed != nullptr) FUZZ_CHECK(((*allowed)[h.label >> 5] >> (h.label & 31)) & 1u);
    labels.push_back(h.label);
    finite = finite && std::isfinite(h.distance);
  }
  std::sort(labels.begin(), labels.end());
  FUZZ_CHECK(std::adjacent_find(labels.begin(), labels.end()) == labels.end());
  if (finite) {
    for (size_t i = 1; i < hits.size(); ++i) FUZZ_CHECK(!(hits[i].distance < hits[i - 1].distance));
  }
}

void CheckLoaded(mvdb::Index& index, const uint8_t* data, size_t size, uint64_t user_offset, uint64_t user_len) {
  // USER section inside the input.
  FUZZ_CHECK(user_offset <= size && user_len <= size - user_offset);
  FUZZ_CHECK(user_len == 0 || user_offset >= kHeaderBytes + kSectionHeaderBytes);

  // Tombstones.
  const uint32_t n = index.size();
  uint32_t deleted = 0;
  for (uint32_t i = 0; i < n; ++i) deleted += index.IsDeleted(i) ? 1 : 0;
  FUZZ_CHECK(deleted == index.deleted_count());
  const uint32_t live = index.live_count();

  // serialise → load → serialise gives the same bytes.
  mvdb::GrowableArray<uint8_t> first;
  FUZZ_CHECK(mvdb::SerializeSnapshot(index, user_len ? data + user_offset : nullptr, user_len, &first).ok());
  mvdb::Index again;
  uint64_t uo = 0, ul = 0;
  const mvdb::Status s = mvdb::DeserializeSnapshot(first.data(), first.size(), &again, &uo, &ul);
  if (!s.ok()) {
    std::fprintf(stderr, "snapshot_fuzzer: re-serialised snapshot does not load: %s\n", s.message().c_str());
    std::abort();
  }
  FUZZ_CHECK(ul == user_len && (ul == 0 || std::memcmp(first.data() + uo, data + user_offset, ul) == 0));
  mvdb::GrowableArray<uint8_t> second;
  FUZZ_CHECK(mvdb::SerializeSnapshot(again, first.data() + uo, ul, &second).ok());
  FUZZ_CHECK(second.size() == first.size() && std::memcmp(first.data(), second.data(), first.size()) == 0);

  // Searches: a fixed non-zero query (valid for every metric).
  const mvdb::IndexConfig& c = index.config();
  std::vector<float> q(c.dim);
  for (uint32_t j = 0; j < c.dim; ++j) q[j] = 0.25f + 0.5f * float(j % 3);
  mvdb::GrowableArray<mvdb::Neighbor> hits;
  for (uint32_t k : {1u, 5u, 40u}) {
    FUZZ_CHECK(mvdb_test::SearchOne(index, q.data(), k, 8, nullptr, 0, &hits).ok());
    CheckHits(index, hits, std::min(k, live), nullptr);
  }
  FUZZ_CHECK(mvdb_test::SearchExactOne(index, q.data(), 7, nullptr, &hits).ok());
  CheckHits(index, hits, std::min(7u, live), nullptr);

  // Filtered: every third live label.
  std::vector<uint32_t> allowed((n + 31) / 32 + 1, 0);
  uint32_t matching = 0;
  for (uint32_t i = 0, seen = 0; i < n; ++i) {
    if (index.IsDeleted(i)) continue;
    if (seen++ % 3 == 0) {
      allowed[i >> 5] |= 1u << (i & 31);
      ++matching;
    }
  }
  for (uint32_t k : {1u, 10u}) {
    FUZZ_CHECK(mvdb_test::SearchOne(index, q.data(), k, 4, allowed.data(), matching, &hits).ok());
    CheckHits(index, hits, std::min(k, matching), &allowed);
  }

  // The loaded graph accepts a new vector, found at distance ~0 by an exact
  // search (l2, cosine), and a deletion.
  if (n < 4096 && uint64_t{c.dim} * c.M <= (1u << 16)) {
    std::vector<float> v(c.dim);
    for (uint32_t j = 0; j < c.dim; ++j) v[j] = 1.0f + float(j % 5);
    // With tombstones it reuses the lowest one's slot (re-linking through
    // the loaded graph: float32 rows, or int8 codes once they were dropped),
    // else it takes label n.
    uint32_t lowest = mvdb::kNoLabel;
    for (uint32_t i = 0; i < n && lowest == mvdb::kNoLabel; ++i)
      if (index.IsDeleted(i)) lowest = i;
    uint32_t label = mvdb::kNoLabel;
    FUZZ_CHECK(index.Add(v.data(), 1, &label).ok());
    FUZZ_CHECK(label == (lowest != mvdb::kNoLabel ? lowest : n));
    FUZZ_CHECK(index.size() == (lowest != mvdb::kNoLabel ? n : n + 1) && index.live_count() == live + 1);
    if (index.quantized()) {
      // The slot's codes (new or reused) are v encoded with the quantizer
      // the index holds now (refitted and re-encoded while it learns).
      std::vector<float> prepared = v;
      if (c.metric == mvdb::Metric::kCosine) mvdb::NormalizeInPlace(prepared.data(), c.dim);
      mvdb::ScalarQuantizer quant = index.quantizer();
      std::vector<int8_t> want(c.dim);
      quant.Encode(prepared.data(), want.data(), false);
      FUZZ_CHECK(std::equal(want.begin(), want.end(), index.codes().Get(label)));
    }
    FUZZ_CHECK(mvdb_test::SearchOne(index, q.data(), 3, 8, nullptr, 0, &hits).ok());
    CheckHits(index, hits, std::min(3u, live + 1), nullptr);
    FUZZ_CHECK(mvdb_test::SearchExactOne(index, v.data(), 1, nullptr, &hits).ok());
    // Its own distance is 0 (l2, also over int8 codes: the query encodes to
    // the same codes; cosine with float32 rows: 1 - 1), so nothing is nearer
    // (ip has no such bound, nor cosine over int8 codes).
    FUZZ_CHECK(hits.size() == 1 && (c.metric == mvdb::Metric::kIP ||
                                    (c.metric == mvdb::Metric::kCosine && !index.has_floats()) ||
                                    hits[0].distance <= 1e-3f));
    FUZZ_CHECK(index.MarkDeleted(label).ok());
    FUZZ_CHECK(!index.MarkDeleted(label).ok());
    FUZZ_CHECK(index.live_count() == live);
  }
}

void LoadAndCheck(const uint8_t* data, size_t size) {
  mvdb::Index index;
  uint64_t user_offset = 0, user_len = 0;
  const mvdb::Status s = mvdb::DeserializeSnapshot(data, size, &index, &user_offset, &user_len);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == mvdb::ErrorCode::kSnapshotCorrupt || s.code() == mvdb::ErrorCode::kSnapshotVersion ||
               s.code() == mvdb::ErrorCode::kOutOfMemory);
    FUZZ_CHECK(!s.message().empty());
    return;
  }
  CheckLoaded(index, data, size, user_offset, user_len);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  LoadAndCheck(data, size);
  const std::vector<uint8_t> fixed = WithChecksumsFixed(data, size);
  if (fixed.size() >= kHeaderBytes && std::memcmp(fixed.data(), data, size) != 0) LoadAndCheck(fixed.data(), fixed.size());
  return 0;
}
