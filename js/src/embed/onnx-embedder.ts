/**
 * The ONNX text embedder: a Hugging Face model folder run through
 * onnxruntime-web (WebAssembly build; onnxruntime-node in Node when
 * installed) and @huggingface/tokenizers. This class
 * only composes the parts, each in its own file:
 *
 * - `onnx-options.ts`: option checks and defaults;
 * - `model-setup.ts` (shared with CLIP) over `model-resolve.ts` →
 *   `model-loader.ts`: where the files are, reading them (downloads cached
 *   only once they proved usable), the tokenizer, `info`;
 * - `embedder-base.ts` (shared with CLIP): batching, serialised runs, L2
 *   normalisation, progress, disposal;
 * - `text-encoding.ts`: tokenising with truncation to `maxLength`, batching
 *   longest first, padding;
 * - `ort-session.ts`: the onnxruntime session (threads, inputs, output, runs;
 *   `ort-native.ts` onnxruntime-node when `backend` allows);
 * - `pooling.ts`: per-token states to one vector (`mean` over the attention
 *   mask, or `cls`), then L2 normalisation.
 *
 * Models with a `sentence_embedding` output [batch, dim] pool themselves;
 * otherwise the per-token output [batch, seq, dim] is pooled here.
 */
import type { Logger } from '../logger.js';
import { EmbedderBase } from './embedder-base.js';
import type { EmbedDevice, EmbedOptions, Embedder, EmbedderInfo, OnnxEmbedderOptions, Pooling } from './embedder.js';
import { readJsonFile } from './model-loader.js';
import { buildFromFolder, describeEmbedder, loadTextEncoding, openModelFolder } from './model-setup.js';
import { readOnnxOptions } from './onnx-options.js';
import { loadOrt, OrtTextModel } from './ort-session.js';
import { poolTokens, splitRows } from './pooling.js';
import type { EncodedText, TextEncoding } from './text-encoding.js';

/**
 * Embeds texts with an ONNX model. Create with {@link OnnxEmbedder.create}
 * (or `createEmbedder()`); free with {@link OnnxEmbedder.dispose}.
 */
export class OnnxEmbedder extends EmbedderBase implements Embedder {
  private constructor(
    private readonly model: OrtTextModel,
    encoding: TextEncoding,
    private readonly pooling: Pooling,
    normalize: boolean,
    private readonly batchSize: number,
    logger: Logger,
    device: EmbedDevice,
    /** The onnxruntime that runs it: `'native'` (onnxruntime-node) or `'wasm'` (onnxruntime-web). */
    readonly backend: 'wasm' | 'native',
    info: Omit<EmbedderInfo, 'dim'>,
  ) {
    super(encoding, normalize, logger, device, model.dim, info);
  }

  /**
   * Loads the model (downloading and caching it when it is remote), builds
   * the tokenizer and the ONNX session, and checks the model's inputs and
   * outputs. Throws ModelLoadError when a file is missing or unusable,
   * InvalidArgumentError on bad options.
   */
  static async create(options: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    const { logger, pooling, normalize, batchSize, modelFile, maxLength: requestedMaxLength, device: requestedDevice, backend: requestedBackend } = readOnnxOptions(options);
    const folder = await openModelFolder(options, logger, ['tokenizer.json', modelFile], ['tokenizer_config.json', 'config.json']);
    const { loaded } = folder;
    return buildFromFolder(folder, logger, async (commit) => {
      const modelConfig = readJsonFile(loaded, 'config.json');
      const encoding = await loadTextEncoding(loaded, requestedMaxLength, modelConfig);
      const { maxLength } = encoding;

      const runtime = await loadOrt(options.wasm, logger, requestedDevice, requestedBackend);
      const { ort, device, backend } = runtime;
      const probe = (withTypeIds: boolean) => encoding.pad([encoding.encode('a')], withTypeIds);
      const ref = { file: modelFile, source: loaded.source };
      const session = await OrtTextModel.create(ort, loaded.files.get(modelFile)!, ref, modelConfig.hidden_size, probe, runtime);
      try {
        const pooled = session.output.pooled;
        if (pooled && options.pooling !== undefined) logger.warn(`pooling '${options.pooling}' is ignored: the model outputs sentence_embedding`);
        const digest = await commit();
        logger.info(`embedder: ${folder.model} (${session.dim} dimensions, ${pooled ? 'sentence_embedding' : `${pooling} pooling`}, max ${maxLength} tokens, ${device === 'webgpu' ? 'webgpu' : backend === 'native' ? 'onnxruntime-node' : 'onnxruntime-web wasm'})`);
        const info = describeEmbedder(
          'onnx',
          folder,
          { modelFile, pooling: pooled ? 'sentence_embedding' : pooling, normalize, maxLength, digest },
          { ...folder.config, modelFile, ...(pooled ? {} : { pooling }), normalize, maxLength },
        );
        return new OnnxEmbedder(session, encoding, pooling, normalize, batchSize, logger, device, backend, info);
      } catch (e) {
        await session.release().catch(() => undefined);
        throw e;
      }
    });
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    return this.embedTexts(texts, options, this.batchSize, (batch) => this.runNow(batch));
  }

  /** One model run over a batch (the caller serialises runs). */
  private async runNow(texts: readonly EncodedText[]): Promise<Float32Array[]> {
    const batch = this.encoding.pad(texts, this.model.feedsTypeIds);
    const data = await this.model.run(batch);
    return this.model.output.pooled
      ? splitRows(data, batch.size, this.dim)
      : poolTokens(data, batch.attentionMask, batch.size, batch.seq, this.dim, this.pooling);
  }

  protected override release(): Promise<void> {
    return this.model.release();
  }
}
