// The only file that knows about Emscripten: a thin Embind shell over
// mvdb::Index and the snapshot functions.
//
// Conventions at this boundary (mirrored by js/src/wasm/minivectordb_core.d.mts):
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

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "minivectordb/crc32.hpp"
#include "minivectordb/index.hpp"
#include "minivectordb/region.hpp"
#include "minivectordb/snapshot.hpp"
#include "minivectordb/snapshot_stream.hpp"

namespace {

using mvdb::Status;

/// Makes room at the heap's top for one block of `bytes`: malloc grows the
/// heap through sbrk, whose increment is a signed 32-bit number on wasm32, so
/// one request over 2 GiB fails even where the heap could hold it (a loaded
/// snapshot's rows past 2 GiB). Pieces of 1 GiB taken, then freed, merge into
/// the free top, from which the one large request is then served.
void PregrowHeap(uint64_t bytes) {
  constexpr uint64_t kPiece = uint64_t{1} << 30;
  if (bytes <= kPiece) return;
  void* pieces[4] = {};  // bytes < 4 GiB
  int taken = 0;
  for (uint64_t got = 0; got < bytes && taken < 4; got += kPiece) {
    pieces[taken] = std::malloc(static_cast<size_t>(std::min(kPiece, bytes - got)));
    if (pieces[taken] == nullptr) break;
    ++taken;
  }
  while (taken > 0) std::free(pieces[--taken]);
}

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
  /// out_labels (n uint32). Returns 0 or -code; a vector the value rule
  /// rejected is then lastVectorItem(), lastVectorFault() says why.
  int32_t add(uintptr_t vectors, uint32_t n, uintptr_t out_labels) {
    problem_ = mvdb::VectorProblem();
    if (int32_t rc = CheckRegions({{vectors, mvdb::RegionBytes(n, dim(), 4), "add vectors"},
                                   {out_labels, mvdb::RegionBytes(n, 1, 4), "add labels"}}))
      return rc;
    if (int32_t rc = ReserveRemap(uint64_t{index_.size()} + n)) return rc;
    return Report(
        index_.Add(reinterpret_cast<const float*>(vectors), n, reinterpret_cast<uint32_t*>(out_labels), &problem_));
  }

  /// Makes room for an add() of n vectors (mvdb::Index::ReserveForAdd).
  /// Returns 0 or -code.
  int32_t reserveForAdd(uint32_t n) {
    if (int32_t rc = ReserveRemap(uint64_t{index_.size()} + n)) return rc;
    return Report(index_.ReserveForAdd(n));
  }

  /// Whether add() reuses tombstoned slots (default true).
  void setReuseDeleted(bool on) { index_.set_reuse_deleted(on); }

  /// Threads add() links new labels on (mvdb::Index::set_build_threads;
  /// default 1). Only the core built with -pthread starts any: the
  /// single-thread core links on the calling thread whatever this says.
  void setBuildThreads(uint32_t n) { index_.set_build_threads(n); }
  /// Threads that linked the last parallel add() (0 before any).
  uint32_t lastBuildThreads() const { return index_.last_build_threads(); }

  int32_t markDeleted(uint32_t label) { return Report(index_.MarkDeleted(label)); }

  /// Rebuilds the index without its tombstones (mvdb::Index::Compact). On
  /// success the old -> new label map (uint32 per old label, 0xFFFFFFFF for
  /// a tombstone) is at remapAddress(), remapCount() entries, until
  /// releaseRemap(). Returns 0 or -code (index unchanged). The map's room
  /// (4 bytes per label) is reserved as the index grows (add, reserveForAdd,
  /// and after a load when it fits), so that an index that filled the heap
  /// still compacts: the rebuild itself allocates nothing either.
  int32_t compact() {
    remap_.Clear();
    return Report(index_.Compact(&remap_));
  }
  /// Relabels the nodes for memory locality (mvdb::Index::Reorder): the
  /// old -> new label map (a permutation, uint32 per label) is then at
  /// remapAddress(), remapCount() entries, until releaseRemap(), as after
  /// compact(), in the same reserved room. Returns 0 or -code (index
  /// unchanged).
  int32_t reorder() {
    remap_.Clear();
    return Report(index_.Reorder(&remap_));
  }
  uintptr_t remapAddress() const { return reinterpret_cast<uintptr_t>(remap_.data()); }
  uint32_t remapCount() const { return static_cast<uint32_t>(remap_.size()); }
  /// Empties the map; its room stays reserved for the next compact().
  void releaseRemap() { remap_.Clear(); }

  /// The one search call: its integers are the fields of a
  /// mvdb::SearchRequest and the caller's mvdb::SearchResults
  /// (search_request.hpp), passed to mvdb::Index::Search, which owns every
  /// check (the regions against the memory size included) and rule: nq
  /// queries (nq * dim float32, row-major) at `queries`; `allowed` a label
  /// bitset address (ceil(size / 32) uint32) or 0, allowed_count its live
  /// labels; query i writes its labels (uint32) and distances (float32) at
  /// slot i * stride of out_labels / out_distances and its count at
  /// out_counts[i] (uint32). Returns 0 or -code; a query the value rule
  /// rejected is then lastVectorItem(), lastVectorFault() says why.
  int32_t search(uintptr_t queries, uint32_t nq, uint32_t k, uint32_t ef, bool exact, uintptr_t allowed,
                 uint32_t allowed_count, uintptr_t out_labels, uintptr_t out_distances, uintptr_t out_counts,
                 uint32_t stride) {
    mvdb::SearchRequest request;
    request.queries = reinterpret_cast<const float*>(queries);
    request.nq = nq;
    request.k = k;
    request.ef = ef;
    request.exact = exact;
    request.allowed = reinterpret_cast<const uint32_t*>(allowed);
    request.allowed_count = allowed_count;
    request.memory_bytes = emscripten_get_heap_size();
    mvdb::SearchResults out;
    out.stride = stride;
    out.labels = reinterpret_cast<uint32_t*>(out_labels);
    out.distances = reinterpret_cast<float*>(out_distances);
    out.counts = reinterpret_cast<uint32_t*>(out_counts);
    out.problem = &problem_;
    problem_ = mvdb::VectorProblem();
    return Report(index_.Search(request, out));
  }

  /// Checks n vectors (n * dim float32) against the core's value rule
  /// (mvdb::CheckVectors) without adding them. Returns n when all pass, else
  /// the index of the first bad one (lastError() names it as "item i",
  /// lastVectorFault() says why: a VectorFault value); -code on a bad region.
  int32_t checkVectors(uintptr_t vectors, uint32_t n) {
    problem_ = mvdb::VectorProblem();
    if (int32_t rc = CheckRegions({{vectors, mvdb::RegionBytes(n, dim(), 4), "vectors to check"}})) return rc;
    const Status st = mvdb::CheckVectors(reinterpret_cast<const float*>(vectors), n, dim(), index_.config().metric,
                                         "item", true, &problem_);
    if (st.ok()) return static_cast<int32_t>(n);
    last_error_ = st.message();
    return static_cast<int32_t>(problem_.item);
  }
  /// The vector the value rule rejected in the last checkVectors, add or
  /// search call: why (a VectorFault value; 0 when none was) and its index
  /// in that call's batch.
  uint32_t lastVectorFault() const { return static_cast<uint32_t>(problem_.fault); }
  uint32_t lastVectorItem() const { return problem_.item; }

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
  /// Bytes of vector storage per label (mvdb::Index::BytesPerVector).
  uint32_t bytesPerVector() const { return index_.BytesPerVector(); }
  /// Fraction of int8-encoded values (after the quantizer froze) that were
  /// clipped to its range, in [0, 1]; 0 without quantization.
  double clippedFraction() const {
    const mvdb::ScalarQuantizer& q = index_.quantizer();
    return q.encoded_values() == 0 ? 0.0 : static_cast<double>(q.clipped_values()) / static_cast<double>(q.encoded_values());
  }
  /// Bytes held by the index (double: may exceed 2^31).
  double memoryBytes() const { return static_cast<double>(index_.MemoryBytes() + stream_.buffer_bytes()); }

  /// Starts streaming the snapshot of the index with a USER section of
  /// `user_len` bytes that the caller keeps outside this memory and appends
  /// after the last chunk (mvdb::SnapshotStream::BeginExternalUser): first
  /// it passes them through feedSnapshotUser, in pieces copied into
  /// snapshotWindow() (snapshotWindowBytes() long), for the section's CRC.
  /// The index stays unchanged until endSnapshot(). snapshotTotal() gives the
  /// snapshot's size, USER included; each nextSnapshotChunk() puts the next
  /// chunk at chunkAddress() / chunkSize() (0 at the end, after the USER
  /// section header), valid until the next call. Returns 0 or -code.
  int32_t beginSnapshot(double user_len) {
    endSnapshot();
    if (!(user_len >= 0 && user_len <= 9007199254740991.0 && user_len == static_cast<double>(static_cast<uint64_t>(user_len))))
      return Fail(mvdb::InvalidArgument("snapshot user section length must be a non-negative integer"));
    return Report(stream_.BeginExternalUser(&index_, static_cast<uint64_t>(user_len)));
  }
  uintptr_t snapshotWindow() { return reinterpret_cast<uintptr_t>(stream_.user_window()); }
  double snapshotWindowBytes() const { return static_cast<double>(stream_.user_window_bytes()); }
  int32_t feedSnapshotUser(uintptr_t data, uint32_t len) {
    if (int32_t rc = CheckRegions({{data, len, "snapshot user piece"}})) return rc;
    return Report(stream_.FeedUser(reinterpret_cast<const uint8_t*>(data), len));
  }
  double snapshotTotal() const { return static_cast<double>(stream_.total_bytes()); }
  void nextSnapshotChunk() { stream_.Next(&chunk_, &chunk_size_); }
  uintptr_t chunkAddress() const { return reinterpret_cast<uintptr_t>(chunk_); }
  double chunkSize() const { return static_cast<double>(chunk_size_); }
  void endSnapshot() {
    stream_.Reset();
    chunk_ = nullptr;
    chunk_size_ = 0;
  }

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
    loaded.set_build_threads(index_.build_threads());
    index_ = std::move(loaded);
    user_offset_ = static_cast<uint32_t>(off);
    user_size_ = static_cast<uint32_t>(ulen);
    // Best effort: a load that leaves no room for the map still succeeds, and compact() then asks for it.
    remap_.Clear();
    (void)remap_.Reserve(index_.size());
    return 0;
  }
  /// A split load (mvdb::DeserializeSnapshotSplit) in three steps, so the
  /// float32 rows, int8 codes and layer-0 links are copied once, into the
  /// buffers the index keeps, and the USER section never enters this memory:
  /// prepareLoad allocates `vecs_bytes`, `codes_bytes` and `links0_bytes`
  /// (the VECS and CODE payload lengths, and GRPH's layer-0 blocks after its
  /// level bytes, 0 when not cut out) at vecsAddress() / codesAddress() /
  /// links0Address(); the caller copies those bytes there, passes the
  /// `user_bytes` of USER it keeps (0: USER stays in the rest) through
  /// feedLoadUser in pieces copied to loadWindow() (loadWindowBytes() long),
  /// then calls loadSplit with the rest of the snapshot (every other byte).
  /// Returns 0 or -code; the buffers are released by loadSplit (adopted or
  /// dropped) or releaseLoad().
  int32_t prepareLoad(double vecs_bytes, double codes_bytes, double links0_bytes, double user_bytes) {
    releaseLoad();
    // Against the heap's maximum (the buffers are still to be allocated), not its current size.
    const double max = static_cast<double>(emscripten_get_heap_max());
    if (!(vecs_bytes >= 0 && vecs_bytes <= max && codes_bytes >= 0 && codes_bytes <= max && links0_bytes >= 0 &&
          links0_bytes <= max && user_bytes >= 0 && user_bytes <= 9007199254740991.0))
      return Fail(mvdb::InvalidArgument("payload sizes out of range"));
    const uint64_t vb = static_cast<uint64_t>(vecs_bytes), cb = static_cast<uint64_t>(codes_bytes);
    const uint64_t lb = static_cast<uint64_t>(links0_bytes), ub = static_cast<uint64_t>(user_bytes);
    payloads_.vecs_bytes = vb;
    payloads_.links0_bytes = lb;
    payloads_.ExpectUser(ub);
    PregrowHeap(vb);
    Status st = payloads_.vecs.Resize((vb + 3) / 4);
    if (st.ok()) PregrowHeap(cb);
    if (st.ok()) st = payloads_.codes.Resize(cb);
    if (st.ok()) st = payloads_.links0.Resize((lb + 3) / 4);
    if (st.ok()) st = load_window_.Resize(std::min<uint64_t>(ub, mvdb::kStreamChunkBytes));
    if (!st.ok()) releaseLoad();
    return Report(st);
  }
  uintptr_t vecsAddress() const { return reinterpret_cast<uintptr_t>(payloads_.vecs.data()); }
  uintptr_t codesAddress() const { return reinterpret_cast<uintptr_t>(payloads_.codes.data()); }
  uintptr_t links0Address() const { return reinterpret_cast<uintptr_t>(payloads_.links0.data()); }
  uintptr_t loadWindow() { return reinterpret_cast<uintptr_t>(load_window_.data()); }
  double loadWindowBytes() const { return static_cast<double>(load_window_.size()); }
  int32_t feedLoadUser(uintptr_t data, uint32_t len) {
    if (int32_t rc = CheckRegions({{data, len, "snapshot user piece"}})) return rc;
    return Report(payloads_.FeedUser(reinterpret_cast<const uint8_t*>(data), len));
  }
  void releaseLoad() {
    payloads_ = mvdb::SnapshotPayloads();
    load_window_ = mvdb::GrowableArray<uint8_t>();
  }
  int32_t loadSplit(uintptr_t rest, uint32_t rest_len) {
    if (int32_t rc = CheckRegions({{rest, rest_len, "snapshot bytes"}})) return rc;
    mvdb::Index loaded;
    uint64_t off = 0, ulen = 0;
    Status st = mvdb::DeserializeSnapshotSplit(reinterpret_cast<const uint8_t*>(rest), rest_len, &payloads_, &loaded,
                                               &off, &ulen);
    releaseLoad();
    if (!st.ok()) return Fail(st);
    loaded.set_reuse_deleted(index_.reuse_deleted());
    loaded.set_build_threads(index_.build_threads());
    index_ = std::move(loaded);
    user_offset_ = static_cast<uint32_t>(off);
    user_size_ = static_cast<uint32_t>(ulen);
    // Best effort: a load that leaves no room for the map still succeeds, and compact() then asks for it.
    remap_.Clear();
    (void)remap_.Reserve(index_.size());
    return 0;
  }

  uint32_t userOffset() const { return user_offset_; }
  uint32_t userSize() const { return user_size_; }

  std::string lastError() const { return last_error_; }

 private:
  int32_t Report(const Status& st) { return st.ok() ? 0 : Fail(st); }
  // Room for compact()'s label map, taken before the index grows so that a
  // failure leaves the index unchanged.
  int32_t ReserveRemap(uint64_t labels) { return Report(remap_.Reserve(labels)); }

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
  int32_t Fail(const Status& st) {
    last_error_ = st.message();
    return -static_cast<int32_t>(st.code());
  }
  mvdb::Index index_;
  mvdb::GrowableArray<float> decoded_;  // dim float32: a dequantized vector for vectorAddress()
  mvdb::SnapshotStream stream_;
  mvdb::SnapshotPayloads payloads_;  // a split load's rows, codes and layer-0 links, until loadSplit
  mvdb::GrowableArray<uint8_t> load_window_;  // where a split load's USER pieces are fed from, until loadSplit
  const uint8_t* chunk_ = nullptr;
  uint64_t chunk_size_ = 0;
  mvdb::GrowableArray<uint32_t> remap_;
  uint32_t user_offset_ = 0;
  uint32_t user_size_ = 0;
  mvdb::VectorProblem problem_;  // of the last checkVectors, add or search
  std::string last_error_;
};

/// CRC-32 of `length` bytes at `address` continuing `crc` (0 to start; the
/// write-ahead log's record checksum in pieces, the same function as the
/// snapshot sections'), as a number in [0, 2^32); -1 when the region is not
/// inside the linear memory.
double Crc32At(uintptr_t address, uint32_t length, uint32_t crc) {
  if (!mvdb::CheckRegion(address, length, emscripten_get_heap_size(), "crc32 input").ok()) return -1;
  return mvdb::Crc32(reinterpret_cast<const uint8_t*>(address), length, crc);
}

}  // namespace

EMSCRIPTEN_BINDINGS(minivectordb) {
  emscripten::class_<WasmIndex>("WasmIndex")
      .constructor<>()
      .function("init", &WasmIndex::init)
      .function("add", &WasmIndex::add)
      .function("reserveForAdd", &WasmIndex::reserveForAdd)
      .function("setReuseDeleted", &WasmIndex::setReuseDeleted)
      .function("setBuildThreads", &WasmIndex::setBuildThreads)
      .function("lastBuildThreads", &WasmIndex::lastBuildThreads)
      .function("markDeleted", &WasmIndex::markDeleted)
      .function("compact", &WasmIndex::compact)
      .function("reorder", &WasmIndex::reorder)
      .function("remapAddress", &WasmIndex::remapAddress)
      .function("remapCount", &WasmIndex::remapCount)
      .function("releaseRemap", &WasmIndex::releaseRemap)
      .function("search", &WasmIndex::search)
      .function("checkVectors", &WasmIndex::checkVectors)
      .function("lastVectorFault", &WasmIndex::lastVectorFault)
      .function("lastVectorItem", &WasmIndex::lastVectorItem)
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
      .function("bytesPerVector", &WasmIndex::bytesPerVector)
      .function("clippedFraction", &WasmIndex::clippedFraction)
      .function("memoryBytes", &WasmIndex::memoryBytes)
      .function("beginSnapshot", &WasmIndex::beginSnapshot)
      .function("snapshotWindow", &WasmIndex::snapshotWindow)
      .function("snapshotWindowBytes", &WasmIndex::snapshotWindowBytes)
      .function("feedSnapshotUser", &WasmIndex::feedSnapshotUser)
      .function("snapshotTotal", &WasmIndex::snapshotTotal)
      .function("nextSnapshotChunk", &WasmIndex::nextSnapshotChunk)
      .function("chunkAddress", &WasmIndex::chunkAddress)
      .function("chunkSize", &WasmIndex::chunkSize)
      .function("endSnapshot", &WasmIndex::endSnapshot)
      .function("load", &WasmIndex::load)
      .function("prepareLoad", &WasmIndex::prepareLoad)
      .function("vecsAddress", &WasmIndex::vecsAddress)
      .function("codesAddress", &WasmIndex::codesAddress)
      .function("links0Address", &WasmIndex::links0Address)
      .function("loadWindow", &WasmIndex::loadWindow)
      .function("loadWindowBytes", &WasmIndex::loadWindowBytes)
      .function("feedLoadUser", &WasmIndex::feedLoadUser)
      .function("releaseLoad", &WasmIndex::releaseLoad)
      .function("loadSplit", &WasmIndex::loadSplit)
      .function("userOffset", &WasmIndex::userOffset)
      .function("userSize", &WasmIndex::userSize)
      .function("lastError", &WasmIndex::lastError);

  emscripten::function("crc32", &Crc32At);

  // Limits and enums, exported once: js/src/wasm/constants.ts reads them.
  emscripten::constant("kMaxDim", mvdb::kMaxDim);
  emscripten::constant("kMaxM", mvdb::kMaxM);
  emscripten::constant("kMaxEf", mvdb::kMaxEf);
  emscripten::constant("kMaxK", mvdb::kMaxK);
  emscripten::constant("kMaxRerank", mvdb::kMaxRerank);
  emscripten::constant("kMaxSquaredNorm", mvdb::kMaxSquaredNorm);
#ifdef __EMSCRIPTEN_PTHREADS__
  emscripten::constant("kThreads", true);  // this core was built with -pthread (parallel build)
#else
  emscripten::constant("kThreads", false);
#endif
  // What log replay needs to group inserts into one add with the same result (db/replay-batch.ts).
  emscripten::constant("kFreshMaxBatch", mvdb::kFreshMaxBatch);
  emscripten::constant("kOrderSample", mvdb::kOrderSample);
  emscripten::enum_<mvdb::Metric>("Metric")
      .value("l2", mvdb::Metric::kL2)
      .value("ip", mvdb::Metric::kIP)
      .value("cosine", mvdb::Metric::kCosine);
  emscripten::enum_<mvdb::Quantization>("Quantization")
      .value("none", mvdb::Quantization::kNone)
      .value("int8", mvdb::Quantization::kInt8);
  emscripten::enum_<mvdb::ErrorCode>("ErrorCode")
      .value("kInvalidArgument", mvdb::ErrorCode::kInvalidArgument)
      .value("kOutOfMemory", mvdb::ErrorCode::kOutOfMemory)
      .value("kNotFound", mvdb::ErrorCode::kNotFound)
      .value("kSnapshotCorrupt", mvdb::ErrorCode::kSnapshotCorrupt)
      .value("kSnapshotVersion", mvdb::ErrorCode::kSnapshotVersion);
  emscripten::enum_<mvdb::VectorFault>("VectorFault")
      .value("kNonFinite", mvdb::VectorFault::kNonFinite)
      .value("kNormTooLarge", mvdb::VectorFault::kNormTooLarge)
      .value("kZeroNorm", mvdb::VectorFault::kZeroNorm);
}
