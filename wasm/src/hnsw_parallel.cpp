// Concurrent HNSW construction (HnswGraph::InsertBatchT): several threads
// insert the nodes of one batch into one graph, as hnswlib's addPoint does
// when called from several threads (hnswalg.h): each link list is read and
// rewritten under its lock (a stripe of LinkLocks), the entry point and top
// level under the global lock, held through a node's whole insert only when
// that node may become the new top; every thread walks with scratch of its
// own. Here a thread's scratch is a view: an HnswGraph whose links and
// levels are those of the graph being built (HnswGraph::Shared) and whose
// visited set, pools and heuristic buffers are its own, so the walks and the
// heuristic of hnsw_walk.hpp / hnsw_insert.cpp run unchanged.
//
// Everything that can fail is done before the first thread starts: levels
// drawn, link storage reserved and the nodes appended, views allocated; a
// failure leaves the graph as it was. Rows are never written while threads
// run (Index appends them first), so only link lists are shared mutable data.
#include <pthread.h>

#include <atomic>
#include <memory>
#include <new>

#include "hnsw_walk.hpp"

namespace mvdb {
namespace {

// What one thread runs: nodes taken one at a time from a shared counter
// (a node's cost varies with its level and neighbourhood, so a fixed split
// would leave threads idle).
template <typename Dc>
struct BatchJob {
  const Dc* dc;
  std::atomic<uint32_t>* next;
  uint32_t end;
  HnswGraph* view;
  void (*insert)(HnswGraph*, const Dc&, uint32_t);
  void Run() {
    for (uint32_t label = next->fetch_add(1, std::memory_order_relaxed); label < end;
         label = next->fetch_add(1, std::memory_order_relaxed))
      insert(view, *dc, label);
  }
  static void* Start(void* job) {
    static_cast<BatchJob*>(job)->Run();
    return nullptr;
  }
};

}  // namespace

template <typename Dc>
void HnswGraph::InsertConcurrent(Dc dc, uint32_t label) {
  HnswGraph& g = *shared_;
  const int32_t level = static_cast<int32_t>(Level(label));
  std::unique_lock<std::mutex> global(locks_->Global());
  entry_point_ = g.entry_point_;
  max_level_ = g.max_level_;
  const bool raises_top = level > max_level_;
  if (!raises_top) global.unlock();  // kept only by a node that may become the new entry point
  dc.SetQueryLabel(label);
  LinkT(dc, label, static_cast<uint32_t>(level));
  if (raises_top) {
    g.entry_point_ = label;
    g.max_level_ = level;
  }
}

template <typename Dc>
Status HnswGraph::InsertBatchT(const Dc& dc, uint32_t count, uint32_t threads) {
  if (count == 0) return Status::Ok();
  const uint32_t first = size_;
  const uint64_t rng_before = rng_.state();
  // Levels in label order, as `count` InsertT calls draw them.
  GrowableArray<uint8_t> levels;
  MVDB_RETURN_IF_ERROR(levels.Reserve(count));
  uint64_t upper_words = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t level = DrawLevel();
    levels.PushBackUnchecked(static_cast<uint8_t>(level));
    upper_words += uint64_t{level} * (1 + M_);
  }
  const uint32_t nthreads = threads < 1 ? 1 : (threads > count ? count : threads);
  LinkLocks locks;
  std::unique_ptr<HnswGraph[]> views(new (std::nothrow) HnswGraph[nthreads]);
  Status st = views == nullptr ? OutOfMemory("cannot allocate the thread views of a parallel build") : locks.Init();
  if (st.ok()) st = Reserve(first + count);
  if (st.ok()) st = upper_.Reserve(upper_.size() + upper_words);
  for (uint32_t t = 0; st.ok() && t < nthreads; ++t) {
    HnswGraph& v = views[t];
    v.M_ = M_;
    v.M0_ = M0_;
    v.ef_construction_ = ef_construction_;
    v.mL_ = mL_;
    v.shared_ = this;
    v.locks_ = &locks;
    st = v.ReserveScratch(first + count);
    if (st.ok()) st = v.link_copy_.Resize(M0_);
  }
  if (!st.ok()) {
    rng_.set_state(rng_before);  // the graph exactly as it was (capacities aside)
    return st;
  }
  for (uint32_t i = 0; i < count; ++i) {
    // Reserved above: cannot fail.
    const uint32_t level = levels[i];
    if (level > 0) (void)upper_.Resize(upper_.size() + uint64_t{level} * (1 + M_));
    (void)links0_.Resize(uint64_t{size_} + 1);  // rows reserved by Reserve: no block is allocated or moved
    levels_.PushBackUnchecked(static_cast<uint8_t>(level));
    upper_at_.PushBackUnchecked(static_cast<uint32_t>(upper_.size() - uint64_t{level} * (1 + M_)));
    ++size_;
  }
  uint32_t start = first;
  if (entry_point_ == kNoLabel) {  // an empty graph: its first node is the entry point, as in InsertT
    entry_point_ = first;
    max_level_ = static_cast<int32_t>(levels[0]);
    ++start;
  }
  std::atomic<uint32_t> next{start};
  using Job = BatchJob<Dc>;
  auto insert = [](HnswGraph* view, const Dc& d, uint32_t label) { view->InsertConcurrent(d, label); };
  std::unique_ptr<Job[]> jobs(new (std::nothrow) Job[nthreads]);
  std::unique_ptr<pthread_t[]> ids(new (std::nothrow) pthread_t[nthreads]);
  std::unique_ptr<bool[]> started(new (std::nothrow) bool[nthreads]);
  const uint32_t helpers = jobs == nullptr || ids == nullptr || started == nullptr ? 0 : nthreads - 1;
  if (helpers == 0) {  // one thread, or no room for the bookkeeping: link on this thread
    Job job{&dc, &next, first + count, &views[0], insert};
    job.Run();
    last_batch_threads_ = 1;
    return Status::Ok();
  }
  for (uint32_t t = 0; t < nthreads; ++t) jobs[t] = Job{&dc, &next, first + count, &views[t], insert};
  // A helper that cannot start (no worker left in a WebAssembly build's
  // pool) only leaves more nodes to the others.
  for (uint32_t t = 1; t < nthreads; ++t) started[t] = pthread_create(&ids[t], nullptr, &Job::Start, &jobs[t]) == 0;
  jobs[0].Run();
  last_batch_threads_ = 1;
  for (uint32_t t = 1; t < nthreads; ++t) {
    if (!started[t]) continue;
    pthread_join(ids[t], nullptr);
    ++last_batch_threads_;
  }
  return Status::Ok();
}

#define MVDB_INSTANTIATE_PARALLEL(Dc) template Status HnswGraph::InsertBatchT<Dc>(const Dc&, uint32_t, uint32_t);
MVDB_FOR_EACH_DISTANCE_COMPUTER(MVDB_INSTANTIATE_PARALLEL)
#undef MVDB_INSTANTIATE_PARALLEL

}  // namespace mvdb
