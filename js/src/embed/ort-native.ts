/**
 * Node only (imported lazily by `ort-session.ts`; mapped away in browser
 * bundles): onnxruntime-node, the native CPU build of onnxruntime, when the
 * application installed it (an optional peer dependency). It runs the same
 * ONNX graphs as onnxruntime-web's WebAssembly build with native SIMD and
 * threads, several times faster; transformers.js uses it in Node for the
 * same reason. Imported by its fixed package name only: no model, snapshot
 * or config can choose what is loaded.
 * @internal
 */
import type * as Ort from 'onnxruntime-web/wasm';

/** onnxruntime-node's module (the onnxruntime-common API, as onnxruntime-web's), or why it is not usable here. */
export type NativeOrt = { ort: typeof Ort; version: string } | { why: string };

const ORT_NODE = 'onnxruntime-node';
let loading: Promise<NativeOrt> | undefined;

/** Imports onnxruntime-node once per process. Never throws: a missing package or a binary that does not load gives `{ why }`. */
export function loadNativeOrt(): Promise<NativeOrt> {
  loading ??= importNative();
  return loading;
}

async function importNative(): Promise<NativeOrt> {
  let mod: Record<string, unknown>;
  try {
    // A CommonJS package: its API is the namespace or its default export, depending on the loader.
    // The name goes through a constant, as sharp's does, so bundlers leave
    // the import to the runtime instead of failing where it is not installed.
    mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ ORT_NODE)) as Record<string, unknown>;
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    return { why: code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'onnxruntime-node is not installed' : `onnxruntime-node does not load: ${String(cause)}` };
  }
  const ort = (typeof mod.InferenceSession === 'function' ? mod : (mod.default as Record<string, unknown> | undefined)) as unknown as typeof Ort | undefined;
  if (ort === undefined || typeof ort.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function') {
    return { why: 'onnxruntime-node has no InferenceSession/Tensor (an unsupported version)' };
  }
  return { ort, version: ort.env?.versions?.node ?? ort.env?.versions?.common ?? '' };
}
