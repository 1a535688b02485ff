/**
 * The onnxruntime side of the ONNX embedder: imports onnxruntime-web (its
 * WebAssembly build) once and fixes its thread count and file locations
 * before the first session; creates a session from the model bytes and
 * checks its inputs (`input_ids`, `attention_mask`, optional
 * `token_type_ids`, all int64 `[batch, seq]`) and output (`sentence_embedding`
 * `[batch, dim]`, or per-token states `[batch, seq, dim]`); runs padded
 * batches and checks the shape of what comes back.
 *
 * onnxruntime-web is imported lazily, so importing this module costs nothing
 * until a model is created. In Node, onnxruntime-node (`ort-native.ts`) runs
 * the same sessions natively when installed and `backend` allows it.
 * @internal
 */
import type * as Ort from 'onnxruntime-web/wasm';
import { InvalidArgumentError, MiniVectorDBError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EmbedBackend, EmbedDevice, OrtWasmOptions } from './embedder.js';
import { ModelLoadError } from './errors.js';
import { isNode } from '../platform.js';
import type { PaddedBatch } from './text-encoding.js';
import { webgpuUnavailable } from './webgpu.js';

type OrtModule = typeof Ort;

/** The output the embedder reads: `pooled` when the model pools itself (`[batch, dim]`), else per-token `[batch, seq, dim]`. */
export interface ModelOutput {
  name: string;
  pooled: boolean;
}

/** Where the model bytes came from, for error messages. */
export interface ModelFileRef {
  file: string;
  source: string;
}

/** One onnxruntime-web build (`/wasm`, or `/webgpu` which also has the WebAssembly backend): its module and thread setting. */
interface OrtBuild {
  module: Promise<OrtModule> | undefined;
  threads: { threads: number; why: string } | undefined;
}
const builds: Record<EmbedDevice, OrtBuild> = { wasm: { module: undefined, threads: undefined }, webgpu: { module: undefined, threads: undefined } };

/**
 * The onnxruntime that will run: onnxruntime-web with `device` when
 * available, else WebAssembly (logged); or, on the CPU in Node,
 * onnxruntime-node (`backend: 'native'`, with its intra-op `threads`).
 */
export interface LoadedOrt {
  ort: OrtModule;
  device: EmbedDevice;
  /** `'native'`: onnxruntime-node; `'wasm'`: onnxruntime-web (its WebAssembly or WebGPU backend). */
  backend: 'wasm' | 'native';
  /** Intra-op threads of onnxruntime-node sessions (`backend: 'native'` only). */
  nativeThreads?: number;
}

/**
 * Imports onnxruntime-web once per build and sets its thread count (and
 * `wasmPaths`) before the first session: onnxruntime reads them when it
 * starts its WebAssembly module and ignores later changes. `'webgpu'` loads
 * the `onnxruntime-web/webgpu` build when a GPU adapter is offered, else
 * warns and uses the WebAssembly build. On the CPU, `backend` `'auto'` or
 * `'native'` first tries onnxruntime-node (Node only, {@link loadNative}).
 */
export async function loadOrt(wasm: OrtWasmOptions | undefined, logger: Logger, requested: EmbedDevice = 'wasm', backend: EmbedBackend = 'wasm'): Promise<LoadedOrt> {
  let device = requested;
  if (device === 'webgpu') {
    const why = await webgpuUnavailable();
    if (why !== undefined) {
      logger.warn(`device 'webgpu' unavailable (${why}); the embedder falls back to WebAssembly ('wasm')`);
      device = 'wasm';
    }
  }
  if (device === 'wasm' && backend !== 'wasm') {
    const native = await loadNative(wasm, logger, backend);
    if (native !== undefined) return native;
  }
  const build = builds[device];
  build.module ??= device === 'webgpu' ? (import('onnxruntime-web/webgpu') as Promise<OrtModule>) : import('onnxruntime-web/wasm');
  let ort: OrtModule;
  try {
    ort = await build.module;
  } catch (cause) {
    build.module = undefined;
    throw new MiniVectorDBError('INTERNAL', `cannot load onnxruntime-web${device === 'webgpu' ? '/webgpu' : ''}: ${String(cause)}`, { cause });
  }
  const wanted = wasm?.numThreads;
  let ortThreads = build.threads;
  if (ortThreads === undefined) {
    ortThreads = build.threads = chooseThreads(wanted, ort.env.wasm.numThreads);
    ort.env.wasm.numThreads = ortThreads.threads;
    if (wasm?.wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasm.wasmPaths;
    else if (ortThreads.threads > 1 && isNode() && ort.env.wasm.wasmPaths === undefined) {
      // Threads in Node: the workers must load onnxruntime's files from disk (see ort-node-paths.ts).
      const { ortWasmFolder } = await import('./ort-node-paths.js');
      const folder = ortWasmFolder();
      if (folder !== undefined) ort.env.wasm.wasmPaths = folder;
    }
    if (wanted !== undefined && wanted > 1 && !isNode() && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
      logger.warn(
        `wasm.numThreads ${wanted}: this page is not cross-origin isolated (no COOP/COEP headers), so there is no SharedArrayBuffer and onnxruntime runs on ONE thread`,
      );
    }
  } else if (wanted !== undefined && wanted !== ortThreads.threads) {
    logger.warn(`onnxruntime-web already runs with ${ortThreads.threads} thread(s); wasm.numThreads ${wanted} applies only before the first model is loaded`);
  }
  logger.debug(`onnxruntime-web ${ort.env.versions.web ?? ''} (${device}): ${ortThreads.threads} thread(s) (${ortThreads.why})`);
  return { ort, device, backend: 'wasm' };
}

/**
 * onnxruntime-node for `backend` `'auto'` or `'native'` in Node, when it
 * imports (`ort-native.ts`); undefined to use onnxruntime-web (`'auto'`,
 * logged). Threads: `wasm.numThreads`, else 1 as for WebAssembly in Node.
 * @throws InvalidArgumentError for `'native'` outside Node or without a usable onnxruntime-node.
 */
async function loadNative(wasm: OrtWasmOptions | undefined, logger: Logger, backend: EmbedBackend): Promise<LoadedOrt | undefined> {
  const native = isNode() ? await (await import('./ort-native.js')).loadNativeOrt() : { why: 'not Node.js' };
  if ('ort' in native) {
    const threads = wasm?.numThreads ?? 1;
    logger.info(`onnxruntime-node ${native.version} (native CPU, backend '${backend}'): ${threads} thread(s)`);
    return { ort: native.ort, device: 'wasm', backend: 'native', nativeThreads: threads };
  }
  if (backend === 'native') throw new InvalidArgumentError(`backend 'native' needs onnxruntime-node in Node.js: ${native.why}`);
  (isNode() ? logger.info : logger.debug).call(logger, `backend 'auto': ${native.why}; onnxruntime-web (WebAssembly) runs the model`);
  return undefined;
}

/** Session options of the runtime in `loaded`: WebGPU then WebAssembly, WebAssembly, or onnxruntime-node's CPU provider. */
export function sessionOptions(loaded: Pick<LoadedOrt, 'device' | 'backend' | 'nativeThreads'>): Ort.InferenceSession.SessionOptions {
  // logSeverityLevel 3: onnxruntime's own warnings would go straight to the console; failures still throw.
  const common = { graphOptimizationLevel: 'all', logSeverityLevel: 3 } as const;
  if (loaded.backend === 'native') {
    // One model run at a time (the embedder serialises runs): all threads go to the operators, none to parallel branches.
    return { ...common, executionProviders: ['cpu'], intraOpNumThreads: loaded.nativeThreads ?? 1, interOpNumThreads: 1, executionMode: 'sequential' };
  }
  // WebGPU first; operators it lacks run on the WebAssembly backend of the same build.
  return { ...common, executionProviders: loaded.device === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'] };
}

/**
 * Creates a session from model bytes with {@link sessionOptions} of
 * `runtime` and hands it to `check` (inputs, outputs, dimensions); releases it
 * when `check` throws. Shared by the text model and CLIP's towers.
 * @throws ModelLoadError when onnxruntime rejects the bytes, or what `check` throws.
 */
export async function openSession<T>(
  ort: OrtModule,
  bytes: Uint8Array,
  ref: ModelFileRef,
  runtime: Pick<LoadedOrt, 'device' | 'backend' | 'nativeThreads'>,
  check: (session: Ort.InferenceSession) => T | Promise<T>,
): Promise<T> {
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions(runtime));
  } catch (cause) {
    throw new ModelLoadError(ref.file, ref.source, `onnxruntime cannot load it: ${String(cause)}`, { cause });
  }
  try {
    return await check(session);
  } catch (e) {
    await session.release().catch(() => undefined);
    throw e;
  }
}

/**
 * Threads for onnxruntime: the option, else a value the application already
 * set, else 1 in Node (the database shares the process) and in pages that are
 * not cross-origin isolated (threads need SharedArrayBuffer), else half the
 * cores, at most 4.
 */
function chooseThreads(wanted: number | undefined, preset: unknown): { threads: number; why: string } {
  if (wanted !== undefined) return { threads: wanted, why: 'wasm.numThreads option' };
  if (typeof preset === 'number' && preset > 0) return { threads: preset, why: 'ort.env.wasm.numThreads was already set' };
  if (isNode()) return { threads: 1, why: 'Node.js: one thread by default' };
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true) {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
    return { threads: Math.min(4, Math.max(1, Math.ceil(cores / 2))), why: 'the page is cross-origin isolated' };
  }
  return { threads: 1, why: 'the page is not cross-origin isolated, so no SharedArrayBuffer' };
}

/** An ONNX text model ready to run: the session, the output it reads and the vector length. */
export class OrtTextModel {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly output: ModelOutput,
    /** Whether the model takes `token_type_ids`. */
    readonly feedsTypeIds: boolean,
    /** Last dimension of the output. */
    readonly dim: number,
  ) {}

  /**
   * Creates the session and checks inputs and output. The dimension comes
   * from the graph when static, else from config.json `hidden_size`, else
   * from one run of `probe` (a one-text batch).
   * @throws ModelLoadError when onnxruntime rejects the bytes or the model's inputs/outputs do not fit.
   */
  static async create(
    ort: OrtModule,
    bytes: Uint8Array,
    ref: ModelFileRef,
    hiddenSize: unknown,
    probe: (withTypeIds: boolean) => PaddedBatch,
    runtime: Pick<LoadedOrt, 'device' | 'backend' | 'nativeThreads'> = { device: 'wasm', backend: 'wasm' },
  ): Promise<OrtTextModel> {
    return openSession(ort, bytes, ref, runtime, async (session) => {
      const feedsTypeIds = checkInputs(session, ref);
      const output = pickOutput(session, ref);
      const dim = await findDim(session, output, hiddenSize, ref, () => feeds(ort, probe(feedsTypeIds)));
      return new OrtTextModel(ort, session, output, feedsTypeIds, dim);
    });
  }

  /**
   * Runs one batch.
   * @returns the output's data: float32 `[batch.size, dim]` when `output.pooled`, else `[batch.size, batch.seq, dim]`.
   * @throws MiniVectorDBError `INTERNAL` when the run fails or the output has another type or shape.
   */
  async run(batch: PaddedBatch): Promise<Float32Array> {
    let result: Ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(feeds(this.ort, batch));
    } catch (cause) {
      throw new MiniVectorDBError('INTERNAL', `the ONNX model failed on a batch of ${batch.size} texts (${batch.seq} tokens): ${String(cause)}`, { cause });
    }
    const t = result[this.output.name];
    if (t === undefined || !(t.data instanceof Float32Array)) {
      throw new MiniVectorDBError('INTERNAL', `the model returned no float32 '${this.output.name}' output`);
    }
    const expected = this.output.pooled ? [batch.size, this.dim] : [batch.size, batch.seq, this.dim];
    if (t.dims.length !== expected.length || expected.some((d, i) => t.dims[i] !== d)) {
      throw new MiniVectorDBError('INTERNAL', `${this.output.name} has shape [${t.dims.join(', ')}], expected [${expected.join(', ')}]`);
    }
    return t.data;
  }

  /** Frees the session. */
  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * int64 `[size, seq]` tensors of a padded batch under the input names of
 * BERT-style models: `input_ids`, `attention_mask` (unless `withMask` is
 * false), `token_type_ids` when the batch has them. The tensors wrap the
 * batch's arrays (no copy).
 */
export function feeds(ort: OrtModule, batch: PaddedBatch, withMask = true): Record<string, Ort.Tensor> {
  const shape = [batch.size, batch.seq];
  const out: Record<string, Ort.Tensor> = { input_ids: new ort.Tensor('int64', batch.inputIds, shape) };
  if (withMask) out.attention_mask = new ort.Tensor('int64', batch.attentionMask, shape);
  if (batch.tokenTypeIds !== undefined) out.token_type_ids = new ort.Tensor('int64', batch.tokenTypeIds, shape);
  return out;
}

/** Requires `input_ids` and `attention_mask`, allows `token_type_ids` (returns whether present), rejects any other input. */
function checkInputs(session: Ort.InferenceSession, ref: ModelFileRef): boolean {
  const inputs = new Set(session.inputNames);
  for (const name of ['input_ids', 'attention_mask']) {
    if (!inputs.has(name)) throw new ModelLoadError(ref.file, ref.source, `the model has no '${name}' input (inputs: ${session.inputNames.join(', ')})`);
  }
  const unknown = session.inputNames.filter((n) => n !== 'input_ids' && n !== 'attention_mask' && n !== 'token_type_ids');
  if (unknown.length > 0) throw new ModelLoadError(ref.file, ref.source, `unsupported model inputs: ${unknown.join(', ')}`);
  return inputs.has('token_type_ids');
}

/** `sentence_embedding` when present, else `last_hidden_state` / `token_embeddings` / the first output. */
function pickOutput(session: Ort.InferenceSession, ref: ModelFileRef): ModelOutput {
  const names = session.outputNames;
  if (names.includes('sentence_embedding')) return { name: 'sentence_embedding', pooled: true };
  for (const n of ['last_hidden_state', 'token_embeddings']) if (names.includes(n)) return { name: n, pooled: false };
  const first = names[0];
  if (first === undefined) throw new ModelLoadError(ref.file, ref.source, 'the model has no outputs');
  return { name: first, pooled: false };
}

/** The output's last dimension: from the graph when static, else config.json hidden_size, else one probe run. */
async function findDim(
  session: Ort.InferenceSession,
  output: ModelOutput,
  hiddenSize: unknown,
  ref: ModelFileRef,
  probe: () => Record<string, Ort.Tensor>,
): Promise<number> {
  const meta = session.outputMetadata.find((m) => m.name === output.name);
  const rank = output.pooled ? 2 : 3;
  if (meta !== undefined && meta.isTensor) {
    if (meta.type !== 'float32') throw new ModelLoadError(ref.file, ref.source, `output ${output.name} is ${meta.type}, expected float32`);
    if (meta.shape.length !== rank) throw new ModelLoadError(ref.file, ref.source, `output ${output.name} has rank ${meta.shape.length}, expected ${rank}`);
    const last = meta.shape[rank - 1];
    if (typeof last === 'number' && last > 0) return last;
  }
  if (typeof hiddenSize === 'number' && Number.isInteger(hiddenSize) && hiddenSize > 0) return hiddenSize;
  const r = await session.run(probe());
  const last = r[output.name]?.dims[rank - 1];
  if (typeof last !== 'number' || last <= 0) throw new ModelLoadError(ref.file, ref.source, `cannot tell the dimension of output ${output.name}`);
  return last;
}
