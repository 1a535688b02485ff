// Native hnswlib, SSE2 only (see hnswlib-native.mjs and bench/native/compile.mjs).
import { openNative } from './hnswlib-native.mjs';

export const open = openNative('sse2');
