/**
 * Typed access to the ONNX protobuf schema shipped by the `onnx-proto` npm package
 * (protobufjs static code, ONNX 1.10 schema). CommonJS, so it is loaded through the
 * default export.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** onnx.TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, INT32: 6, STRING: 8 } as const;
/** onnx.AttributeProto.AttributeType values used here. */
export const AT = { INT: 2, STRING: 3, GRAPH: 5 } as const;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** A tensor value_info: `dims` entries are fixed sizes (number) or symbolic names (string). */
export function tensorValueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

export function intAttribute(name: string, value: number): AttributeProto {
  return onnx.AttributeProto.create({ name, type: AT.INT, i: value });
}

/** The UTF-8 text of a STRING attribute, or undefined when the node lacks it. */
export function stringAttribute(node: NodeProto, name: string): string | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a || !a.s) return undefined;
  return Buffer.from(a.s).toString('utf8');
}

/** Numeric value of an INT attribute (int64 may come back as a Long). */
export function intAttributeValue(node: NodeProto, name: string): number | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a || a.i === undefined || a.i === null) return undefined;
  return Number(a.i.toString());
}
