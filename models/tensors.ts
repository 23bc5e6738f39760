/**
 * Tensors in the types a session declares. Exports differ: an fp16 export may take and give
 * float16 (the diffusers/ORT-web Stable Diffusion exports) or keep float32 I/O with Cast nodes
 * inside (Xenova's SAM and CLIP), and token ids or timesteps may be int32, int64 or float. Runners
 * build float32 data; this converts it to what each input declares, and reads any float output
 * back as float32.
 */
import * as ort from 'onnxruntime-web';
import { fromFloat16, isHalfNonFinite, toFloat16 } from '../utils/float16';

/** The element type a session declares for an input (undefined when it does not say). */
export function declaredType(session: ort.InferenceSession, name: string): ort.Tensor.Type | undefined {
  const meta = session.inputMetadata.find((m) => m.name === name);
  return meta?.isTensor ? meta.type : undefined;
}

/** `tensor` as the session's input `name` declares it: float32 ↔ float16 converted, anything else as it is. */
export function asDeclared(session: ort.InferenceSession, name: string, tensor: ort.Tensor): ort.Tensor {
  const type = declaredType(session, name);
  if (type === 'float16' && tensor.type === 'float32') return new ort.Tensor('float16', toFloat16(tensor.data as Float32Array), tensor.dims);
  if (type === 'float32' && tensor.type === 'float16') return new ort.Tensor('float32', floatData(tensor), tensor.dims);
  return tensor;
}

/** Float data for input `name`, as float16 bits where the session declares float16. */
export function floatFeed(session: ort.InferenceSession, name: string, data: Float32Array, dims: readonly number[]): ort.Tensor {
  return asDeclared(session, name, new ort.Tensor('float32', data, dims));
}

/** Whole numbers (token ids, timesteps) for input `name` in the type it declares; int64 when it does not say. */
export function integerFeed(session: ort.InferenceSession, name: string, values: readonly number[], dims: readonly number[]): ort.Tensor {
  const type = declaredType(session, name);
  if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(values), dims);
  if (type === 'float32' || type === 'float16') return floatFeed(session, name, Float32Array.from(values), dims);
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

/**
 * A float output as float32, whatever the export computes in. ORT hands float16 back as
 * Uint16Array bits, or as a Float16Array where the runtime has one (Chromium, Firefox).
 */
export function floatData(tensor: ort.Tensor): Float32Array {
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (tensor.type === 'float16' && data instanceof Uint16Array) return fromFloat16(data);
  if (tensor.type === 'float16' || tensor.type === 'float64') return Float32Array.from(data as ArrayLike<number>);
  throw new Error(`Expected floating-point model output, got ${tensor.type}`);
}

/** The name of the first float output holding NaN or ±Inf (a float16 overflow), if any. */
export function nonFiniteOutput(outputs: ort.InferenceSession.OnnxValueMapType): string | undefined {
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.location !== 'cpu') continue; // GPU-resident outputs are checked where they are read
    const data = tensor.data;
    if (tensor.type === 'float16' && data instanceof Uint16Array) {
      for (let i = 0; i < data.length; i++) if (isHalfNonFinite(data[i]!)) return name;
    } else if (tensor.type === 'float32' || tensor.type === 'float16') {
      const values = data as ArrayLike<number>;
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return name;
    }
  }
  return undefined;
}

/** A run of a float16 model gave NaN or ±Inf: its precision, not the input, is at fault. */
export class NonFiniteOutputError extends Error {
  constructor(readonly output: string) {
    super(`the output ${output} holds NaN or infinite values`);
    this.name = 'NonFiniteOutputError';
  }
}
