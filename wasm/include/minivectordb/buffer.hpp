// GrowableArray: a malloc-backed array of trivially copyable elements whose
// growth reports out-of-memory as a Status instead of aborting.
//
// The core is built without exceptions, so std::vector's growth would abort
// the whole WebAssembly instance when linear memory is exhausted. Every large
// buffer of the index (vectors, links, flags) lives in a GrowableArray so a
// failed growth leaves the index unchanged and usable.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>

#include "minivectordb/status.hpp"

namespace mvdb {

/// Largest buffer, in bytes: the wasm32 address space (size_t is 32-bit
/// there). Native builds get the same cap, so that the native tests see the
/// limits of the WebAssembly build instead of allocating tens of gigabytes.
constexpr uint64_t kMaxBufferBytes = uint64_t{UINT32_MAX} < uint64_t{SIZE_MAX} ? uint64_t{UINT32_MAX} : uint64_t{SIZE_MAX};

template <typename T>
class GrowableArray {
  static_assert(std::is_trivially_copyable<T>::value, "GrowableArray holds trivially copyable types only");

 public:
  GrowableArray() = default;
  ~GrowableArray() { std::free(data_); }
  GrowableArray(const GrowableArray&) = delete;
  GrowableArray& operator=(const GrowableArray&) = delete;
  GrowableArray(GrowableArray&& o) noexcept { *this = std::move(o); }
  GrowableArray& operator=(GrowableArray&& o) noexcept {
    if (this != &o) {
      std::free(data_);
      data_ = o.data_;
      size_ = o.size_;
      capacity_ = o.capacity_;
      o.data_ = nullptr;
      o.size_ = o.capacity_ = 0;
    }
    return *this;
  }

  /// Ensures room for at least `n` elements. Growth takes max(n, twice the
  /// capacity) (as std::vector): appends are amortised O(1), and one large
  /// reservation (a bulk insert) gets exactly what it asks for rather than
  /// the next power of two. When that cannot be allocated (near the 4 GB
  /// ceiling of wasm32), smaller steps are tried, halving the overshoot down
  /// to the exact need. Fails (array unchanged) when the byte size, computed
  /// in 64 bits, exceeds kMaxBufferBytes or even `n` elements cannot be
  /// allocated.
  Status Reserve(uint64_t n) {
    if (n <= capacity_) return Status::Ok();
    const uint64_t doubled = capacity_ == 0 ? 16 : (capacity_ > UINT64_MAX / 2 ? UINT64_MAX : capacity_ * 2);
    uint64_t cap = n > doubled ? n : doubled;
    if (!BytesFit(cap)) cap = n;  // doubling overshot; try the exact need
    if (!BytesFit(cap)) return OutOfMemory(OomMessage(n));
    void* p = std::realloc(data_, static_cast<size_t>(cap * sizeof(T)));
    while (p == nullptr && cap > n) {  // realloc failure leaves data_ intact
      cap = n + (cap - n) / 2;
      p = std::realloc(data_, static_cast<size_t>(cap * sizeof(T)));
    }
    if (p == nullptr) return OutOfMemory(OomMessage(n));
    data_ = static_cast<T*>(p);
    capacity_ = cap;
    return Status::Ok();
  }

  /// Grows (reserving as needed) or shrinks to `n` elements; new elements are
  /// zero-filled.
  Status Resize(uint64_t n) {
    MVDB_RETURN_IF_ERROR(Reserve(n));
    if (n > size_) std::memset(static_cast<void*>(data_ + size_), 0, static_cast<size_t>((n - size_) * sizeof(T)));
    size_ = n;
    return Status::Ok();
  }

  /// Appends within the reserved capacity (call Reserve first).
  void PushBackUnchecked(const T& v) { data_[size_++] = v; }
  /// Appends p[0..n) within the reserved capacity (call Reserve first).
  void AppendUnchecked(const T* p, uint64_t n) {
    if (n > 0) std::memcpy(static_cast<void*>(data_ + size_), p, static_cast<size_t>(n * sizeof(T)));
    size_ += n;
  }

  void PopBack() { --size_; }
  /// Hands the buffer (free() it) to the caller; the array is left empty.
  T* Release() {
    T* p = data_;
    data_ = nullptr;
    size_ = capacity_ = 0;
    return p;
  }
  void Clear() { size_ = 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  uint64_t size() const { return size_; }
  uint64_t capacity() const { return capacity_; }
  uint64_t capacity_bytes() const { return capacity_ * sizeof(T); }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  bool empty() const { return size_ == 0; }
  T& front() { return data_[0]; }
  const T& front() const { return data_[0]; }
  T& back() { return data_[size_ - 1]; }
  T& operator[](uint64_t i) { return data_[i]; }
  const T& operator[](uint64_t i) const { return data_[i]; }

 private:
  static bool BytesFit(uint64_t n) { return n <= kMaxBufferBytes / sizeof(T); }
  static std::string OomMessage(uint64_t n) {
    const std::string bytes = n <= UINT64_MAX / sizeof(T) ? std::to_string(n * sizeof(T)) : "over 2^64";
    return "cannot allocate " + bytes + " bytes (" + std::to_string(n) + " elements of " + std::to_string(sizeof(T)) +
           " bytes; one buffer holds at most " + std::to_string(kMaxBufferBytes) + ")";
  }

  T* data_ = nullptr;
  uint64_t size_ = 0;
  uint64_t capacity_ = 0;
};

}  // namespace mvdb
