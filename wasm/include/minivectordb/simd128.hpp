// Selects the SIMD128 intrinsics header.
//
// In the WebAssembly build (-msimd128) the compiler defines __wasm_simd128__
// and we use Emscripten's <wasm_simd128.h>. The native test build may define
// MVDB_USE_SIMDE to compile the very same kernels through SIMDe's portable
// implementation of the WebAssembly SIMD128 API, so they can be checked
// against the scalar kernels under GoogleTest and sanitizers.
#pragma once

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define MVDB_HAVE_SIMD128 1
#elif defined(MVDB_USE_SIMDE)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#define MVDB_HAVE_SIMD128 1
#else
#define MVDB_HAVE_SIMD128 0
#endif
