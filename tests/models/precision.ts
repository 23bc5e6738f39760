/**
 * fp16 variants of generated test models, made the way real exports are: every float32
 * initializer stored as float16 (half the bytes) and cast back to float32 where the graph reads
 * it, and, for exports with float16 I/O (the Stable Diffusion ORT-web exports), float16 graph
 * inputs and outputs. Xenova's SAM and CLIP fp16 files keep float32 I/O (`io: 'float32'`).
 *
 * The graph itself still computes in float32 (ONNX Runtime folds the weight casts at load), so a
 * model keeps its meaning within float16's rounding of its weights; a weight past 65504 becomes
 * infinity, which is how `overflowingFp16` makes a file whose outputs overflow.
 */
import { createRequire } from 'node:module';
import { toFloat16 } from '../../utils/float16.ts';

type OnnxModule = typeof import('onnx-proto');
type Onnx = typeof import('onnx-proto').onnx;
const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as OnnxModule;

const FLOAT = 1;
const FLOAT16 = 10;
const UINT8 = 2;

export interface Fp16Options {
  /** float32: casts inside (Xenova's SAM/CLIP); float16: float16 graph inputs and outputs (SD exports). */
  io: 'float32' | 'float16';
  /** Weights this picks are multiplied by 1e6 first, past float16's range: a file whose outputs overflow. */
  overflow?: (weights: Float32Array) => boolean;
}

type Node = import('onnx-proto').onnx.INodeProto;

function cast(input: string, output: string, to: number): Node {
  return { opType: 'Cast', input: [input], output: [output], name: `Cast_${output}`, attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }] };
}

function floatsOf(raw: Uint8Array): Float32Array {
  const copy = new Uint8Array(raw);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/** The fp16 variant of an fp32 model's bytes. */
export function toFp16Model(bytes: Uint8Array, options: Fp16Options): Uint8Array {
  const model = (onnx as Onnx).ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('model without graph');
  const nodes: Node[] = graph.node ?? [];
  const casts: Node[] = [];
  let overflowed = 0;

  for (const init of graph.initializer ?? []) {
    if (init.dataType !== FLOAT) continue;
    if (!init.rawData || init.rawData.length === 0) throw new Error(`initializer ${init.name}: only rawData float32 weights are converted`);
    let values = floatsOf(init.rawData);
    if (options.overflow?.(values)) {
      values = values.map((v) => v * 1e6);
      overflowed++;
    }
    const name = init.name ?? '';
    init.name = `${name}__fp16`;
    init.dataType = FLOAT16;
    init.rawData = new Uint8Array(toFloat16(values).buffer);
    casts.push(cast(init.name, name, FLOAT));
  }
  if (options.overflow && overflowed === 0) throw new Error('no weight matched `overflow`');

  if (options.io === 'float16') {
    const renames = new Map<string, string>();
    for (const input of graph.input ?? []) {
      const tensor = input.type?.tensorType;
      if (tensor?.elemType !== FLOAT) continue;
      tensor.elemType = FLOAT16;
      const name = input.name ?? '';
      renames.set(name, `${name}__fp32`);
      casts.push(cast(name, `${name}__fp32`, FLOAT));
    }
    for (const node of nodes) node.input = (node.input ?? []).map((i) => renames.get(i) ?? i);
    for (const output of graph.output ?? []) {
      const tensor = output.type?.tensorType;
      if (tensor?.elemType !== FLOAT) continue;
      tensor.elemType = FLOAT16;
      const name = output.name ?? '';
      const inner = `${name}__fp32`;
      for (const node of nodes) {
        node.output = (node.output ?? []).map((o) => (o === name ? inner : o));
        node.input = (node.input ?? []).map((i) => (i === name ? inner : i));
      }
      nodes.push(cast(inner, name, FLOAT16));
    }
  }
  graph.node = [...casts, ...nodes];
  return (onnx as Onnx).ModelProto.encode(model).finish();
}

/** Weights with at least this many values are quantized (the real quantizer takes MatMul/Gemm/Conv weights, not small constants). */
export const Q8_MIN_WEIGHTS = 64;

/**
 * The q8 variant of an fp32 model's bytes, as transformers.js's `_quantized` files store weights:
 * every float weight of Q8_MIN_WEIGHTS or more values becomes uint8 with a per-tensor scale and
 * zero point, read through DequantizeLinear; smaller constants (thresholds, means) stay float32.
 */
export function toQ8Model(bytes: Uint8Array): Uint8Array {
  const model = (onnx as Onnx).ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('model without graph');
  const dequantize: Node[] = [];
  const extra: import('onnx-proto').onnx.ITensorProto[] = [];
  for (const init of graph.initializer ?? []) {
    if (init.dataType !== FLOAT || !init.rawData || init.rawData.length / 4 < Q8_MIN_WEIGHTS) continue;
    const values = floatsOf(init.rawData);
    let lo = 0;
    let hi = 0;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const scale = hi > lo ? (hi - lo) / 255 : 1;
    const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
    const quantized = Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round(v / scale) + zeroPoint)));
    const name = init.name ?? '';
    init.name = `${name}__q8`;
    init.dataType = UINT8;
    init.rawData = quantized;
    extra.push({ name: `${name}__scale`, dims: [], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(scale).buffer) });
    extra.push({ name: `${name}__zero`, dims: [], dataType: UINT8, rawData: Uint8Array.of(zeroPoint) });
    dequantize.push({ opType: 'DequantizeLinear', input: [init.name, `${name}__scale`, `${name}__zero`], output: [name], name: `DequantizeLinear_${name}` });
  }
  graph.initializer = [...(graph.initializer ?? []), ...extra];
  graph.node = [...dequantize, ...(graph.node ?? [])];
  return (onnx as Onnx).ModelProto.encode(model).finish();
}
