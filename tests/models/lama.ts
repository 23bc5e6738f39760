/**
 * Tiny LaMa ("Carve/LaMa-ONNX" lama_fp32.onnx-shaped) test model: fixed 512² input, the hole
 * filled with the mean colour of every kept pixel. See semantics.ts (LAMA_*) and README.md.
 */
import { GraphBuilder } from './onnx-builder.ts';
import { LAMA_MASK_THRESHOLD, LAMA_SIZE } from './semantics.ts';

/** image f32 [1,3,512,512] in 0..1, mask f32 [1,1,512,512] (1 = fill) → output f32 [1,3,512,512] in 0..255. */
export function buildLamaModel(): Uint8Array {
  const g = new GraphBuilder('lama');
  const S = LAMA_SIZE;
  const image = g.input('image', 'float32', [1, 3, S, S]);
  const mask = g.input('mask', 'float32', [1, 1, S, S]);
  // hole ∈ {0,1}: 1 where mask > threshold (a steep clip, so 0/1 inputs give exact 0/1).
  const hole = g.clip(g.mul(g.sub(mask, g.f32(LAMA_MASK_THRESHOLD, [])), g.f32(1e6, [])), 0, 1);
  const keep = g.sub(g.f32(1, []), hole);
  const kept = g.mul(image, keep);
  const mean = g.div(g.reduceSum(kept, [2, 3]), g.clip(g.reduceSum(keep, [2, 3]), 1)); // [1,3,1,1]
  const blended = g.add(kept, g.mul(mean, hole));
  g.output('output', g.mul(blended, g.f32(255, [])), 'float32', [1, 3, S, S]);
  return g.toModel('Test LaMa: hole = mean colour of every kept pixel; output in 0..255.');
}
