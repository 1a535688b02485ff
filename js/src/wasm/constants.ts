/**
 * The core's limits and enums, read from the loaded module: the C++ headers
 * (`index_config.hpp`, `vector_check.hpp`, `status.hpp`, `distance.hpp`,
 * `quantizer.hpp`) are their one source, exported once by
 * `wasm/bindings/embind.cpp` (`emscripten::constant` / `enum_`). TypeScript
 * never restates them.
 * @internal
 */
import type { CoreStatusName } from '../errors.js';
import type { Metric, Quantization } from '../types.js';
import type { CoreModule, EmbindEnum } from './minivectordb_core.mjs';

/** Why the core rejects a vector (`mvdb::VectorFault`). */
export type VectorFaultName = 'non-finite' | 'norm-too-large' | 'zero-norm';

/** The core's limits and the numeric ids of its enums. */
export interface CoreConstants {
  /** Largest vector dimension. */
  readonly maxDim: number;
  /** Largest HNSW M. */
  readonly maxM: number;
  /** Largest efConstruction / efSearch. */
  readonly maxEf: number;
  /** Largest number of results of one query, after clamping k to the matching labels. */
  readonly maxK: number;
  /** Largest int8 re-ranking factor. */
  readonly maxRerank: number;
  /** Largest squared L2 norm Σ v_i² (float64 sum) of an accepted vector: FLT_MAX / 8. */
  readonly maxSquaredNorm: number;
  /** Largest add whose labels enter the fresh list (`kFreshMaxBatch`, `fresh_list.hpp`). */
  readonly freshMaxBatch: number;
  /** Vectors an l2 index learns its dimension order from (`kOrderSample`, `index.hpp`). */
  readonly orderSample: number;
  /** Core id of each metric name. */
  readonly metricIds: Readonly<Record<Metric, number>>;
  /** Core id of each quantization name. */
  readonly quantizationIds: Readonly<Record<Quantization, number>>;
  /** Metric name of a core id. */
  metricName(id: number): Metric | undefined;
  /** Quantization name of a core id. */
  quantizationName(id: number): Quantization | undefined;
  /** Status name of a core error code (positive), undefined when unknown. */
  statusName(code: number): CoreStatusName | undefined;
  /** Fault name of a `VectorFault` value, undefined for none or unknown. */
  vectorFaultName(id: number): VectorFaultName | undefined;
}

const cache = new WeakMap<CoreModule, CoreConstants>();

function ids<K extends string>(e: EmbindEnum<K>, names: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of names) out[name] = e[name].value;
  return out;
}

function inverse<K extends string>(map: Record<K, number>): (id: number) => K | undefined {
  const byId = new Map<number, K>();
  for (const name of Object.keys(map) as K[]) byId.set(map[name], name);
  return (id) => byId.get(id);
}

/** The constants of `mod`, read once per module. */
export function coreConstants(mod: CoreModule): CoreConstants {
  let c = cache.get(mod);
  if (c !== undefined) return c;
  const metricIds = ids(mod.Metric, ['l2', 'ip', 'cosine']);
  const quantizationIds = ids(mod.Quantization, ['none', 'int8']);
  const statusIds = ids(mod.ErrorCode, ['kInvalidArgument', 'kOutOfMemory', 'kNotFound', 'kSnapshotCorrupt', 'kSnapshotVersion']);
  const faultIds = ids(mod.VectorFault, ['kNonFinite', 'kNormTooLarge', 'kZeroNorm']);
  const faultNames: Record<keyof typeof faultIds, VectorFaultName> = { kNonFinite: 'non-finite', kNormTooLarge: 'norm-too-large', kZeroNorm: 'zero-norm' };
  const fault = inverse(faultIds);
  c = {
    maxDim: mod.kMaxDim,
    maxM: mod.kMaxM,
    maxEf: mod.kMaxEf,
    maxK: mod.kMaxK,
    maxRerank: mod.kMaxRerank,
    maxSquaredNorm: mod.kMaxSquaredNorm,
    freshMaxBatch: mod.kFreshMaxBatch,
    orderSample: mod.kOrderSample,
    metricIds,
    quantizationIds,
    metricName: inverse(metricIds),
    quantizationName: inverse(quantizationIds),
    statusName: inverse(statusIds),
    vectorFaultName: (id) => {
      const name = fault(id);
      return name === undefined ? undefined : faultNames[name];
    },
  };
  cache.set(mod, c);
  return c;
}
