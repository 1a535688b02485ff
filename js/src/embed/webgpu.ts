/**
 * Whether this runtime offers WebGPU: `navigator.gpu` exists and hands out an
 * adapter. onnxruntime-web's WebGPU execution provider needs both; without
 * them the embedder falls back to WebAssembly (and logs why).
 * @internal
 */

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** Why WebGPU cannot be used here, or `undefined` when an adapter was obtained. */
export async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu === undefined || typeof gpu.requestAdapter !== 'function') return 'this runtime has no navigator.gpu';
  try {
    const adapter = await gpu.requestAdapter();
    return adapter === null || adapter === undefined ? 'navigator.gpu.requestAdapter() found no GPU adapter' : undefined;
  } catch (cause) {
    return `navigator.gpu.requestAdapter() failed: ${String(cause)}`;
  }
}
