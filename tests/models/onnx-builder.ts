/**
 * A very small ONNX graph builder on top of `onnx-proto` (protobufjs static code for onnx.proto).
 * Produces IR version 8 / opset 17 models with float32/int64 weights stored as `rawData`
 * initializers (little-endian bytes). Node-only (it loads `onnx-proto` through `require`,
 * because the package is CommonJS and does not expose named ESM exports).
 *
 * Only erasable TypeScript syntax is used, so this runs under `tsx` and under
 * `node --experimental-strip-types` (Node >= 22.6) alike.
 */
import { createRequire } from 'node:module';

type OnnxModule = typeof import('onnx-proto');
const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as OnnxModule;

export const IR_VERSION = 8;
export const OPSET = 17;

export type DType = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
/** A dimension: a fixed size or the name of a dynamic (symbolic) one. */
export type Dim = number | string;

const ELEM_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** ONNX `to` attribute values for Cast. */
export const CAST_TO: Record<DType, number> = ELEM_TYPE;

/** Wraps a number so that it is written as a FLOAT attribute instead of an INT one. */
export interface FloatAttr {
  float: number;
}
export type AttrValue = number | number[] | string | FloatAttr;

const AT = onnx.AttributeProto.AttributeType;

function toAttribute(name: string, value: AttrValue): import('onnx-proto').onnx.IAttributeProto {
  if (typeof value === 'string') {
    return { name, type: AT.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use {float: x} for floats`);
    return { name, type: AT.INT, i: value };
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ints expected`);
    }
    return { name, type: AT.INTS, ints: value };
  }
  return { name, type: AT.FLOAT, f: value.float };
}

/** `dims: null` declares a tensor of unknown rank. */
function valueInfo(name: string, dtype: DType, dims: readonly Dim[] | null): import('onnx-proto').onnx.IValueInfoProto {
  const shape = dims && { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType: { elemType: ELEM_TYPE[dtype], ...(shape ? { shape } : {}) } } };
}

function bytesOf(view: Float32Array | BigInt64Array | Int32Array | Uint8Array): Uint8Array {
  // Typed arrays are little-endian on every platform Node and browsers run on; copy to be safe
  // about offsets into shared buffers.
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Builds one graph. Every method returns the name of the tensor it creates, so graphs read as
 * expressions: `g.add(g.mul(x, g.f32(2)), bias)`.
 */
export class GraphBuilder {
  readonly name: string;
  private readonly nodes: import('onnx-proto').onnx.INodeProto[] = [];
  private readonly initializers: import('onnx-proto').onnx.ITensorProto[] = [];
  private readonly inputs: import('onnx-proto').onnx.IValueInfoProto[] = [];
  private readonly outputs: import('onnx-proto').onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(name: string) {
    this.name = name;
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  input(name: string, dtype: DType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /**
   * Declares `tensor` as a graph output called `name`. The node that produces `tensor` is renamed
   * in place (no Identity node: WebGPU has no Identity kernel).
   */
  output(name: string, tensor: string, dtype: DType, dims: readonly Dim[] | null): void {
    if (tensor !== name) {
      const producer = this.nodes.find((n) => n.output?.[0] === tensor);
      if (!producer?.output) throw new Error(`output ${name}: ${tensor} is not produced by a node`);
      producer.output[0] = name;
      for (const n of this.nodes) n.input = n.input?.map((i) => (i === tensor ? name : i)) ?? [];
      for (const o of this.outputs) if (o.name === tensor) throw new Error(`${tensor} is already an output`);
    }
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** A float32 initializer. `dims` defaults to a 1-D tensor; pass `[]` for a scalar. */
  f32(values: number | readonly number[] | Float32Array, dims?: readonly number[], name?: string): string {
    const data =
      typeof values === 'number'
        ? Float32Array.of(values)
        : values instanceof Float32Array
          ? values
          : Float32Array.from(values);
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    if (product(shape) !== data.length) throw new Error(`f32 initializer: ${data.length} values for ${shape}`);
    const n = name ?? this.fresh('const_f');
    this.initializers.push({
      name: n,
      dims: [...shape],
      dataType: ELEM_TYPE.float32,
      rawData: bytesOf(data),
    });
    return n;
  }

  /**
   * A float32 initializer whose bytes live in an external data file (`location`, beside the
   * model), at `offset`: how models past protobuf's 2 GB limit store their weights.
   */
  f32External(dims: readonly number[], location: string, offset: number, name?: string): string {
    const n = name ?? this.fresh('const_x');
    const length = product(dims) * 4;
    this.initializers.push({
      name: n,
      dims: [...dims],
      dataType: ELEM_TYPE.float32,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ],
    });
    return n;
  }

  /** An int64 initializer (shapes, axes, indices). */
  i64(values: number | readonly number[], dims?: readonly number[], name?: string): string {
    const arr = typeof values === 'number' ? [values] : values;
    const data = BigInt64Array.from(arr.map((v) => BigInt(v)));
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    if (product(shape) !== data.length) throw new Error(`i64 initializer: ${data.length} values for ${shape}`);
    const n = name ?? this.fresh('const_i');
    this.initializers.push({
      name: n,
      dims: [...shape],
      dataType: ELEM_TYPE.int64,
      rawData: bytesOf(data),
    });
    return n;
  }

  /** A uint8 initializer (quantized weights and their zero points). */
  u8(data: Uint8Array, dims: readonly number[], name?: string): string {
    if (product(dims) !== data.length) throw new Error(`u8 initializer: ${data.length} values for ${dims}`);
    const n = name ?? this.fresh('const_u8');
    this.initializers.push({ name: n, dims: [...dims], dataType: ELEM_TYPE.uint8, rawData: bytesOf(data) });
    return n;
  }

  /** Adds a node; returns its (first) output name. Use '' in `inputs` for an omitted optional input. */
  op(type: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outName?: string): string {
    const out = outName ?? this.fresh(type.toLowerCase());
    this.nodes.push({
      opType: type,
      input: [...inputs],
      output: [out],
      name: `${type}_${this.nodes.length}`,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return out;
  }

  /** Adds a node with `count` outputs; returns their names. */
  opN(type: string, inputs: readonly string[], count: number, attrs: Record<string, AttrValue> = {}): string[] {
    const first = this.op(type, inputs, attrs);
    const outputs = [first, ...Array.from({ length: count - 1 }, (_, i) => `${first}_${i + 1}`)];
    this.nodes[this.nodes.length - 1]!.output = outputs;
    return outputs;
  }

  // ---- element-wise sugar -------------------------------------------------------------------
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  abs(a: string): string {
    return this.op('Abs', [a]);
  }
  sqrt(a: string): string {
    return this.op('Sqrt', [a]);
  }
  relu(a: string): string {
    return this.op('Relu', [a]);
  }
  floor(a: string): string {
    return this.op('Floor', [a]);
  }
  square(a: string): string {
    return this.op('Mul', [a, a]);
  }
  /** Clip with scalar bounds (either may be omitted). */
  clip(a: string, min?: number, max?: number): string {
    const inputs = [a, min === undefined ? '' : this.f32(min), max === undefined ? '' : this.f32(max)];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    return this.op('Clip', inputs);
  }
  cast(a: string, to: DType): string {
    return this.op('Cast', [a], { to: CAST_TO[to] });
  }
  /** Element-wise minimum of two broadcastable tensors (Where/Less: WebGPU has no Min kernel). */
  min2(a: string, b: string): string {
    return this.op('Where', [this.op('Less', [a, b]), a, b]);
  }
  /** 1.0 where a < b, else 0.0. */
  lessF(a: string, b: string): string {
    return this.cast(this.op('Less', [a, b]), 'float32');
  }

  // ---- shape sugar --------------------------------------------------------------------------
  reshape(a: string, shape: readonly number[]): string {
    return this.op('Reshape', [a, this.i64(shape)]);
  }
  transpose(a: string, perm: readonly number[]): string {
    return this.op('Transpose', [a], { perm: [...perm] });
  }
  slice(a: string, starts: readonly number[], ends: readonly number[], axes: readonly number[]): string {
    return this.op('Slice', [a, this.i64(starts), this.i64(ends), this.i64(axes)]);
  }
  concat(parts: readonly string[], axis: number): string {
    return this.op('Concat', parts, { axis });
  }
  expand(a: string, shape: readonly number[]): string {
    return this.op('Expand', [a, this.i64(shape)]);
  }
  reduceSum(a: string, axes: readonly number[], keepdims = true): string {
    return this.op('ReduceSum', [a, this.i64(axes)], { keepdims: keepdims ? 1 : 0 });
  }
  reduceMean(a: string, axes: readonly number[], keepdims = true): string {
    return this.op('ReduceMean', [a], { axes: [...axes], keepdims: keepdims ? 1 : 0 });
  }
  reduceMax(a: string, axes: readonly number[], keepdims = true): string {
    return this.op('ReduceMax', [a], { axes: [...axes], keepdims: keepdims ? 1 : 0 });
  }

  /** Serializes the graph into a ModelProto (IR 8, opset 17). */
  toModel(docString = ''): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'inpaint-biases-test-models',
      producerVersion: '1',
      docString,
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  get nodeCount(): number {
    return this.nodes.length;
  }
}

/**
 * Moves a model's float32 initializers into one external data file named `location` (as Optimum
 * exports a UNet past protobuf's 2 GB limit): the graph keeps `location`/`offset`/`length`
 * references, the returned `data` holds the bytes.
 */
export function externalizeWeights(model: Uint8Array, location: string): { graph: Uint8Array; data: Uint8Array } {
  const proto = onnx.ModelProto.decode(model);
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of proto.graph?.initializer ?? []) {
    const raw = tensor.rawData;
    // Float weights only: shape inference reads int64 shapes and axes from the graph itself.
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT || !raw || raw.length === 0) continue;
    tensor.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: location }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(raw.length) }),
    ];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    parts.push(raw);
    offset += raw.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return { graph: onnx.ModelProto.encode(proto).finish(), data };
}
