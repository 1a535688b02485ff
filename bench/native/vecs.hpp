// Reader of the fvecs / ivecs files the bench writes (bench/lib/data.mjs):
// per row an int32 dimension, then that many 4-byte values (float32 or
// int32), little-endian. Shared by the native drivers of bench/native/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <vector>

namespace bench {

/// Reads `path` into *data (n * dim values, row-major). False when the file
/// is missing, empty, not a whole number of rows, or its rows differ in dim.
template <typename T>
bool ReadVecs(const char* path, size_t* n, size_t* dim, std::vector<T>* data) {
  static_assert(sizeof(T) == 4, "fvecs / ivecs hold 4-byte values");
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<size_t>(in.tellg());
  in.seekg(0);
  int32_t d = 0;
  if (bytes < 4 || !in.read(reinterpret_cast<char*>(&d), 4) || d <= 0) return false;
  const size_t row = 4 + 4 * static_cast<size_t>(d);
  if (bytes % row != 0) return false;
  *n = bytes / row;
  *dim = static_cast<size_t>(d);
  data->resize(*n * *dim);
  in.seekg(0);
  for (size_t i = 0; i < *n; i++) {
    int32_t di = 0;
    in.read(reinterpret_cast<char*>(&di), 4);
    if (di != d) return false;
    in.read(reinterpret_cast<char*>(data->data() + i * *dim), static_cast<std::streamsize>(4 * *dim));
  }
  return static_cast<bool>(in);
}

}  // namespace bench
