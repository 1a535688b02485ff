// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's crc32()).
// Used to checksum every snapshot section. Check value: Crc32("123456789") ==
// 0xCBF43926.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mvdb {

/// CRC-32 of data[0..len), continuing from `crc` (0 for a fresh checksum).
uint32_t Crc32(const uint8_t* data, size_t len, uint32_t crc = 0);

}  // namespace mvdb
