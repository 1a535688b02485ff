// Slot reuse (Index::Add taking tombstoned labels; HnswGraph::UnlinkForReuse
// and RelinkReused): under churn the node count stays at the live peak,
// recall@10 against the brute-force reference of test_data.hpp over the
// live vectors stays >= 0.95, a deleted vector is never returned (every
// returned distance is the distance to the label's current vector), the
// entry point can be reused, snapshots round-trip the free slots, and
// compaction still works after churn. The same for int8 indexes with and
// without float32 rows (reused codes re-encoded, also while the quantizer
// learns; recall >= 0.95 / >= 0.90).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "minivectordb/index.hpp"
#include "minivectordb/snapshot.hpp"
#include "search_util.hpp"
#include "snapshot_util.hpp"
#include "test_data.hpp"

namespace {

using mvdb::GrowableArray;
using mvdb::Index;
using mvdb::kNoLabel;
using mvdb::Metric;
using mvdb::Neighbor;
using mvdb::Quantization;
using mvdb_test::BruteForce;
using mvdb_test::Config;

constexpr uint32_t kN = 3000;
constexpr uint32_t kDim = 24;
constexpr uint32_t kK = 10;
constexpr uint32_t kEf = 64;
constexpr uint32_t kQueries = 100;

// The index under test beside a plain model of it: the current vector of
// every label (as inserted) and whether it is live.
struct Model {
  std::vector<float> rows;  // label -> current vector
  std::vector<bool> live;

  void Put(uint32_t label, const float* v) {
    if (label >= live.size()) {
      rows.resize(static_cast<size_t>(label + 1) * kDim);
      live.resize(label + 1, false);
    }
    std::copy(v, v + kDim, rows.begin() + static_cast<std::ptrdiff_t>(label) * kDim);
    live[label] = true;
  }
};

// Inserts `count` rows of `data` into both; returns the labels assigned.
std::vector<uint32_t> Insert(Index* index, Model* model, const float* data, uint32_t count) {
  std::vector<uint32_t> labels(count, kNoLabel);
  EXPECT_TRUE(index->Add(data, count, labels.data()).ok());
  for (uint32_t i = 0; i < count; ++i) model->Put(labels[i], data + static_cast<size_t>(i) * kDim);
  return labels;
}

// Checks that the hit `nb` for `query` is its label's current vector: with
// float32 rows its distance is the float one; without (int8 codes only) the
// codes decode to within step/2 per dimension of the vector as stored
// (normalised for cosine) and the distance is within the quantization bound
// of the float one (query and vector each off by <= step/2 per dimension).
void ExpectCurrent(const Index& index, const Neighbor& nb, const float* row, const float* query, Metric metric) {
  const double want = mvdb_test::RefDistance(metric, query, row, kDim);
  if (index.has_floats()) {
    EXPECT_NEAR(nb.distance, want, 1e-3 * (1 + std::abs(want))) << "label " << nb.label << " answered with a stale vector";
    return;
  }
  const double step = index.quantizer().step();
  std::vector<float> stored(row, row + kDim), decoded(kDim);
  if (metric == Metric::kCosine) mvdb::NormalizeInPlace(stored.data(), kDim);
  index.CopyVector(nb.label, decoded.data());
  for (uint32_t j = 0; j < kDim; ++j)
    EXPECT_NEAR(decoded[j], stored[j], step * 0.5 + 1e-5) << "label " << nb.label << " holds stale codes";
  if (metric == Metric::kL2) {
    EXPECT_NEAR(std::sqrt(nb.distance), std::sqrt(want), step * std::sqrt(double{kDim}) + 1e-4);
  } else {  // unit vectors: |Δ dot| <= step·(|q|₁ + |v|₁)/2 + dim·step²/4
    EXPECT_NEAR(nb.distance, want, step * std::sqrt(double{kDim}) + kDim * step * step / 4 + 1e-4);
  }
}

// Mean recall@10 over `queries` against brute force over the live labels
// (their float vectors); also checks that only live labels come back, each
// with its current vector (ExpectCurrent).
double CheckedRecall(Index* index, const Model& model, const std::vector<float>& queries, Metric metric) {
  const auto admit = [&](uint32_t l) { return static_cast<bool>(model.live[l]); };
  GrowableArray<Neighbor> got;
  double recall = 0;
  const uint32_t nq = static_cast<uint32_t>(queries.size() / kDim);
  for (uint32_t q = 0; q < nq; ++q) {
    const float* query = queries.data() + static_cast<size_t>(q) * kDim;
    EXPECT_TRUE(mvdb_test::SearchOne(*index, query, kK, kEf, nullptr, 0, &got).ok());
    for (const Neighbor& nb : got) {
      EXPECT_TRUE(model.live[nb.label]) << "deleted label " << nb.label << " returned";
      ExpectCurrent(*index, nb, model.rows.data() + static_cast<size_t>(nb.label) * kDim, query, metric);
    }
    recall += mvdb_test::Recall(got, BruteForce(metric, model.rows, kDim, query, kK, admit));
  }
  return recall / nq;
}

// Tombstones `count` distinct live labels drawn with `g` (partial
// Fisher-Yates); returns them ascending.
std::vector<uint32_t> DeleteRandom(Index* index, Model* model, mvdb_test::Gaussian* g, uint32_t count) {
  std::vector<uint32_t> live;
  for (uint32_t l = 0; l < model->live.size(); ++l)
    if (model->live[l]) live.push_back(l);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t j = i + static_cast<uint32_t>(g->Bits() % (live.size() - i));
    std::swap(live[i], live[j]);
    EXPECT_TRUE(index->MarkDeleted(live[i]).ok());
    model->live[live[i]] = false;
  }
  live.resize(count);
  std::sort(live.begin(), live.end());
  return live;
}

// Inserts freed.size() rows of `data`: they must take exactly the freed
// slots (the lowest tombstones, ascending), leaving `size` nodes and no
// tombstone.
void RefillChecked(Index* index, Model* model, const float* data, const std::vector<uint32_t>& freed, uint32_t size) {
  const std::vector<uint32_t> labels = Insert(index, model, data, static_cast<uint32_t>(freed.size()));
  EXPECT_EQ(labels, freed) << "the lowest tombstones are reused, ascending";
  EXPECT_EQ(index->size(), size);
  EXPECT_EQ(index->deleted_count(), 0u);
}

class ReuseByMetric : public ::testing::TestWithParam<Metric> {};

// Insert kN, then 6 rounds of: delete 30% of the live labels at random,
// insert as many new vectors. The node count never grows past kN, every
// tombstone is reused, and recall stays >= 0.95.
TEST_P(ReuseByMetric, ChurnKeepsNodeCountAndRecall) {
  const Metric metric = GetParam();
  constexpr uint32_t kRounds = 6;
  const uint32_t per_round = kN * 3 / 10;
  const std::vector<float> all = mvdb_test::ClusteredData(kN + kRounds * per_round + kQueries, kDim, 30, 808, 0.5);
  const std::vector<float> queries(all.end() - static_cast<std::ptrdiff_t>(kQueries) * kDim, all.end());
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, metric, 12, 100, 5)).ok());
  Model model;
  Insert(&index, &model, all.data(), kN);
  mvdb_test::Gaussian g(77);
  const float* next = all.data() + static_cast<size_t>(kN) * kDim;
  for (uint32_t round = 0; round < kRounds; ++round) {
    const std::vector<uint32_t> freed = DeleteRandom(&index, &model, &g, per_round);
    // While the tombstones wait, they are never returned.
    EXPECT_GE(CheckedRecall(&index, model, queries, metric), 0.95) << "round " << round << " with tombstones";
    RefillChecked(&index, &model, next, freed, kN);
    next += static_cast<size_t>(per_round) * kDim;
    EXPECT_GE(CheckedRecall(&index, model, queries, metric), 0.95) << "round " << round;
  }
  // Every reused vector is found as its own nearest neighbour.
  GrowableArray<Neighbor> got;
  uint32_t self = 0;
  for (uint32_t l = 0; l < kN; ++l) {
    ASSERT_TRUE(mvdb_test::SearchOne(index, model.rows.data() + static_cast<size_t>(l) * kDim, 1, kEf, nullptr, 0, &got).ok());
    self += (got.size() == 1 && got[0].label == l) ? 1 : 0;
  }
  EXPECT_GE(self, kN * 99 / 100);
}

INSTANTIATE_TEST_SUITE_P(Metrics, ReuseByMetric, ::testing::Values(Metric::kL2, Metric::kCosine),
                         [](const auto& info) { return info.param == Metric::kL2 ? "l2" : "cosine"; });

// Reuse off: labels only grow, tombstones stay; on again: they are taken.
TEST(Reuse, CanBeTurnedOff) {
  const std::vector<float> data = mvdb_test::ClusteredData(400, kDim, 8, 9);
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2, 8, 50)).ok());
  Model model;
  Insert(&index, &model, data.data(), 200);
  ASSERT_TRUE(index.MarkDeleted(3).ok());
  ASSERT_TRUE(index.MarkDeleted(150).ok());
  index.set_reuse_deleted(false);
  EXPECT_EQ(Insert(&index, &model, data.data() + 200 * kDim, 2), (std::vector<uint32_t>{200, 201}));
  index.set_reuse_deleted(true);
  // 3 vectors, 2 tombstones: one new label first, then the tombstones, lowest first.
  EXPECT_EQ(Insert(&index, &model, data.data() + 202 * kDim, 3), (std::vector<uint32_t>{202, 3, 150}));
  EXPECT_EQ(index.deleted_count(), 0u);
  EXPECT_EQ(index.size(), 203u);
}

// The entry point (the only node on the top layer) is deleted and reused;
// so is a lone node, and every node of a small graph in turn.
TEST(Reuse, EntryPointAndSmallGraphs) {
  const std::vector<float> data = mvdb_test::ClusteredData(900, kDim, 10, 31);
  Index lone;
  ASSERT_TRUE(lone.Init(Config(kDim, Metric::kL2)).ok());
  Model m1;
  Insert(&lone, &m1, data.data(), 1);
  ASSERT_TRUE(lone.MarkDeleted(0).ok());
  EXPECT_EQ(Insert(&lone, &m1, data.data() + kDim, 1), std::vector<uint32_t>{0});
  GrowableArray<Neighbor> got;
  ASSERT_TRUE(mvdb_test::SearchOne(lone, data.data() + kDim, 1, 8, nullptr, 0, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].distance, 0.f);

  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2, 4, 40, 3)).ok());
  Model model;
  Insert(&index, &model, data.data(), 300);
  for (uint32_t round = 0; round < 2; ++round) {
    const uint32_t entry = index.graph().entry_point();
    ASSERT_TRUE(index.MarkDeleted(entry).ok());
    model.live[entry] = false;
    const float* v = data.data() + static_cast<size_t>(300 + round) * kDim;
    EXPECT_EQ(Insert(&index, &model, v, 1), std::vector<uint32_t>{entry});
    EXPECT_EQ(index.graph().entry_point(), entry);  // the slot keeps its level
  }
  // Replace every node once, one at a time.
  for (uint32_t l = 0; l < 300; ++l) {
    ASSERT_TRUE(index.MarkDeleted(l).ok());
    model.live[l] = false;
    Insert(&index, &model, data.data() + static_cast<size_t>(302 + l) * kDim, 1);
  }
  EXPECT_EQ(index.size(), 300u);
  const std::vector<float> queries(data.end() - 50 * kDim, data.end());
  EXPECT_GE(CheckedRecall(&index, model, queries, Metric::kL2), 0.95);
  // No node links to itself, and every link is in range on its layer.
  const mvdb::HnswGraph& g = index.graph();
  for (uint32_t l = 0; l < 300; ++l) {
    for (uint32_t layer = 0; layer <= g.Level(l); ++layer) {
      uint32_t n = 0;
      const uint32_t* links = g.Links(l, layer, &n);
      for (uint32_t i = 0; i < n; ++i) {
        EXPECT_NE(links[i], l) << "self link at " << l;
        ASSERT_LT(links[i], 300u);
        EXPECT_GE(g.Level(links[i]), layer);
      }
    }
  }
}

// After churn with tombstones pending, a snapshot round trip keeps the free
// slots: the loaded and the original index answer alike and assign the same
// labels to the next inserts; compaction after churn keeps exactly the live
// vectors and the recall.
TEST(Reuse, SnapshotKeepsFreeSlotsAndCompactWorks) {
  const std::vector<float> data = mvdb_test::ClusteredData(2600, kDim, 20, 64);
  Index index;
  ASSERT_TRUE(index.Init(Config(kDim, Metric::kL2, 8, 60)).ok());
  Model model;
  Insert(&index, &model, data.data(), 2000);
  mvdb_test::Gaussian g(5);
  for (uint32_t l = 0; l < 2000; ++l) {
    if (g.Uniform01() < 0.3) {
      ASSERT_TRUE(index.MarkDeleted(l).ok());
      model.live[l] = false;
    }
  }
  Insert(&index, &model, data.data() + 2000 * kDim, 300);  // reuses 300 of ~600 tombstones
  ASSERT_GT(index.deleted_count(), 0u);

  const std::vector<uint8_t> bytes = mvdb_test::Serialize(index);
  Index loaded;
  uint64_t off = 0, len = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), &loaded, &off, &len).ok());
  EXPECT_EQ(mvdb_test::Serialize(loaded), bytes);

  Model m2 = model;
  const float* more = data.data() + 2300 * kDim;
  EXPECT_EQ(Insert(&index, &model, more, 250), Insert(&loaded, &m2, more, 250));
  EXPECT_EQ(mvdb_test::Serialize(loaded), mvdb_test::Serialize(index));
  const std::vector<float> queries(data.end() - 50 * kDim, data.end());
  GrowableArray<Neighbor> a, b;
  for (uint32_t q = 0; q < 50; ++q) {
    ASSERT_TRUE(mvdb_test::SearchOne(index, queries.data() + q * kDim, kK, kEf, nullptr, 0, &a).ok());
    ASSERT_TRUE(mvdb_test::SearchOne(loaded, queries.data() + q * kDim, kK, kEf, nullptr, 0, &b).ok());
    ASSERT_EQ(a.size(), b.size());
    for (uint64_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].label, b[i].label);
  }
  EXPECT_GE(CheckedRecall(&index, model, queries, Metric::kL2), 0.95);

  // Compaction after churn: only live vectors stay, in label order.
  GrowableArray<uint32_t> remap;
  const uint32_t live = index.live_count();
  ASSERT_TRUE(index.Compact(&remap).ok());
  EXPECT_EQ(index.size(), live);
  Model compacted;
  for (uint32_t old = 0; old < remap.size(); ++old) {
    if (remap[old] == kNoLabel) continue;
    ASSERT_TRUE(model.live[old]);
    ASSERT_EQ(std::memcmp(index.StoredRow(remap[old]), model.rows.data() + static_cast<size_t>(old) * kDim, kDim * 4), 0);
    compacted.Put(remap[old], model.rows.data() + static_cast<size_t>(old) * kDim);
  }
  EXPECT_GE(CheckedRecall(&index, compacted, queries, Metric::kL2), 0.95);
}


// --- int8 -------------------------------------------------------------------

mvdb::IndexConfig Int8Config(Metric metric, bool keep_float, uint32_t M = 12, uint32_t ef_construction = 100) {
  mvdb::IndexConfig c = Config(kDim, metric, M, ef_construction, 5);
  c.quantization = Quantization::kInt8;
  c.keep_float = keep_float;
  return c;
}

// Every slot's codes equal its current vector encoded with the index's
// quantizer (normalised first for cosine).
void ExpectCodesMatch(const Index& index, const Model& model, Metric metric) {
  mvdb::ScalarQuantizer quant = index.quantizer();
  std::vector<float> v(kDim);
  std::vector<int8_t> want(kDim);
  for (uint32_t l = 0; l < index.size(); ++l) {
    if (!model.live[l]) continue;
    std::copy(model.rows.begin() + static_cast<std::ptrdiff_t>(l) * kDim,
              model.rows.begin() + static_cast<std::ptrdiff_t>(l + 1) * kDim, v.begin());
    if (metric == Metric::kCosine) mvdb::NormalizeInPlace(v.data(), kDim);
    quant.Encode(v.data(), want.data(), false);
    ASSERT_EQ(std::memcmp(index.codes().Get(l), want.data(), kDim), 0) << "label " << l;
  }
}

struct Int8Case {
  Metric metric;
  bool keep_float;
};

class Int8Reuse : public ::testing::TestWithParam<Int8Case> {};

// As ChurnKeepsNodeCountAndRecall, on an int8 index: the node count stays at
// the live peak, every reused slot holds the new vector's codes, recall@10
// stays >= 0.95 with float32 rows (re-ranked) and >= 0.90 without, and a
// snapshot after churn answers identically and reuses the same slots.
TEST_P(Int8Reuse, ChurnKeepsNodeCountRecallAndSnapshots) {
  const Metric metric = GetParam().metric;
  const bool keep = GetParam().keep_float;
  const double floor = keep ? 0.95 : 0.90;
  constexpr uint32_t kRounds = 5;
  const uint32_t per_round = kN * 3 / 10;
  const std::vector<float> all = mvdb_test::ClusteredData(kN + (kRounds + 1) * per_round + kQueries, kDim, 30, 808, 0.5);
  const std::vector<float> queries(all.end() - static_cast<std::ptrdiff_t>(kQueries) * kDim, all.end());
  Index index;
  ASSERT_TRUE(index.Init(Int8Config(metric, keep)).ok());
  Model model;
  Insert(&index, &model, all.data(), kN);
  ASSERT_TRUE(index.quantizer().frozen());
  ASSERT_EQ(index.has_floats(), keep);
  mvdb_test::Gaussian g(91);
  const float* next = all.data() + static_cast<size_t>(kN) * kDim;
  for (uint32_t round = 0; round <= kRounds; ++round) {
    const std::vector<uint32_t> freed = DeleteRandom(&index, &model, &g, per_round);
    if (round == kRounds) break;  // the last round's tombstones go into the snapshot
    EXPECT_GE(CheckedRecall(&index, model, queries, metric), floor) << "round " << round << " with tombstones";
    RefillChecked(&index, &model, next, freed, kN);
    next += static_cast<size_t>(per_round) * kDim;
    ExpectCodesMatch(index, model, metric);
    const double recall = CheckedRecall(&index, model, queries, metric);
    EXPECT_GE(recall, floor) << "round " << round;
    if (round + 1 == kRounds) std::printf("[ int8 reuse ] keepFloat %d metric %d: recall@10 %.4f\n", keep, static_cast<int>(metric), recall);
  }

  // Snapshot with tombstones pending: bit-identical, same answers, and the
  // next inserts take the same slots in both.
  const std::vector<uint8_t> bytes = mvdb_test::Serialize(index);
  Index loaded;
  uint64_t off = 0, len = 0;
  ASSERT_TRUE(mvdb::DeserializeSnapshot(bytes.data(), bytes.size(), &loaded, &off, &len).ok());
  EXPECT_EQ(mvdb_test::Serialize(loaded), bytes);
  GrowableArray<Neighbor> a, b;
  const auto same_answers = [&]() {
    for (uint32_t q = 0; q < kQueries; ++q) {
      ASSERT_TRUE(mvdb_test::SearchOne(index, queries.data() + q * kDim, kK, kEf, nullptr, 0, &a).ok());
      ASSERT_TRUE(mvdb_test::SearchOne(loaded, queries.data() + q * kDim, kK, kEf, nullptr, 0, &b).ok());
      ASSERT_EQ(a.size(), b.size());
      for (uint64_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].label, b[i].label);
        EXPECT_EQ(a[i].distance, b[i].distance);
      }
    }
  };
  same_answers();
  Model m2 = model;
  EXPECT_EQ(Insert(&index, &model, next, per_round), Insert(&loaded, &m2, next, per_round));
  EXPECT_EQ(index.size(), kN);
  EXPECT_EQ(mvdb_test::Serialize(loaded), mvdb_test::Serialize(index));
  same_answers();
  EXPECT_GE(CheckedRecall(&loaded, m2, queries, metric), floor);
}

INSTANTIATE_TEST_SUITE_P(KeepFloat, Int8Reuse,
                         ::testing::Values(Int8Case{Metric::kL2, true}, Int8Case{Metric::kL2, false},
                                           Int8Case{Metric::kCosine, true}, Int8Case{Metric::kCosine, false}),
                         [](const auto& info) {
                           return std::string(info.param.metric == Metric::kL2 ? "l2" : "cosine") +
                                  (info.param.keep_float ? "_keepFloat" : "_codesOnly");
                         });

// Tombstones labels first, first + stride, ... below end.
void DeleteEvery(Index* index, Model* model, uint32_t first, uint32_t stride, uint32_t end) {
  for (uint32_t l = first; l < end; l += stride) {
    EXPECT_TRUE(index->MarkDeleted(l).ok());
    model->live[l] = false;
  }
}

// Slots reused while the quantizer still learns are re-encoded with every
// refit like the others: after the batch that freezes it (and drops the
// float32 rows), every live slot's codes are its current vector's under the
// frozen quantizer, and the slots are then reused over the codes.
TEST(Int8Reuse, SlotsReusedWhileLearningAreReencodedOnRefit) {
  const std::vector<float> data = mvdb_test::ClusteredData(1700, kDim, 12, 17, 0.5);
  Index index;
  ASSERT_TRUE(index.Init(Int8Config(Metric::kL2, false, 8, 60)).ok());
  Model model;
  Insert(&index, &model, data.data(), 600);
  DeleteEvery(&index, &model, 0, 3, 600);
  // 200 tombstones: 50 new labels, then all 200 slots reused; still learning.
  std::vector<uint32_t> labels = Insert(&index, &model, data.data() + 600 * kDim, 250);
  EXPECT_EQ(labels[50], 0u);
  EXPECT_EQ(index.size(), 650u);
  ASSERT_FALSE(index.quantizer().frozen());
  ASSERT_TRUE(index.has_floats());
  ExpectCodesMatch(index, model, Metric::kL2);
  DeleteEvery(&index, &model, 1, 5, 650);
  // 130 tombstones: 380 new labels reach kFitTarget; the refit re-encodes
  // the reused slots too, then freezes and drops the float32 rows.
  labels = Insert(&index, &model, data.data() + 850 * kDim, 510);
  EXPECT_EQ(index.size(), 1030u);
  ASSERT_TRUE(index.quantizer().frozen());
  ASSERT_FALSE(index.has_floats());
  ExpectCodesMatch(index, model, Metric::kL2);
  // Reuse over the codes (the graph is now walked in code space).
  DeleteEvery(&index, &model, 2, 4, 1030);
  const uint32_t tombstones = index.deleted_count();
  Insert(&index, &model, data.data() + 1360 * kDim, tombstones);
  EXPECT_EQ(index.size(), 1030u);
  EXPECT_EQ(index.deleted_count(), 0u);
  ExpectCodesMatch(index, model, Metric::kL2);
  const std::vector<float> queries(data.end() - 40 * kDim, data.end());
  EXPECT_GE(CheckedRecall(&index, model, queries, Metric::kL2), 0.90);
}

}  // namespace
