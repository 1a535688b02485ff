// MiniVectorDB with int8 scalar quantization (float32 kept for re-ranking):
// the same adapter as minivectordb.mjs with `quantization: 'int8'`.
import { openVariant } from './minivectordb.mjs';

export const open = (env) => openVariant('minivectordb-int8', { quantization: 'int8' }, env);
