// What an Index is created with, and the limits of every parameter the core
// accepts (exported to TypeScript once, through bindings/embind.cpp).
#pragma once

#include <cstdint>

#include "minivectordb/distance.hpp"
#include "minivectordb/quantizer.hpp"
#include "minivectordb/status.hpp"

namespace mvdb {

/// Parameters fixed when an index is created.
struct IndexConfig {
  uint32_t dim = 0;                ///< vector dimension, 1 .. kMaxDim
  Metric metric = Metric::kL2;     ///< distance metric
  uint32_t M = 16;                 ///< HNSW links per node on upper layers (layer 0: 2*M), 2 .. kMaxM
  uint32_t ef_construction = 200;  ///< HNSW candidate list size while inserting, 1 .. kMaxEf
  uint32_t ef_search = 64;         ///< default candidate list size while searching, 1 .. kMaxEf
  uint64_t seed = 1;               ///< seed of the level PRNG
  /// Vector storage: kInt8 keeps int8 codes (quantizer.hpp) that the graph
  /// is searched over, then re-ranks with float32.
  Quantization quantization = Quantization::kNone;
  /// kInt8: the graph walk returns min(ef, rerank·k) candidates (at least k)
  /// whose float32 distances pick the final k. 1 .. kMaxRerank.
  uint32_t rerank = 4;
  /// kInt8: keep the float32 rows (for re-ranking, exact search and get()).
  /// When false they are dropped once the quantizer freezes (kFitTarget
  /// vectors); distances and vectors are then the dequantized ones.
  bool keep_float = true;
};

constexpr uint32_t kMaxDim = 65536;
constexpr uint32_t kMaxM = 1024;
/// Largest ef (efConstruction, efSearch, SearchRequest::ef).
constexpr uint32_t kMaxEf = 1u << 20;
/// Largest number of results of one query (after clamping k to the
/// labels that can match).
constexpr uint32_t kMaxK = 1u << 20;
constexpr uint32_t kMaxRerank = 1024;

/// Checks ranges of every field; InvalidArgument names the field.
Status ValidateConfig(const IndexConfig& c);

}  // namespace mvdb
