// Native hnswlib, -O3 -march=native (see hnswlib-native.mjs).
import { openNative } from './hnswlib-native.mjs';

export const open = openNative('avx');
