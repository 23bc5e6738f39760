/**
 * ComfyUI's API-format graph (the "prompt" chunk): `{ id: { class_type, inputs } }`, where an
 * input is a value or a link `[nodeId, outputIndex]`. The prompts are the texts reached from the
 * sampler's positive and negative inputs; seed, steps, CFG and sampler are the sampler's own.
 */
import type { GenerationParams } from './types';

type Graph = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A node's inputs, or undefined when the entry is not a node. */
function inputsOf(node: unknown): Record<string, unknown> | undefined {
  return isRecord(node) && isRecord(node.inputs) ? node.inputs : undefined;
}

const isLink = (value: unknown): value is [string | number, number] => Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number');
const TEXT_INPUTS = ['text', 'text_g', 'text_l', 'prompt', 'string', 'value'];
/** Links are followed this deep at most (graphs are small; a crafted one may loop). */
const MAX_DEPTH = 12;

function textFrom(graph: Graph, link: unknown, depth = 0): string | undefined {
  if (!isLink(link) || depth > MAX_DEPTH) return undefined;
  const inputs = inputsOf(graph[String(link[0])]);
  if (!inputs) return undefined;
  for (const name of TEXT_INPUTS) {
    const value = inputs[name];
    if (typeof value === 'string' && value.trim()) return value.trim();
    const linked = textFrom(graph, value, depth + 1);
    if (linked) return linked;
  }
  for (const value of Object.values(inputs)) {
    const linked = textFrom(graph, value, depth + 1);
    if (linked) return linked;
  }
  return undefined;
}

/** A node's input, following one link to a primitive node when the value is wired in. */
function valueOf(graph: Graph, value: unknown, depth = 0): unknown {
  if (!isLink(value) || depth > MAX_DEPTH) return value;
  const inputs = inputsOf(graph[String(value[0])]) ?? {};
  const first = ['value', 'seed', 'noise_seed', 'int', 'float', 'sampler_name', 'ckpt_name'].map((name) => inputs[name]).find((v) => v !== undefined);
  return valueOf(graph, first, depth + 1);
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** The inputs of the first node whose class passes `test`. */
function findNode(graph: Graph, test: (type: string) => boolean): Record<string, unknown> | undefined {
  const node = Object.values(graph).find((entry) => isRecord(entry) && typeof entry.class_type === 'string' && test(entry.class_type));
  return inputsOf(node);
}

export function parseComfyGraph(json: string): { prompt?: string; negativePrompt?: string; params: GenerationParams } | undefined {
  let graph: unknown;
  try {
    graph = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(graph)) return undefined;
  const nodes = graph;
  const sampler = findNode(nodes, (type) => type.startsWith('KSampler') || type.startsWith('SamplerCustom'));
  if (!sampler) return undefined;
  const checkpoint = findNode(nodes, (type) => /CheckpointLoader|UNETLoader|UnetLoader/.test(type));
  const latent = findNode(nodes, (type) => /EmptyLatentImage|EmptySD3LatentImage/.test(type));
  return {
    prompt: textFrom(nodes, sampler.positive),
    negativePrompt: textFrom(nodes, sampler.negative),
    params: {
      seed: num(valueOf(nodes, sampler.seed ?? sampler.noise_seed)),
      steps: num(valueOf(nodes, sampler.steps)),
      cfgScale: num(valueOf(nodes, sampler.cfg)),
      sampler: str(valueOf(nodes, sampler.sampler_name)),
      scheduler: str(valueOf(nodes, sampler.scheduler)),
      width: num(valueOf(nodes, latent?.width)),
      height: num(valueOf(nodes, latent?.height)),
      model: str(valueOf(nodes, checkpoint?.ckpt_name ?? checkpoint?.unet_name)),
    },
  };
}
