/**
 * The CLIP embedder (Radford et al. 2021, "Learning Transferable Visual
 * Models From Natural Language Supervision", arXiv:2103.00020): images
 * through the vision tower, texts through the text tower, both into one
 * space (`image_embeds`, `text_embeds`, L2-normalised), so a text finds
 * images and an image finds images. A Hugging Face model folder in the
 * layout of `Xenova/clip-vit-base-patch32`: `onnx/vision_model.onnx`,
 * `onnx/text_model.onnx`, `preprocessor_config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `config.json`. This class only composes:
 *
 * - `model-setup.ts` (shared with the text embedder): where the files are, reading and caching them, the tokenizer, `info`;
 * - `embedder-base.ts` (shared with the text embedder): batching, serialised runs, L2 normalisation, progress, disposal;
 * - `image/decode.ts`: any image input → pixels (sharp in Node, the browser's decoder);
 * - `image/preprocess.ts`: the model's preprocessing (Pillow-exact resize, crop, normalise);
 * - `text-encoding.ts`: CLIP's tokenizer, truncation to the model's 77 tokens, padding;
 * - `towers.ts`: the two onnxruntime sessions.
 */
import { checkInt, checkKnownKeys, checkObject } from '../../check.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { towerFileOfDtype } from '../dtype.js';
import { EmbedderBase } from '../embedder-base.js';
import type { ClipEmbedderOptions, EmbedDevice, EmbedOptions, Embedder, EmbedderInfo } from '../embedder.js';
import { ModelLoadError } from '../errors.js';
import { decodeImage } from '../image/decode.js';
import type { ImageInput } from '../image/input.js';
import { pixelValues, readPreprocessing, type ImagePreprocessing } from '../image/preprocess.js';
import { readJsonFile } from '../model-loader.js';
import { buildFromFolder, describeEmbedder, loadTextEncoding, openModelFolder } from '../model-setup.js';
import { MAX_BATCH, readOnnxOptions } from '../onnx-options.js';
import { loadOrt } from '../ort-session.js';
import { splitRows } from '../pooling.js';
import type { TextEncoding } from '../text-encoding.js';
import { TextTower, VisionTower } from './towers.js';

const CLIP_KEYS: readonly (keyof ClipEmbedderOptions)[] = [
  'model', 'modelPath', 'modelUrl', 'revision', 'remoteHost', 'localModelPath', 'allowRemote', 'dtype', 'cache', 'cacheDir', 'cacheName',
  'normalize', 'maxLength', 'batchSize', 'imageBatchSize', 'onProgress', 'wasm', 'device', 'logger', 'logLevel',
];

/** An embedder that also embeds images (into the space of its texts). */
export type ImageEmbedder = Embedder & Required<Pick<Embedder, 'embedImages'>>;

/** True for an embedder with `embedImages()`. */
export function isImageEmbedder(e: Embedder): e is ImageEmbedder {
  return typeof (e as Partial<ImageEmbedder>).embedImages === 'function';
}

/** Embeds images and texts with a CLIP model. Create with {@link ClipEmbedder.create}; free with {@link ClipEmbedder.dispose}. */
export class ClipEmbedder extends EmbedderBase implements ImageEmbedder {
  private constructor(
    private readonly vision: VisionTower,
    private readonly text: TextTower,
    encoding: TextEncoding,
    /** The preprocessing of `preprocessor_config.json`. */
    readonly preprocessing: ImagePreprocessing,
    normalize: boolean,
    private readonly batchSize: number,
    private readonly imageBatchSize: number,
    logger: Logger,
    device: EmbedDevice,
    dim: number,
    info: Omit<EmbedderInfo, 'dim'>,
  ) {
    super(encoding, normalize, logger, device, dim, info);
  }

  /**
   * Loads the folder (downloading and caching it when remote), the
   * tokenizer and both sessions, and checks them.
   * @throws ModelLoadError when a file is missing or the folder is not a CLIP model in the Hugging Face layout
   *   (towers' inputs / outputs, preprocessing, the two towers' dimensions).
   * @throws InvalidArgumentError on bad options.
   */
  static async create(options: ClipEmbedderOptions = {}): Promise<ClipEmbedder> {
    checkObject(options, 'embedder options');
    checkKnownKeys(options, [...CLIP_KEYS, 'kind'], "embedder options (kind 'clip')");
    const kind = (options as { kind?: unknown }).kind;
    if (kind !== undefined && kind !== 'clip') throw new InvalidArgumentError(`ClipEmbedder.create: kind must be 'clip' when given, got ${JSON.stringify(kind)}`);
    const { imageBatchSize: ib, kind: _kind, ...onnxOptions } = options as ClipEmbedderOptions & { kind?: 'clip' };
    const { logger, normalize, batchSize, maxLength: requestedMaxLength, device: requestedDevice } = readOnnxOptions(onnxOptions);
    const imageBatchSize = checkInt(ib ?? 8, 'imageBatchSize', 1, MAX_BATCH);
    const dtype = options.dtype ?? 'fp32';
    const visionFile = towerFileOfDtype('vision_model', dtype);
    const textFile = towerFileOfDtype('text_model', dtype);
    if (options.model === undefined && options.modelPath === undefined && options.modelUrl === undefined) {
      throw new InvalidArgumentError("a CLIP embedder needs model (a hub id such as 'Xenova/clip-vit-base-patch32'), modelPath or modelUrl");
    }
    const folder = await openModelFolder(options, logger, ['preprocessor_config.json', 'tokenizer.json', visionFile, textFile], ['tokenizer_config.json', 'config.json']);
    const { loaded } = folder;
    return buildFromFolder(folder, logger, async (commit) => {
      const preprocessing = readPreprocessing(readJsonFile(loaded, 'preprocessor_config.json'), loaded.source);
      const modelConfig = readJsonFile(loaded, 'config.json');
      const textConfig = typeof modelConfig.text_config === 'object' && modelConfig.text_config !== null ? (modelConfig.text_config as Record<string, unknown>) : {};
      const encoding = await loadTextEncoding(loaded, requestedMaxLength, textConfig);
      const { maxLength } = encoding;

      const { ort, device } = await loadOrt(options.wasm, logger, requestedDevice);
      const vision = await VisionTower.create(ort, loaded.files.get(visionFile)!, { file: visionFile, source: loaded.source }, device);
      let text: TextTower | undefined;
      try {
        text = await TextTower.create(ort, loaded.files.get(textFile)!, { file: textFile, source: loaded.source }, device);
        if (vision.size !== undefined && (vision.size[0] !== preprocessing.height || vision.size[1] !== preprocessing.width)) {
          throw new ModelLoadError('preprocessor_config.json', loaded.source, `makes ${preprocessing.height}×${preprocessing.width} images, the vision model takes ${vision.size[0]}×${vision.size[1]}`);
        }
        const projection = modelConfig.projection_dim;
        const dim = vision.dim ?? text.dim ?? (typeof projection === 'number' && Number.isInteger(projection) && projection > 0 ? projection : undefined);
        if (dim === undefined) throw new ModelLoadError(visionFile, loaded.source, 'cannot tell the embedding dimension (symbolic outputs and no projection_dim in config.json)');
        if ((vision.dim ?? dim) !== dim || (text.dim ?? dim) !== dim) {
          throw new ModelLoadError(textFile, loaded.source, `the towers disagree: image_embeds has ${vision.dim}, text_embeds ${text.dim} dimensions`);
        }
        const digest = await commit();
        const info = describeEmbedder(
          'clip',
          folder,
          { modelFile: visionFile, pooling: 'sentence_embedding', normalize, maxLength, digest },
          { kind: 'clip', ...folder.config, dtype, normalize, maxLength },
        );
        return new ClipEmbedder(vision, text, encoding, preprocessing, normalize, batchSize, imageBatchSize, logger, device, dim, info);
      } catch (e) {
        await vision.release().catch(() => undefined);
        await text?.release().catch(() => undefined);
        throw e;
      }
    });
  }

  /** Embeds texts with the text tower (`text_embeds`), into the space of the images. */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    return this.embedTexts(texts, options, this.batchSize, async (enc) => {
      const batch = this.encoding.pad(enc, false);
      return splitRows(await this.text.run(batch, this.dim), batch.size, this.dim);
    });
  }

  /**
   * The vision tower's input for one image: decoded and preprocessed as
   * `preprocessor_config.json` says (`preprocessing`), float32
   * `[3, height, width]`, channels first (RGB). For inspection and for
   * comparing platforms; {@link ClipEmbedder.embedImages} does this itself.
   * @throws ImageDecodeError when the image cannot be decoded.
   */
  async pixelValues(image: ImageInput): Promise<Float32Array> {
    const { height, width } = this.preprocessing;
    const out = new Float32Array(3 * height * width);
    pixelValues(await decodeImage(image, 'image'), this.preprocessing, out, 0);
    return out;
  }

  /** Embeds one image; see {@link ClipEmbedder.embedImages}. */
  async embedImage(image: ImageInput): Promise<Float32Array> {
    return (await this.embedImages([image]))[0]!;
  }

  /**
   * Embeds images with the vision tower (`image_embeds`): each decoded
   * (`ImageInput`), preprocessed as `preprocessor_config.json` says, run in
   * batches of `imageBatchSize`. Progress `{ phase: 'embed', done, total }` after each batch.
   * @throws ImageDecodeError when an image cannot be decoded; InvalidArgumentError on bad options.
   */
  async embedImages(images: readonly ImageInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.checkOpen('embedImages');
    if (!Array.isArray(images)) throw new InvalidArgumentError(`images must be an array of images, got ${typeof images}`);
    const batchSize = this.readCallOptions(options, this.imageBatchSize);
    const order = images.map((_, i) => i);
    const { height, width } = this.preprocessing;
    const plane = 3 * height * width;
    return this.runBatches(images.length, batchSize, order, options, async (idx) => {
      const pixels = await Promise.all(idx.map((i) => decodeImage(images[i]!, `images[${i}]`)));
      const input = new Float32Array(idx.length * plane);
      pixels.forEach((p, k) => pixelValues(p, this.preprocessing, input, k * plane));
      return splitRows(await this.vision.run(input, idx.length, height, width, this.dim), idx.length, this.dim);
    });
  }

  protected override async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.text.release()]);
  }
}
