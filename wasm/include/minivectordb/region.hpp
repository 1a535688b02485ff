// Checks of the memory regions that JavaScript hands to the core as an
// address plus counts (wasm/bindings/embind.cpp). Every size is computed in
// 64 bits, saturating instead of wrapping, so that no product of counts can
// wrap in wasm32's 32-bit size_t; a region must then lie inside the linear
// memory as it is when the call starts (the JS side allocated it before).
// This is the second line of defence: js/src/wasm/heap-size.ts refuses
// sizes over 4 GiB before calling _malloc, and this check catches a caller
// that did not.
#pragma once

#include <cstdint>
#include <string>

#include "minivectordb/status.hpp"

namespace mvdb {

/// a · b, or UINT64_MAX when the product does not fit 64 bits.
inline uint64_t SaturatingMul(uint64_t a, uint64_t b) { return a != 0 && b > UINT64_MAX / a ? UINT64_MAX : a * b; }

/// The bytes of `count1` · `count2` elements of `elem_bytes` bytes each
/// (saturating at UINT64_MAX).
inline uint64_t RegionBytes(uint64_t count1, uint64_t count2, uint64_t elem_bytes) {
  return SaturatingMul(SaturatingMul(count1, count2), elem_bytes);
}

/// OK when `bytes` bytes at `address` lie inside a linear memory of
/// `memory_bytes` bytes (an empty region is always OK; a non-empty one at
/// address 0 is not). Otherwise InvalidArgument naming `what`, the size and
/// the memory size; nothing has been read or written.
inline Status CheckRegion(uint64_t address, uint64_t bytes, uint64_t memory_bytes, const char* what) {
  if (bytes == 0) return Status::Ok();
  if (address != 0 && address <= memory_bytes && bytes <= memory_bytes - address) return Status::Ok();
  const std::string size = bytes == UINT64_MAX ? std::string("over 2^64") : std::to_string(bytes);
  return InvalidArgument(std::string(what) + ": " + size + " bytes at address " + std::to_string(address) +
                         " do not fit the " + std::to_string(memory_bytes) + "-byte WebAssembly memory");
}

}  // namespace mvdb
