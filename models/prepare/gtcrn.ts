/**
 * Prepare GTCRN as ONNX from the weights inside @sapphi-red/web-noise-suppressor's
 * gtcrn.wasm. options.variant: 'offline' (audio [1, samples] -> enhanced [1, samples],
 * STFT inside) or 'stream' (one spectrum frame plus caches, like the wasm's export `h`).
 * The output is deterministic: the same wasm gives the same bytes.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { buildOfflineGraph, buildStreamGraph, type GtcrnVariant } from './gtcrn/graphs.js';
import { readGtcrnWeights } from './gtcrn/weights.js';

export interface PrepareContext {
  sourcePath: string;
  outPath: string;
  options?: Record<string, unknown>;
  log: (msg: string) => void;
}

export function buildGtcrnOnnx(wasm: Uint8Array, variant: GtcrnVariant): Uint8Array {
  const weights = readGtcrnWeights(wasm);
  return variant === 'stream' ? buildStreamGraph(weights) : buildOfflineGraph(weights);
}

export default async function prepare(ctx: PrepareContext): Promise<void> {
  const variant = (ctx.options?.variant ?? 'offline') as GtcrnVariant;
  if (variant !== 'offline' && variant !== 'stream') {
    throw new Error(`gtcrn: unknown variant ${JSON.stringify(variant)} (expected 'offline' or 'stream')`);
  }
  const wasm = new Uint8Array(await readFile(ctx.sourcePath));
  ctx.log(`gtcrn: reading weights from ${ctx.sourcePath}`);
  const model = buildGtcrnOnnx(wasm, variant);
  await mkdir(dirname(ctx.outPath), { recursive: true });
  const tmp = `${ctx.outPath}.tmp-${process.pid}`;
  await writeFile(tmp, model);
  await rename(tmp, ctx.outPath);
  ctx.log(`gtcrn: wrote ${variant} graph (${model.length} bytes) to ${ctx.outPath}`);
}
