/**
 * The engine's WebAssembly helpers (native/*.wat, carried as base64 in the modules that
 * scripts/build-native.ts writes): one memory each, instantiated from their bytes. Declares the
 * parts of the WebAssembly API used, since core/ compiles without DOM types.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Bytes in a WebAssembly page, the unit memories are sized and grown in. */
export const WASM_PAGE = 65536;
/** The most pages a memory can have (4 GiB, WebAssembly's 32-bit limit). */
export const WASM_MAX_PAGES = 65536;

const compiled = new Map<string, object>();

/** A memory of `initial` pages that may grow to `maximum`; throws where it cannot be had. */
export function wasmMemory(initial: number, maximum: number): WasmMemory {
  return new (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly.Memory({ initial, maximum });
}

/** The exports of a helper (its bytes in base64, compiled once) instantiated on `memory` (imported as env.memory). */
export function instantiate(base64: string, memory: WasmMemory): Record<string, unknown> {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  let module = compiled.get(base64);
  if (!module) compiled.set(base64, (module = new wasm.Module(Buffer.from(base64, 'base64'))));
  return new wasm.Instance(module, { env: { memory } }).exports;
}
