/**
 * Stages timed in Node with the product's own code: compositing (pure code), and CLIP's image and
 * text halves separately (the extension's `clip.score` reports only their summed model time).
 * ONNX Runtime is onnxruntime-web's WASM build with one thread, as in the offscreen document
 * (which is not cross-origin isolated, so it gets one thread too).
 */
import * as ort from 'onnxruntime-web';
import { clipImageEmbeds, clipTextEmbeds } from '../../models/clip/runner.ts';
import { loadModel, releaseModel } from '../../models/hub.ts';
import { memoryCache } from '../../models/loader.ts';
import { loadLocalLlm } from '../../models/llm/local-llm.ts';
import { localMessages } from '../../utils/llm/local.ts';
import { compositeThroughMask } from '../../utils/image/composite.ts';
import { feather } from '../../utils/mask/morphology.ts';
import { renderScene, SCENES, shapeMask } from '../harness/scenes.ts';
import type { Sample } from './stats.ts';

/** `compositeThroughMask` at 1024²: the shapes scene, a flat edit, the green disc's mask feathered by 8 px (hard and blended pixels). */
export function benchComposite(runs: number): Sample[] {
  const scene = SCENES.shapes;
  const original = renderScene(scene);
  const edited = { width: 1024, height: 1024, data: new Uint8ClampedArray(1024 * 1024 * 4).fill(128) };
  const mask = feather({ width: 1024, height: 1024, data: shapeMask(scene, 'green-disc') }, 8);
  for (let i = 0; i < 3; i++) compositeThroughMask(original, edited, mask); // warm-up (JIT)
  const out: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    compositeThroughMask(original, edited, mask);
    out.push({ totalMs: performance.now() - start, modelMs: 0 });
  }
  return out;
}

export interface ClipNodeResult {
  image: Sample[];
  text: Sample[];
  loadMs: number;
}

/** CLIP image and text embeddings with the product's runners, models loaded from `host` through models/hub.ts. */
export async function benchClipNode(host: string, runs: number): Promise<ClipNodeResult> {
  ort.env.wasm.numThreads = 1;
  const started = performance.now();
  // The local hub serves test models or stand-ins, not the registry's files: no size check.
  const model = await loadModel('clip', { host, backend: 'wasm', shaderF16: false, cache: memoryCache(), registrySizes: false });
  const loadMs = performance.now() - started;
  const image = renderScene(SCENES.river);
  const texts = [SCENES.river.alt];
  try {
    await clipImageEmbeds(model, image); // warm-up
    await clipTextEmbeds(model, texts);
    const imageRuns: Sample[] = [];
    const textRuns: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      let start = performance.now();
      const a = await clipImageEmbeds(model, image);
      imageRuns.push({ totalMs: performance.now() - start, modelMs: a.modelMs });
      start = performance.now();
      const b = await clipTextEmbeds(model, texts);
      textRuns.push({ totalMs: performance.now() - start, modelMs: b.modelMs });
    }
    return { image: imageRuns, text: textRuns, loadMs };
  } finally {
    await releaseModel(model);
  }
}

export interface LlmNodeResult {
  /** Whole generations (prompt in, answer out); modelMs 0: transformers.js does not split its time. */
  runs: Sample[];
  tokensPerSecond: number[];
  tokens: number;
  promptTokensNote: string;
  loadMs: number;
}

/** The "this device" LLM (transformers.js on ort-web wasm, 1 thread) answering the refinement template. */
export async function benchLocalLlmNode(host: string, runs: number): Promise<LlmNodeResult> {
  ort.env.wasm.numThreads = 1;
  const started = performance.now();
  const llm = await loadLocalLlm({ host, backend: 'wasm', shaderF16: false, cache: memoryCache(), registrySizes: false });
  const loadMs = performance.now() - started;
  const messages = localMessages({ originalPrompt: 'a winding river through a candy land valley', intent: 'the river should be chocolate' });
  try {
    await llm.generate(messages); // warm-up
    const out: Sample[] = [];
    const rates: number[] = [];
    let tokens = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const result = await llm.generate(messages);
      out.push({ totalMs: performance.now() - start, modelMs: 0 });
      rates.push(result.tokens / (result.ms / 1000));
      tokens = result.tokens;
    }
    return { runs: out, tokensPerSecond: rates, tokens, promptTokensNote: 'the full refinement template (system prompt with its example) as the prompt', loadMs };
  } finally {
    await llm.release();
  }
}
