/**
 * Tiny MI-GAN ("andraniksargsyan/migan" migan_pipeline_v2.onnx-shaped) test model: fills the
 * hole with the mean of the kept pixels nearby (block-wise normalized box filters at two scales,
 * then the global mean). See README.md.
 *
 * Built from reshapes, reductions, small MatMuls and element-wise ops only: pooling kernels are
 * very slow on software WebGPU adapters (SwiftShader), which is what headless test browsers get.
 */
import { GraphBuilder } from './onnx-builder.ts';
import { MIGAN_BLOCK, MIGAN_KEEP_THRESHOLD, MIGAN_RADII } from './semantics.ts';

/**
 * Busy work that makes a run long on purpose without changing its result: `matMuls` chained
 * [size,size] MatMuls seeded from the input (so nothing folds to a constant at load), times 0.
 * The inference-worker test uses it to hold ONNX Runtime busy for seconds.
 */
export interface BusyWork {
  matMuls: number;
  size: number;
}

/** image uint8 [1,3,H,W], mask uint8 [1,1,H,W] (255 keep, 0 fill) → result uint8 [1,3,H,W]. */
export function buildMiganPipeline(busy?: BusyWork): Uint8Array {
  const g = new GraphBuilder('migan_pipeline_v2');
  const image = g.input('image', 'uint8', [1, 3, 'height', 'width']);
  const mask = g.input('mask', 'uint8', [1, 1, 'height', 'width']);
  const B = MIGAN_BLOCK;

  const img = g.cast(image, 'float32');
  // keep ∈ {0,1}: 1 where mask ≥ 128.
  const keep = g.clip(g.sub(g.cast(mask, 'float32'), g.f32(MIGAN_KEEP_THRESHOLD - 1, [])), 0, 1);
  const kept = g.mul(img, keep);
  const stack = g.concat([kept, keep], 1); // [1,4,H,W]

  // Shape arithmetic (int64, tiny, runs on the CPU): Hb = ceil(H/B), Wb = ceil(W/B).
  const shape = g.op('Shape', [image]);
  const hw = g.slice(shape, [2], [4], [0]); // [H, W]
  const hwBlocks = g.op('Div', [g.op('Add', [hw, g.i64([B - 1, B - 1])]), g.i64([B, B])]); // [Hb, Wb]
  const padHW = g.op('Sub', [g.op('Mul', [hwBlocks, g.i64([B, B])]), hw]);
  const pads = g.concat([g.i64([0, 0, 0, 0, 0, 0]), padHW], 0);
  const padded = g.op('Pad', [stack, pads]); // zeros at the bottom/right: never "kept"
  const hb = g.slice(hwBlocks, [0], [1], [0]);
  const wb = g.slice(hwBlocks, [1], [2], [0]);
  const blockShape = g.concat([g.i64([1, 4]), hb, g.i64([B]), wb, g.i64([B])], 0);
  const blocks = g.reduceSum(g.op('Reshape', [padded, blockShape]), [3, 5], false); // [1,4,Hb,Wb] sums

  /** [n,n] band matrix (|i−j| ≤ r) for a dynamic n (a [1] int64 tensor). */
  const bandMatrix = (n: string, r: number): string => {
    const idx = g.op('Range', [g.f32(0, []), g.reshape(g.cast(n, 'float32'), []), g.f32(1, [])]);
    const d = g.abs(g.sub(g.op('Unsqueeze', [idx, g.i64([1])]), g.op('Unsqueeze', [idx, g.i64([0])])));
    return g.lessF(d, g.f32(r + 0.5, []));
  };

  // Global mean of the kept pixels (0 if nothing is kept at all): the last resort.
  const globalSum = g.reduceSum(blocks, [2, 3]); // [1,4,1,1]
  let fill = g.div(g.slice(globalSum, [0], [3], [1]), g.clip(g.slice(globalSum, [3], [4], [1]), 1));
  const zero = g.f32(0, []);
  for (const r of [...MIGAN_RADII].reverse()) {
    const win = g.op('MatMul', [g.op('MatMul', [bandMatrix(hb, r), blocks]), bandMatrix(wb, r)]); // [1,4,Hb,Wb]
    const num = g.slice(win, [0], [3], [1]);
    const den = g.slice(win, [3], [4], [1]);
    fill = g.op('Where', [g.op('Greater', [den, zero]), g.div(num, g.clip(den, 1)), fill]);
  }
  // fill is [1,3,Hb,Wb] (or [1,3,1,1] if it never changed, impossible with ≥ 1 radius).
  const fillUp = g.op('Reshape', [
    g.expand(g.op('Unsqueeze', [fill, g.i64([3, 5])]), [1, 1, 1, B, 1, B]),
    g.concat([g.i64([1, 3]), g.op('Mul', [hwBlocks, g.i64([B, B])])], 0),
  ]); // [1,3,Hb·B,Wb·B]
  const fillHW = g.op('Slice', [fillUp, g.i64([0, 0]), hw, g.i64([2, 3])]); // [1,3,H,W]

  let blended = g.add(kept, g.mul(fillHW, g.sub(g.f32(1, []), keep)));
  if (busy) {
    const n = busy.size;
    // A row-stochastic matrix keeps the chain's values bounded (finite, so × 0 is exactly 0).
    const a = g.f32(new Float32Array(n * n).fill(1 / n), [n, n]);
    let x = g.mul(a, g.op('ReduceMean', [keep], { keepdims: 0 }));
    for (let i = 0; i < busy.matMuls; i++) x = g.op('MatMul', [x, a]);
    blended = g.add(blended, g.mul(g.reduceSum(x, [0, 1], false), g.f32(0, [])));
  }
  const rounded = g.clip(g.floor(g.add(blended, g.f32(0.5, []))), 0, 255);
  g.output('result', g.cast(rounded, 'uint8'), 'uint8', [1, 3, 'height', 'width']);
  return g.toModel(busy ? `Test MI-GAN pipeline with ${busy.matMuls} busy ${busy.size}² MatMuls.` : 'Test MI-GAN pipeline: hole = mean of the kept pixels nearby.');
}
