#include "minivectordb/tombstones.hpp"

namespace mvdb {

Status Tombstones::RebuildFree() {
  free_.Clear();
  MVDB_RETURN_IF_ERROR(free_.Reserve(size()));
  // Ascending order is a min-heap.
  for (uint32_t label = 0; label < size(); ++label)
    if (flags_[label] != 0) free_.PushBackUnchecked(label);
  return Status::Ok();
}

}  // namespace mvdb
