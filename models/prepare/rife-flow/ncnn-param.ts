/**
 * Parser for ncnn's text network description (.param): a magic line (7767517), a line
 * "<layer count> <blob count>", then one line per layer:
 *   <type> <name> <input count> <output count> <inputs...> <outputs...> <key=value...>
 * A key k >= 0 holds one number; a key -23300-k holds the array "n,v1,...,vn" for id k.
 */

export type NcnnParamValue = number | number[];

export interface NcnnLayer {
  type: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Parameters by id (array parameters under their positive id). */
  params: Map<number, NcnnParamValue>;
}

export interface NcnnNet {
  layers: NcnnLayer[];
  blobCount: number;
}

const MAGIC = 7767517;
const ARRAY_KEY_BASE = -23300;

export function parseNcnnParam(text: string): NcnnNet {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (Number(lines[0]) !== MAGIC) throw new Error(`ncnn param: bad magic ${JSON.stringify(lines[0])} (expected ${MAGIC})`);
  const [layerCount, blobCount] = (lines[1] ?? '').split(/\s+/).map(Number);
  if (!Number.isInteger(layerCount) || !Number.isInteger(blobCount)) throw new Error(`ncnn param: bad counts line ${JSON.stringify(lines[1])}`);
  const layers = lines.slice(2).map(parseLayerLine);
  if (layers.length !== layerCount) throw new Error(`ncnn param: header says ${layerCount} layers, found ${layers.length}`);
  return { layers, blobCount: blobCount! };
}

function parseLayerLine(line: string): NcnnLayer {
  const tok = line.split(/\s+/);
  const [type, name] = tok;
  const nIn = Number(tok[2]);
  const nOut = Number(tok[3]);
  if (!type || !name || !Number.isInteger(nIn) || !Number.isInteger(nOut)) throw new Error(`ncnn param: bad layer line ${JSON.stringify(line)}`);
  const inputs = tok.slice(4, 4 + nIn);
  const outputs = tok.slice(4 + nIn, 4 + nIn + nOut);
  const params = new Map<number, NcnnParamValue>();
  for (const kv of tok.slice(4 + nIn + nOut)) {
    const m = /^(-?\d+)=(.+)$/.exec(kv);
    if (!m) throw new Error(`ncnn param: layer ${name}: bad parameter ${JSON.stringify(kv)}`);
    const key = Number(m[1]);
    if (key <= ARRAY_KEY_BASE) {
      const [n, ...values] = m[2]!.split(',').map(Number);
      if (values.length !== n) throw new Error(`ncnn param: layer ${name}: array ${key} says ${n} values, has ${values.length}`);
      params.set(ARRAY_KEY_BASE - key, values);
    } else {
      params.set(key, Number(m[2]));
    }
  }
  for (const v of params.values()) {
    if ([v].flat().some((x) => Number.isNaN(x))) throw new Error(`ncnn param: layer ${name}: a parameter is not a number`);
  }
  return { type, name, inputs, outputs, params };
}

/** A scalar parameter, or its default. */
export function paramNumber(layer: NcnnLayer, id: number, fallback: number): number {
  const v = layer.params.get(id);
  if (v === undefined) return fallback;
  if (Array.isArray(v)) throw new Error(`ncnn layer ${layer.name}: parameter ${id} is an array`);
  return v;
}

/** An array parameter, or its default. */
export function paramArray(layer: NcnnLayer, id: number, fallback: number[] = []): number[] {
  const v = layer.params.get(id);
  if (v === undefined) return fallback;
  if (!Array.isArray(v)) throw new Error(`ncnn layer ${layer.name}: parameter ${id} is not an array`);
  return v;
}
