// MiniVectorDB int8 (float32 kept for re-ranking) with `reorder()` called
// right after the build (its time is part of the build).
import { openVariant } from './minivectordb.mjs';

export const open = (env) => openVariant('minivectordb-int8-reordered', { quantization: 'int8' }, env, { reorder: true });
