/**
 * Types of host objects that only some TypeScript libs declare (`Worker`
 * comes with the DOM and WebWorker libs; the `WebAssembly` namespace with
 * those and some `@types/node` versions). Each resolves, in the consumer's
 * program, to the host's own type when its lib declares one, else to a
 * stand-in, so a Node project compiled with `"lib": ["es2022"]` and
 * `"types": ["node"]` needs no DOM types to use the package.
 */

/** A Web Worker (the DOM's `Worker`); `never` where no lib declares one (Node: pass the worker script's URL instead). */
export type WebWorker = typeof globalThis extends { Worker: abstract new (...args: never[]) => infer W } ? W : never;

/** A compiled `WebAssembly.Module`; any object where no lib declares the `WebAssembly` namespace. */
export type CompiledWasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : object;

/** A `WebAssembly.Instance`; any object where no lib declares the `WebAssembly` namespace. */
export type WasmInstance = typeof globalThis extends { WebAssembly: { Instance: abstract new (...args: never[]) => infer I } } ? I : object;

/** The DOM's `ImageData` (pixels); `never` where no lib declares it (pass a `RawImage`). */
export type HostImageData = typeof globalThis extends { ImageData: abstract new (...args: never[]) => infer T } ? T : never;
/** The DOM's `ImageBitmap`; `never` where no lib declares it. */
export type HostImageBitmap = typeof globalThis extends { ImageBitmap: abstract new (...args: never[]) => infer T } ? T : never;
/** The DOM's `HTMLImageElement`; `never` where no lib declares it. */
export type HostImageElement = typeof globalThis extends { HTMLImageElement: abstract new (...args: never[]) => infer T } ? T : never;
/** The DOM's `HTMLCanvasElement`; `never` where no lib declares it. */
export type HostCanvasElement = typeof globalThis extends { HTMLCanvasElement: abstract new (...args: never[]) => infer T } ? T : never;
/** The DOM's `OffscreenCanvas`; `never` where no lib declares it. */
export type HostOffscreenCanvas = typeof globalThis extends { OffscreenCanvas: abstract new (...args: never[]) => infer T } ? T : never;
