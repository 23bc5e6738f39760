/**
 * onnxruntime's dynamic quantization (`quantize_dynamic`, what the Hub's `_quantized` files were
 * made with), for the full-size stand-ins' q8 graphs: weights stored as uint8 with a per-tensor
 * scale and zero point, activations quantized at run time by DynamicQuantizeLinear, integer
 * MatMul/Conv, the result cast back to float and scaled.
 */
import type { AttrValue, GraphBuilder } from '../onnx-builder.ts';

/** Per-tensor uint8 quantization of a weight tensor: values, scale, zero point. */
export function quantize(w: Float32Array): { q: Uint8Array; scale: number; zeroPoint: number } {
  let lo = 0;
  let hi = 0;
  for (const v of w) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = (hi - lo) / 255 || 1;
  const zeroPoint = Math.round(-lo / scale);
  const q = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(0, Math.min(255, Math.round(w[i]! / scale) + zeroPoint));
  return { q, scale, zeroPoint };
}

/**
 * An integer op on x and the quantized weight `w` (dims `wDims`), as the quantizer rewrites it:
 * DynamicQuantizeLinear(x) → `op`(xq, wq, x zero point, w zero point) → float × (x scale · w scale).
 */
function integerOp(g: GraphBuilder, op: 'MatMulInteger' | 'ConvInteger', x: string, w: Float32Array, wDims: readonly number[], attrs: Record<string, AttrValue>): string {
  const { q, scale, zeroPoint } = quantize(w);
  const [xQ, xScale, xZero] = g.opN('DynamicQuantizeLinear', [x], 3) as [string, string, string];
  const acc = g.op(op, [xQ, g.u8(q, wDims), xZero, g.u8(Uint8Array.of(zeroPoint), [])], attrs);
  return g.mul(g.cast(acc, 'float32'), g.mul(xScale, g.f32(scale, [])));
}

/** x [..., inDim] · W [inDim, outDim], quantized. */
export function quantizedMatMul(g: GraphBuilder, x: string, w: Float32Array, inDim: number, outDim: number): string {
  return integerOp(g, 'MatMulInteger', x, w, [inDim, outDim], {});
}

/** Conv of x with W [out, in, kh, kw] (no bias), quantized. */
export function quantizedConv(g: GraphBuilder, x: string, w: Float32Array, wDims: readonly number[], attrs: Record<string, AttrValue>): string {
  return integerOp(g, 'ConvInteger', x, w, wDims, attrs);
}
