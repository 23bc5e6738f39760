/**
 * The "this device" LLM in Node: transformers.js on our onnxruntime-web, against the tiny
 * instruct LLM served by the local hub. Its greedy answer is LLM_ANSWER only when the KV cache,
 * position ids and attention mask are fed back correctly, so these prove generation end to end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadLocalLlm, type LocalLlm } from '../../models/llm/local-llm';
import { memoryCache } from '../../models/loader';
import { LOCAL_LLM } from '../../models/registry';
import { localMessages, refineLocal } from '../../utils/llm/local';
import { LlmError } from '../../utils/llm/errors';
import { serveTestModels } from '../harness/test-model-hub';
import { LLM_ANSWER, LLM_REPO, LLM_SUGGESTION } from '../models/semantics';

const models = serveTestModels();

const input = { originalPrompt: 'a winding river through a candy valley', intent: 'the river should be chocolate' };
// The test hub's tiny model is not the registry's size: that check is off except where tested.
const load = (cache = memoryCache(), registrySizes = false) => loadLocalLlm({ host: models.hub.url, backend: 'wasm', shaderF16: false, cache, registrySizes });

describe('local LLM (transformers.js on our ONNX Runtime)', { timeout: 60_000 }, () => {
  it('loads a second time from our cache with no request, and never keeps a cut or damaged download', async () => {
    const cache = memoryCache();
    const weights = `${models.hub.url}/${LLM_REPO}/resolve/${LOCAL_LLM.revision}/onnx/model_quantized.onnx`;
    models.hub.setFault({ kind: 'truncate', bytes: 1000, match: 'model_quantized.onnx', times: 1 });
    await expect(load(cache)).rejects.toThrow(/broke off/);
    expect(await cache.get(weights)).toBeUndefined();
    // A host that lies about the size: the short file arrives "complete", ONNX Runtime refuses it, it is dropped.
    models.hub.setFault({ kind: 'wrong-size', match: 'model_quantized.onnx', times: 1 });
    await expect(load(cache)).rejects.toThrow(/removed from the cache/);
    expect(await cache.get(weights)).toBeUndefined();
    const first = await load(cache);
    await first.release();
    models.hub.clearRequests();
    const second = await load(cache);
    expect(models.hub.requests).toEqual([]);
    expect((await second.generate(localMessages(input))).text).toBe(LLM_ANSWER);
    await second.release();
  });

  it("holds the q8 weights to the registry's exact size, and evicts and re-fetches a damaged cached config", async () => {
    const cache = memoryCache();
    const weights = `${models.hub.url}/${LLM_REPO}/resolve/${LOCAL_LLM.revision}/onnx/model_quantized.onnx`;
    await expect(load(cache, true)).rejects.toThrow(new RegExp(`registry expects ${LOCAL_LLM.bytes.q8}`));
    expect(await cache.get(weights)).toBeUndefined();
    const config = `${models.hub.url}/${LLM_REPO}/resolve/${LOCAL_LLM.revision}/config.json`;
    await cache.put(config, new TextEncoder().encode('{"model_type": "qwen2", '));
    const llm = await load(cache);
    expect(JSON.parse(new TextDecoder().decode(await cache.get(config)))).toHaveProperty('model_type');
    await llm.release();
  });

  let llm: LocalLlm;
  afterAll(() => llm?.release());

  it('streams the greedy answer word by word through the KV cache, on the q8 file', async () => {
    llm = await load();
    expect(llm.dtype).toBe('q8');
    expect(models.hub.requests.map((r) => r.path)).toContain(`/${LLM_REPO}/resolve/${LOCAL_LLM.revision}/onnx/model_quantized.onnx`);
    // Every file from the registry's commit: none from a branch.
    expect(models.hub.requests.map((r) => r.path).filter((p) => !p.includes(`/resolve/${LOCAL_LLM.revision}/`))).toEqual([]);
    const pieces: string[] = [];
    const result = await llm.generate(localMessages(input), { onText: (t) => pieces.push(t) });
    expect(result.text).toBe(LLM_ANSWER);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(LLM_ANSWER);
    // One token per byte, plus the end token.
    expect(result.tokens).toBe(LLM_ANSWER.length + 1);
    expect(result.cancelled).toBe(false);
  });

  it('refines to the structured suggestion the other providers give', async () => {
    const deltas: string[] = [];
    const result = await refineLocal((messages, attempt, signal) => llm.generate(messages, { signal, onText: (t) => deltas.push(`${attempt}:${t}`) }), input);
    expect(result).toEqual({ suggestion: { ...LLM_SUGGESTION, alternatives: [...LLM_SUGGESTION.alternatives] }, repaired: false });
    expect(deltas.every((d) => d.startsWith('1:'))).toBe(true);
  });

  it('stops generating when cancelled, and says so', async () => {
    const controller = new AbortController();
    let seen = '';
    const result = await llm.generate(localMessages(input), {
      signal: controller.signal,
      onText: (t) => {
        seen += t;
        controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.text.length).toBeLessThan(LLM_ANSWER.length / 2);
    expect(seen).toBe(result.text);
    const refined = refineLocal((messages, _attempt, signal) => llm.generate(messages, { signal }), input, { signal: AbortSignal.abort() });
    await expect(refined).rejects.toMatchObject({ code: 'cancelled' });
    await expect(refined).rejects.toBeInstanceOf(LlmError);
  });

});
