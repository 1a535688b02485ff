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
