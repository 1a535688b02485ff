// The only file that knows about Emscripten: a thin Embind shell over
// mvdb::Index and the snapshot functions.
//
// Conventions at this boundary (mirrored by js/src/wasm/core.d.ts):
//  - Bulk data crosses as heap addresses (uintptr_t) plus counts; JS owns the
//    buffers it allocates with _malloc and frees them itself.
//  - Fallible calls return an int32: >= 0 on success (a count where it says
//    so), or the negated mvdb::ErrorCode; lastError() then holds the message.
//    No C++ exception exists in this build (-fno-exceptions).
//  - Every region (address, counts) is checked to lie inside the linear
//    memory before it is read or written, its size computed in 64 bits
//    (mvdb::CheckRegion): a wrapped count can never reach the heap.
#include <emscripten/bind.h>
#include <emscripten/heap.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/region.hpp"
#include "minivectordb/snapshot.hpp"

namespace {

using mvdb::Status;

class WasmIndex {
 public:
  /// Creates an empty index. quantization: 0 none, 1 int8; rerank and
  /// keepFloat as in mvdb::IndexConfig. Returns 0 or -code.
  int32_t init(uint32_t dim, uint32_t metric, uint32_t M, uint32_t ef_construction, uint32_t ef_search,
               uint32_t seed, uint32_t quantization, uint32_t rerank, bool keep_float) {
    if (!mvdb::IsValidMetric(metric)) return Fail(mvdb::InvalidArgument("unknown metric " + std::to_string(metric)));
    if (!mvdb::IsValidQuantization(quantization))
      return Fail(mvdb::InvalidArgument("unknown quantization " + std::to_string(quantization)));
    mvdb::IndexConfig c;
    c.dim = dim;
    c.metric = static_cast<mvdb::Metric>(metric);
    c.M = M;
    c.ef_construction = ef_construction;
    c.ef_search = ef_search;
    c.seed = seed;
    c.quantization = static_cast<mvdb::Quantization>(quantization);
    c.rerank = rerank;
    c.keep_float = keep_float;
    return Report(index_.Init(c));
  }

  /// Inserts n vectors (n * dim float32 at `vectors`); the label of each
  /// (a reused tombstone's or a new one, see mvdb::Index::Add) goes to
  /// out_labels (n uint32). Returns 0 or -code.
  int32_t add(uintptr_t vectors, uint32_t n, uintptr_t out_labels) {
    if (int32_t rc = CheckRegions({{vectors, mvdb::RegionBytes(n, dim(), 4), "add vectors"},
                                   {out_labels, mvdb::RegionBytes(n, 1, 4), "add labels"}}))
      return rc;
    return Report(index_.Add(reinterpret_cast<const float*>(vectors), n, reinterpret_cast<uint32_t*>(out_labels)));
  }

  /// Makes room for an add() of n vectors (mvdb::Index::ReserveForAdd).
  /// Returns 0 or -code.
  int32_t reserveForAdd(uint32_t n) { return Report(index_.ReserveForAdd(n)); }

  /// Whether add() reuses tombstoned slots (default true).
  void setReuseDeleted(bool on) { index_.set_reuse_deleted(on); }

  int32_t markDeleted(uint32_t label) { return Report(index_.MarkDeleted(label)); }

  /// Rebuilds the index without its tombstones (mvdb::Index::Compact). On
  /// success the old -> new label map (uint32 per old label, 0xFFFFFFFF for
  /// a tombstone) is at remapAddress(), remapCount() entries, until
  /// releaseRemap(). Returns 0 or -code (index unchanged).
  int32_t compact() {
    releaseRemap();
    return Report(index_.Compact(&remap_));
  }
  uintptr_t remapAddress() const { return reinterpret_cast<uintptr_t>(remap_.data()); }
  uint32_t remapCount() const { return static_cast<uint32_t>(remap_.size()); }
  void releaseRemap() { remap_ = mvdb::GrowableArray<uint32_t>(); }

  /// Searches one query (dim float32). `allowed` is a label bitset address
  /// or 0. Writes up to k labels (uint32) and distances (float32) to the
  /// out buffers; returns the number written or -code.
  int32_t search(uintptr_t query, uint32_t k, uint32_t ef, uintptr_t allowed, uint32_t allowed_count,
                 uintptr_t out_labels, uintptr_t out_distances) {
    if (int32_t rc = CheckSearchRegions(query, 1, k, allowed, out_labels, out_distances, 0)) return rc;
    Status st = index_.Search(reinterpret_cast<const float*>(query), k, ef, reinterpret_cast<const uint32_t*>(allowed),
                              allowed_count, &hits_);
    if (!st.ok()) return Fail(st);
    return static_cast<int32_t>(CopyOut(0, out_labels, out_distances));
  }

  /// Searches nq queries (nq * dim float32, row-major). Query i writes its
  /// labels/distances at slot i*k of the out buffers and its hit count at
  /// out_counts[i] (uint32). Returns 0 or -code (the first failing query).
  int32_t searchBatch(uintptr_t queries, uint32_t nq, uint32_t k, uint32_t ef, uintptr_t allowed,
                      uint32_t allowed_count, uintptr_t out_labels, uintptr_t out_distances, uintptr_t out_counts) {
    if (int32_t rc = CheckSearchRegions(queries, nq, k, allowed, out_labels, out_distances, out_counts)) return rc;
    const float* q = reinterpret_cast<const float*>(queries);
    uint32_t* counts = reinterpret_cast<uint32_t*>(out_counts);
    const uint32_t dim = index_.config().dim;
    for (uint32_t i = 0; i < nq; ++i) {
      Status st = index_.Search(q + uint64_t{i} * dim, k, ef, reinterpret_cast<const uint32_t*>(allowed),
                                allowed_count, &hits_);
      if (!st.ok()) return Fail(mvdb::Status(st.code(), "query " + std::to_string(i) + ": " + st.message()));
      counts[i] = CopyOut(uint64_t{i} * k, out_labels, out_distances);
    }
    return 0;
  }

  /// Exact (flat) search, same contract as search(); the test reference.
  int32_t searchExact(uintptr_t query, uint32_t k, uintptr_t allowed, uintptr_t out_labels, uintptr_t out_distances) {
    if (int32_t rc = CheckSearchRegions(query, 1, k, allowed, out_labels, out_distances, 0)) return rc;
    Status st = index_.SearchExact(reinterpret_cast<const float*>(query), k, reinterpret_cast<const uint32_t*>(allowed),
                                   &hits_);
    if (!st.ok()) return Fail(st);
    return static_cast<int32_t>(CopyOut(0, out_labels, out_distances));
  }

  /// Address of the vector of `label` (dim float32 in the caller's order:
  /// the stored row, a copy of it when stored in a learned dimension order,
  /// or the dequantized codes once float32 rows are dropped), valid until the
  /// next call; 0 if out of range.
  uintptr_t vectorAddress(uint32_t label) {
    if (label >= index_.size()) return 0;
    if (index_.has_floats() && !index_.dimension_order().learned())
      return reinterpret_cast<uintptr_t>(index_.StoredRow(label));
    if (!decoded_.Resize(index_.config().dim).ok()) return 0;  // out of memory: the caller reports it
    index_.CopyVector(label, decoded_.data());
    return reinterpret_cast<uintptr_t>(decoded_.data());
  }
  bool isDeleted(uint32_t label) const { return label < index_.size() && index_.IsDeleted(label); }

  uint32_t size() const { return index_.size(); }
  uint32_t deletedCount() const { return index_.deleted_count(); }
  uint32_t dim() const { return index_.config().dim; }
  uint32_t metric() const { return static_cast<uint32_t>(index_.config().metric); }
  uint32_t M() const { return index_.config().M; }
  uint32_t efConstruction() const { return index_.config().ef_construction; }
  uint32_t efSearch() const { return index_.config().ef_search; }
  uint32_t seed() const { return static_cast<uint32_t>(index_.config().seed); }
  uint32_t quantization() const { return static_cast<uint32_t>(index_.config().quantization); }
  uint32_t rerank() const { return index_.config().rerank; }
  bool keepFloat() const { return index_.config().keep_float; }
  /// Whether float32 rows are currently stored.
  bool hasFloats() const { return index_.has_floats(); }
  /// Bytes of vector storage per label (mvdb::Index::BytesPerVector).
  uint32_t bytesPerVector() const { return index_.BytesPerVector(); }
  /// Fraction of int8-encoded values (after the quantizer froze) that were
  /// clipped to its range, in [0, 1]; 0 without quantization.
  double clippedFraction() const {
    const mvdb::ScalarQuantizer& q = index_.quantizer();
    return q.encoded_values() == 0 ? 0.0 : static_cast<double>(q.clipped_values()) / static_cast<double>(q.encoded_values());
  }
  /// Bytes held by the index (double: may exceed 2^31).
  double memoryBytes() const { return static_cast<double>(index_.MemoryBytes() + snapshot_.capacity_bytes()); }

  /// Serialises the index plus `user_len` opaque bytes at `user` into an
  /// internal buffer; read it with snapshotAddress()/snapshotSize(), then
  /// releaseSnapshot(). Returns 0 or -code.
  int32_t serialize(uintptr_t user, uint32_t user_len) {
    releaseSnapshot();
    if (int32_t rc = CheckRegions({{user, user_len, "serialize user section"}})) return rc;
    return Report(mvdb::SerializeSnapshot(index_, reinterpret_cast<const uint8_t*>(user), user_len, &snapshot_));
  }
  uintptr_t snapshotAddress() const { return reinterpret_cast<uintptr_t>(snapshot_.data()); }
  double snapshotSize() const { return static_cast<double>(snapshot_.size()); }
  void releaseSnapshot() { snapshot_ = mvdb::GrowableArray<uint8_t>(); }

  /// Replaces this index with the snapshot of `len` bytes at `data` (the
  /// index is unchanged on failure). On success userOffset()/userSize()
  /// locate the USER section inside those bytes. Returns 0 or -code.
  int32_t load(uintptr_t data, uint32_t len) {
    if (int32_t rc = CheckRegions({{data, len, "snapshot bytes"}})) return rc;
    mvdb::Index loaded;
    uint64_t off = 0, ulen = 0;
    Status st = mvdb::DeserializeSnapshot(reinterpret_cast<const uint8_t*>(data), len, &loaded, &off, &ulen);
    if (!st.ok()) return Fail(st);
    loaded.set_reuse_deleted(index_.reuse_deleted());
    index_ = std::move(loaded);
    user_offset_ = static_cast<uint32_t>(off);
    user_size_ = static_cast<uint32_t>(ulen);
    return 0;
  }
  uint32_t userOffset() const { return user_offset_; }
  uint32_t userSize() const { return user_size_; }

  std::string lastError() const { return last_error_; }

 private:
  int32_t Report(const Status& st) { return st.ok() ? 0 : Fail(st); }

  struct Region {
    uintptr_t address;
    uint64_t bytes;
    const char* what;
  };
  /// 0 when every region lies inside the linear memory, else -code of the first that does not.
  int32_t CheckRegions(std::initializer_list<Region> regions) {
    const uint64_t memory = emscripten_get_heap_size();
    for (const Region& r : regions) {
      Status st = mvdb::CheckRegion(r.address, r.bytes, memory, r.what);
      if (!st.ok()) return Fail(st);
    }
    return 0;
  }
  /// The regions of a search of nq queries: queries (nq·dim float32), the
  /// allowed bitset (one bit per label, whole uint32 words), labels and
  /// distances (nq·k each) and, for a batch, the counts (nq uint32).
  int32_t CheckSearchRegions(uintptr_t queries, uint32_t nq, uint32_t k, uintptr_t allowed, uintptr_t out_labels,
                             uintptr_t out_distances, uintptr_t out_counts) {
    const uint64_t words = (uint64_t{index_.size()} + 31) / 32;
    return CheckRegions({{queries, mvdb::RegionBytes(nq, dim(), 4), "queries"},
                         {allowed, allowed == 0 ? 0 : words * 4, "allowed bitset"},
                         {out_labels, mvdb::RegionBytes(nq, k, 4), "result labels"},
                         {out_distances, mvdb::RegionBytes(nq, k, 4), "result distances"},
                         {out_counts, out_counts == 0 ? 0 : mvdb::RegionBytes(nq, 1, 4), "result counts"}});
  }
  int32_t Fail(const Status& st) {
    last_error_ = st.message();
    return -static_cast<int32_t>(st.code());
  }
  uint32_t CopyOut(uint64_t slot, uintptr_t out_labels, uintptr_t out_distances) {
    uint32_t* labels = reinterpret_cast<uint32_t*>(out_labels) + slot;
    float* dists = reinterpret_cast<float*>(out_distances) + slot;
    for (size_t i = 0; i < hits_.size(); ++i) {
      labels[i] = hits_[i].label;
      dists[i] = hits_[i].distance;
    }
    return static_cast<uint32_t>(hits_.size());
  }

  mvdb::Index index_;
  mvdb::GrowableArray<mvdb::Neighbor> hits_;
  mvdb::GrowableArray<float> decoded_;  // dim float32: a dequantized vector for vectorAddress()
  mvdb::GrowableArray<uint8_t> snapshot_;
  mvdb::GrowableArray<uint32_t> remap_;
  uint32_t user_offset_ = 0;
  uint32_t user_size_ = 0;
  std::string last_error_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(minivectordb) {
  emscripten::class_<WasmIndex>("WasmIndex")
      .constructor<>()
      .function("init", &WasmIndex::init)
      .function("add", &WasmIndex::add)
      .function("reserveForAdd", &WasmIndex::reserveForAdd)
      .function("setReuseDeleted", &WasmIndex::setReuseDeleted)
      .function("markDeleted", &WasmIndex::markDeleted)
      .function("compact", &WasmIndex::compact)
      .function("remapAddress", &WasmIndex::remapAddress)
      .function("remapCount", &WasmIndex::remapCount)
      .function("releaseRemap", &WasmIndex::releaseRemap)
      .function("search", &WasmIndex::search)
      .function("searchBatch", &WasmIndex::searchBatch)
      .function("searchExact", &WasmIndex::searchExact)
      .function("vectorAddress", &WasmIndex::vectorAddress)
      .function("isDeleted", &WasmIndex::isDeleted)
      .function("size", &WasmIndex::size)
      .function("deletedCount", &WasmIndex::deletedCount)
      .function("dim", &WasmIndex::dim)
      .function("metric", &WasmIndex::metric)
      .function("M", &WasmIndex::M)
      .function("efConstruction", &WasmIndex::efConstruction)
      .function("efSearch", &WasmIndex::efSearch)
      .function("seed", &WasmIndex::seed)
      .function("quantization", &WasmIndex::quantization)
      .function("rerank", &WasmIndex::rerank)
      .function("keepFloat", &WasmIndex::keepFloat)
      .function("hasFloats", &WasmIndex::hasFloats)
      .function("bytesPerVector", &WasmIndex::bytesPerVector)
      .function("clippedFraction", &WasmIndex::clippedFraction)
      .function("memoryBytes", &WasmIndex::memoryBytes)
      .function("serialize", &WasmIndex::serialize)
      .function("snapshotAddress", &WasmIndex::snapshotAddress)
      .function("snapshotSize", &WasmIndex::snapshotSize)
      .function("releaseSnapshot", &WasmIndex::releaseSnapshot)
      .function("load", &WasmIndex::load)
      .function("userOffset", &WasmIndex::userOffset)
      .function("userSize", &WasmIndex::userSize)
      .function("lastError", &WasmIndex::lastError);
}
