// MiniVectorDB with `reorder()` called right after the build (its time is
// part of the build): the same adapter as minivectordb.mjs.
import { openVariant } from './minivectordb.mjs';

export const open = (env) => openVariant('minivectordb-reordered', {}, env, { reorder: true });
