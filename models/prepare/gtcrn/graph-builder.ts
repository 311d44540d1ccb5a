/**
 * A small, deterministic ONNX graph builder on top of the onnx-proto schema.
 * Names are generated from a counter, so the same calls give the same bytes.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type IGraphProto = onnxProto.onnx.IGraphProto;
type IModelProto = onnxProto.onnx.IModelProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

export interface ValueInfo {
  name: string;
  /** Dimensions: a number, or a string for a symbolic (dynamic) dimension. */
  dims: (number | string)[];
  elemType?: 'float' | 'int64';
}

const ELEM = { float: 1, int64: 7 } as const;

export class GraphBuilder {
  private readonly nodes: INodeProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly initNames = new Set<string>();
  private counter = 0;
  /** Cache of small int64 constants by value, so repeated shapes share one initializer. */
  private readonly i64Cache = new Map<string, string>();

  constructor(readonly name: string) {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Add a float32 initializer. */
  f32(name: string, dims: number[], data: Float32Array | number[]): string {
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (arr.length !== expected) throw new Error(`initializer ${name}: ${arr.length} values for dims ${dims.join('x')}`);
    if (this.initNames.has(name)) throw new Error(`initializer ${name} defined twice`);
    this.initNames.add(name);
    const raw = new Uint8Array(arr.length * 4);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < arr.length; i++) dv.setFloat32(i * 4, arr[i]!, true);
    this.initializers.push({ name, dims, dataType: ELEM.float, rawData: raw });
    return name;
  }

  /** An int64 constant (shared between uses). */
  i64(values: number[], dims: number[] = [values.length]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    const hit = this.i64Cache.get(key);
    if (hit) return hit;
    const name = `c_i64_${this.i64Cache.size}`;
    const raw = new Uint8Array(values.length * 8);
    const dv = new DataView(raw.buffer);
    values.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dims, dataType: ELEM.int64, rawData: raw });
    this.initNames.add(name);
    this.i64Cache.set(key, name);
    return name;
  }

  /** A float scalar constant (shape []). */
  scalar(value: number): string {
    const name = this.fresh('c_f32');
    this.initNames.add(name);
    const raw = new Uint8Array(4);
    new DataView(raw.buffer).setFloat32(0, value, true);
    this.initializers.push({ name, dims: [], dataType: ELEM.float, rawData: raw });
    return name;
  }

  /** Add a node; returns its output names. `outputs` may be a count or explicit names. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs: number | string[] = 1): string[] {
    const outNames = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : outputs;
    const attribute: IAttributeProto[] = Object.keys(attrs)
      .sort()
      .map((k) => toAttr(k, attrs[k]!));
    this.nodes.push({ opType, input: inputs, output: outNames, name: this.fresh(`n_${opType}`), attribute });
    return outNames;
  }

  /** Single-output shorthand. */
  one(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.op(opType, inputs, attrs, output ? [output] : 1)[0]!;
  }

  // Frequently used helpers -------------------------------------------------------------

  slice(x: string, axis: number, start: number, end: number): string {
    return this.one('Slice', [x, this.i64([start]), this.i64([end]), this.i64([axis])]);
  }

  reshape(x: string, shape: number[], output?: string): string {
    return this.one('Reshape', [x, this.i64(shape)], {}, output);
  }

  transpose(x: string, perm: number[], output?: string): string {
    return this.one('Transpose', [x], { perm }, output);
  }

  concat(xs: string[], axis: number, output?: string): string {
    return this.one('Concat', xs, { axis }, output);
  }

  add(a: string, b: string): string {
    return this.one('Add', [a, b]);
  }

  mul(a: string, b: string): string {
    return this.one('Mul', [a, b]);
  }

  matmul(a: string, b: string): string {
    return this.one('MatMul', [a, b]);
  }

  encode(inputs: ValueInfo[], outputs: ValueInfo[], opset = 17, docString = ''): Uint8Array {
    const graph: IGraphProto = {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
    };
    const model: IModelProto = {
      irVersion: 8,
      producerName: 'clearcut-models-prepare',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: opset }],
      graph,
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}

function valueInfo(v: ValueInfo): IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.elemType ?? 'float'],
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function toAttr(name: string, v: AttrValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    return { name, type: T.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.FLOATS, floats: v.floats };
}
