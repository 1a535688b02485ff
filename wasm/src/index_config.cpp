#include "minivectordb/index_config.hpp"

#include <string>

namespace mvdb {

Status ValidateConfig(const IndexConfig& c) {
  if (c.dim < 1 || c.dim > kMaxDim)
    return InvalidArgument("dim must be in [1, " + std::to_string(kMaxDim) + "], got " + std::to_string(c.dim));
  if (!IsValidMetric(static_cast<uint32_t>(c.metric)))
    return InvalidArgument("metric must be 0 (l2), 1 (ip) or 2 (cosine), got " +
                           std::to_string(static_cast<uint32_t>(c.metric)));
  if (c.M < 2 || c.M > kMaxM)
    return InvalidArgument("M must be in [2, " + std::to_string(kMaxM) + "], got " + std::to_string(c.M));
  if (c.ef_construction < 1 || c.ef_construction > kMaxEf)
    return InvalidArgument("efConstruction must be in [1, " + std::to_string(kMaxEf) + "], got " +
                           std::to_string(c.ef_construction));
  if (c.ef_search < 1 || c.ef_search > kMaxEf)
    return InvalidArgument("efSearch must be in [1, " + std::to_string(kMaxEf) + "], got " +
                           std::to_string(c.ef_search));
  if (!IsValidQuantization(static_cast<uint32_t>(c.quantization)))
    return InvalidArgument("quantization must be 0 (none) or 1 (int8), got " +
                           std::to_string(static_cast<uint32_t>(c.quantization)));
  if (c.rerank < 1 || c.rerank > kMaxRerank)
    return InvalidArgument("rerank must be in [1, " + std::to_string(kMaxRerank) + "], got " + std::to_string(c.rerank));
  return Status::Ok();
}

}  // namespace mvdb
