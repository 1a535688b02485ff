// Status values returned by every fallible operation of the core.
//
// The core is built with -fno-exceptions: no C++ exception can cross the
// Embind boundary. Every fallible call returns a Status (code + message),
// in the spirit of usearch's error_t and faiss's C API error codes. The
// TypeScript layer maps each code to one typed error class.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace mvdb {

/// Error categories. The numeric values are part of the JS boundary
/// (exported through Embind as the enum `ErrorCode`; js/src/errors.ts maps
/// them); never renumber, only append. 2 and 7 (a dimension mismatch, an
/// internal error) were never raised and are retired: dimensions are checked
/// in TypeScript, and an unknown code maps to INTERNAL there.
enum class ErrorCode : int32_t {
  kOk = 0,
  kInvalidArgument = 1,    ///< bad parameter (k < 1, unknown metric, NaN, ...)
  kOutOfMemory = 3,        ///< an allocation failed; the index is unchanged
  kNotFound = 4,           ///< label does not exist or is deleted
  kSnapshotCorrupt = 5,    ///< bad magic, checksum, truncation, lying length
  kSnapshotVersion = 6,    ///< snapshot major version not supported
};

/// Result of a fallible operation: kOk or an error code with a message that
/// says what was expected and what was found.
class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return Status(ErrorCode::kInvalidArgument, std::move(m)); }
inline Status OutOfMemory(std::string m) { return Status(ErrorCode::kOutOfMemory, std::move(m)); }
inline Status NotFound(std::string m) { return Status(ErrorCode::kNotFound, std::move(m)); }
inline Status SnapshotCorrupt(std::string m) { return Status(ErrorCode::kSnapshotCorrupt, std::move(m)); }
inline Status SnapshotVersion(std::string m) { return Status(ErrorCode::kSnapshotVersion, std::move(m)); }

}  // namespace mvdb

/// Evaluates a Status expression and returns it from the enclosing function
/// when it is an error.
#define MVDB_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::mvdb::Status mvdb_status_ = (expr);     \
    if (!mvdb_status_.ok()) return mvdb_status_; \
  } while (0)
