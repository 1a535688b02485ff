/**
 * Model precision (`dtype`) → the ONNX file of a Hugging Face model folder.
 * The hub's ONNX exports (Xenova/*, onnx-community/*) ship one file per
 * precision under `onnx/`, named `model${suffix}.onnx`; the suffixes are the
 * ones transformers.js v3 reads for its `dtype` option (its
 * `DEFAULT_DTYPE_SUFFIX_MAPPING`, src/utils/dtypes.js; guide:
 * https://huggingface.co/docs/transformers.js/guides/dtypes), so a folder
 * that works there works here with the same `dtype`.
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import { describe } from '../check.js';
import type { ModelDtype } from './embedder.js';

/** File-name suffix per dtype: `onnx/model${suffix}.onnx`. */
const SUFFIX: Readonly<Record<ModelDtype, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** Every accepted `dtype`, in the order of {@link SUFFIX}. */
export const MODEL_DTYPES = Object.keys(SUFFIX) as ModelDtype[];

/**
 * The ONNX file of `dtype` inside a model folder: `'fp32'` → `onnx/model.onnx`,
 * `'q8'` → `onnx/model_quantized.onnx`, `'fp16'` → `onnx/model_fp16.onnx`, ….
 * @throws InvalidArgumentError when `dtype` is not one of {@link MODEL_DTYPES}.
 */
export function modelFileOfDtype(dtype: unknown): string {
  if (typeof dtype !== 'string' || !Object.hasOwn(SUFFIX, dtype)) {
    throw new InvalidArgumentError(`dtype must be one of ${MODEL_DTYPES.map((d) => `'${d}'`).join(', ')}, got ${describe(dtype)}`);
  }
  return `onnx/model${SUFFIX[dtype as ModelDtype]}.onnx`;
}

/**
 * The file of `dtype` for a model folder with several ONNX files named
 * `onnx/${stem}${suffix}.onnx` (CLIP: `vision_model`, `text_model`).
 * @throws InvalidArgumentError when `dtype` is not one of {@link MODEL_DTYPES}.
 */
export function towerFileOfDtype(stem: string, dtype: unknown): string {
  return modelFileOfDtype(dtype).replace(/^onnx\/model/, `onnx/${stem}`);
}

/** The dtype whose file `onnx/${stem}${suffix}.onnx` is `file`, or undefined. */
export function dtypeOfFile(file: string, stem: string): ModelDtype | undefined {
  return MODEL_DTYPES.find((d) => `onnx/${stem}${SUFFIX[d]}.onnx` === file);
}
