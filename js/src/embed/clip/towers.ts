/**
 * The two onnxruntime sessions of a CLIP model folder: the vision tower
 * (`pixel_values` float32 [batch, 3, H, W] → `image_embeds` [batch, dim]) and
 * the text tower (`input_ids` int64 [batch, seq], and `attention_mask` when
 * the export declares it → `text_embeds` [batch, dim]), as optimum exports
 * `CLIPVisionModelWithProjection` / `CLIPTextModelWithProjection`. Checks
 * names, types and ranks when the sessions are made, shapes on every run.
 * @internal
 */
import type * as Ort from 'onnxruntime-web/wasm';
import { MiniVectorDBError } from '../../errors.js';
import type { EmbedDevice } from '../embedder.js';
import { ModelLoadError } from '../errors.js';
import { feeds, openSession, type ModelFileRef } from '../ort-session.js';
import type { PaddedBatch } from '../text-encoding.js';

type OrtModule = typeof Ort;

/** The static last dimension of a rank-2 float32 output, or undefined when symbolic. @throws ModelLoadError when absent or of another type or rank. */
function embedsDim(s: Ort.InferenceSession, name: string, ref: ModelFileRef): number | undefined {
  if (!s.outputNames.includes(name)) {
    throw new ModelLoadError(ref.file, ref.source, `not a CLIP ${name === 'image_embeds' ? 'vision' : 'text'} tower: no '${name}' output (outputs: ${s.outputNames.join(', ')})`);
  }
  const meta = s.outputMetadata.find((m) => m.name === name);
  if (meta === undefined || !meta.isTensor) return undefined;
  if (meta.type !== 'float32') throw new ModelLoadError(ref.file, ref.source, `output ${name} is ${meta.type}, expected float32`);
  if (meta.shape.length !== 2) throw new ModelLoadError(ref.file, ref.source, `output ${name} has rank ${meta.shape.length}, expected 2 ([batch, dim])`);
  const last = meta.shape[1];
  return typeof last === 'number' && last > 0 ? last : undefined;
}

/** Checks a run's output: float32 [rows, dim]. */
function readEmbeds(result: Ort.InferenceSession.ReturnType, name: string, rows: number, dim: number): Float32Array {
  const t = result[name];
  if (t === undefined || !(t.data instanceof Float32Array)) throw new MiniVectorDBError('INTERNAL', `the model returned no float32 '${name}' output`);
  if (t.dims.length !== 2 || t.dims[0] !== rows || t.dims[1] !== dim) {
    throw new MiniVectorDBError('INTERNAL', `${name} has shape [${t.dims.join(', ')}], expected [${rows}, ${dim}]`);
  }
  return t.data;
}

/** The vision tower. */
export class VisionTower {
  private constructor(
    private readonly ort: OrtModule,
    private readonly s: Ort.InferenceSession,
    /** Static output length, when the graph states it. */
    readonly dim: number | undefined,
    /** Static [height, width] of `pixel_values`, when the graph states it. */
    readonly size: [number, number] | undefined,
  ) {}

  /** @throws ModelLoadError when onnxruntime rejects the bytes or the inputs / outputs are not a vision tower's. */
  static async create(ort: OrtModule, bytes: Uint8Array, ref: ModelFileRef, device: EmbedDevice): Promise<VisionTower> {
    return openSession(ort, bytes, ref, { device, backend: 'wasm' }, (s) => {
      if (s.inputNames.length !== 1 || s.inputNames[0] !== 'pixel_values') {
        throw new ModelLoadError(ref.file, ref.source, `not a CLIP vision tower: inputs are ${s.inputNames.join(', ')}, expected pixel_values`);
      }
      const meta = s.inputMetadata.find((m) => m.name === 'pixel_values');
      let size: [number, number] | undefined;
      if (meta !== undefined && meta.isTensor) {
        if (meta.type !== 'float32' || meta.shape.length !== 4) throw new ModelLoadError(ref.file, ref.source, `pixel_values is ${meta.type} of rank ${meta.shape.length}, expected float32 [batch, 3, height, width]`);
        const [, c, h, w] = meta.shape;
        if (typeof c === 'number' && c !== 3) throw new ModelLoadError(ref.file, ref.source, `pixel_values has ${c} channels, expected 3`);
        if (typeof h === 'number' && typeof w === 'number') size = [h, w];
      }
      return new VisionTower(ort, s, embedsDim(s, 'image_embeds', ref), size);
    });
  }

  /** `image_embeds` of `n` images given as float32 [n, 3, height, width]. */
  async run(pixels: Float32Array, n: number, height: number, width: number, dim: number): Promise<Float32Array> {
    let result: Ort.InferenceSession.ReturnType;
    try {
      result = await this.s.run({ pixel_values: new this.ort.Tensor('float32', pixels, [n, 3, height, width]) });
    } catch (cause) {
      throw new MiniVectorDBError('INTERNAL', `the vision model failed on a batch of ${n} images: ${String(cause)}`, { cause });
    }
    return readEmbeds(result, 'image_embeds', n, dim);
  }

  release(): Promise<void> {
    return this.s.release();
  }
}

/** The text tower. */
export class TextTower {
  private constructor(
    private readonly ort: OrtModule,
    private readonly s: Ort.InferenceSession,
    readonly dim: number | undefined,
    private readonly feedsMask: boolean,
  ) {}

  /** @throws ModelLoadError when onnxruntime rejects the bytes or the inputs / outputs are not a text tower's. */
  static async create(ort: OrtModule, bytes: Uint8Array, ref: ModelFileRef, device: EmbedDevice): Promise<TextTower> {
    return openSession(ort, bytes, ref, { device, backend: 'wasm' }, (s) => {
      const unknown = s.inputNames.filter((n) => n !== 'input_ids' && n !== 'attention_mask');
      if (!s.inputNames.includes('input_ids') || unknown.length > 0) {
        throw new ModelLoadError(ref.file, ref.source, `not a CLIP text tower: inputs are ${s.inputNames.join(', ')}, expected input_ids (and attention_mask)`);
      }
      return new TextTower(ort, s, embedsDim(s, 'text_embeds', ref), s.inputNames.includes('attention_mask'));
    });
  }

  /** `text_embeds` of a padded batch. */
  async run(batch: PaddedBatch, dim: number): Promise<Float32Array> {
    let result: Ort.InferenceSession.ReturnType;
    try {
      result = await this.s.run(feeds(this.ort, batch, this.feedsMask));
    } catch (cause) {
      throw new MiniVectorDBError('INTERNAL', `the text model failed on a batch of ${batch.size} texts (${batch.seq} tokens): ${String(cause)}`, { cause });
    }
    return readEmbeds(result, 'text_embeds', batch.size, dim);
  }

  release(): Promise<void> {
    return this.s.release();
  }
}
