/**
 * The refinement client driving the REAL `openai` SDK over real HTTP against the local stub:
 * streaming, every failure with its message, Retry-After, cancel, timeout and the repair attempt.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listModels, originGuard, refine, testConnection, type ClientConfig } from '@/utils/llm/client';
import { LlmError } from '@/utils/llm/errors';
import { SYSTEM_PROMPT } from '@/utils/llm/prompt-template';
import { closedPort, DEFAULT_SUGGESTION, startOpenAiStub, type OpenAiStub } from '../servers/openai-stub';

const KEY = 'sk-test-secret-0123456789';
const INPUT = { originalPrompt: 'a winding river through candy land', intent: 'the river should be chocolate' };

let stub: OpenAiStub;
let config: ClientConfig;

beforeAll(async () => {
  stub = await startOpenAiStub();
});
afterAll(async () => {
  await stub?.close();
});
beforeEach(() => {
  stub.reset();
  config = { baseUrl: stub.baseUrl, apiKey: KEY, model: 'stub-mini', timeoutMs: 5000 };
});

/** Runs `promise`, expecting an LlmError; returns it. */
async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LlmError);
    if (error instanceof LlmError) {
      expect(error.message, 'the key must never appear in a message').not.toContain(KEY);
      return error;
    }
  }
  throw new Error('expected the call to fail');
}

type Body = { model: string; stream?: boolean; response_format?: unknown; messages: { role: string; content: unknown }[] };
const bodyOf = (index: number) => stub.requests[index]?.body as Body;

describe('models and connection test', () => {
  it('lists the server models with the key as a Bearer token', async () => {
    stub.models = ['zeta', 'alpha', 'stub-mini'];
    expect(await listModels(config)).toEqual(['alpha', 'stub-mini', 'zeta']);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models', status: 200 });
    expect(stub.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends no Authorization header at all without a key (local servers)', async () => {
    await listModels({ ...config, apiKey: '' });
    expect(stub.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('reports success with the model count and whether the model is offered', async () => {
    const ok = await testConnection(config);
    expect(ok.message).toMatch(/^Connected to 127\.0\.0\.1:\d+: 2 models, "stub-mini" is available \(\d+ ms\)\.$/);
    expect(ok).toMatchObject({ models: ['stub-mini', 'stub-vision'], modelAvailable: true });
    const missing = await testConnection({ ...config, model: 'gpt-9' });
    expect(missing.modelAvailable).toBe(false);
    expect(missing.message).toMatch(/"gpt-9" is not among them/);
    stub.models = [];
    expect((await testConnection(config)).message).toMatch(/lists no models/);
  });

  it('fails clearly for a bad key (and does not echo it), a wrong address, a dead server', async () => {
    stub.requireKey = 'sk-the-right-one';
    const bad = await failure(testConnection(config));
    expect(bad.code).toBe('bad-key');
    expect(bad.message).toMatch(/rejected the API key \(401\)/);
    stub.requireKey = undefined;

    stub.enqueue('GET /v1/models', { kind: 'status', status: 404 });
    const wrong = await failure(testConnection(config));
    expect(wrong.code).toBe('not-found');
    expect(wrong.message).toMatch(/check the base URL/);

    const port = await closedPort();
    const down = await failure(testConnection({ ...config, baseUrl: `http://127.0.0.1:${port}/v1` }));
    expect(down.code).toBe('unreachable');
    expect(down.message).toMatch(new RegExp(`Could not reach 127\\.0\\.0\\.1:${port} \\(connection refused\\)`));
  });
});

describe('refine', () => {
  it('streams the answer in pieces and returns the validated suggestion', async () => {
    stub.chat({ kind: 'reply', chunks: 6, delayMs: 5 });
    const deltas: [number, string][] = [];
    const stages: string[] = [];
    const result = await refine(config, INPUT, { onDelta: (attempt, text) => deltas.push([attempt, text]), onStatus: (stage) => stages.push(stage) });
    expect(result).toMatchObject({ suggestion: DEFAULT_SUGGESTION, repaired: false, sentImage: false });
    expect(deltas.length).toBeGreaterThanOrEqual(6);
    expect(deltas.every(([attempt]) => attempt === 1)).toBe(true);
    expect(deltas.map(([, text]) => text).join('')).toBe(JSON.stringify(DEFAULT_SUGGESTION));
    expect(stages).toEqual(['connecting', 'streaming']);

    const body = bodyOf(0);
    expect(body).toMatchObject({ model: 'stub-mini', stream: true, response_format: { type: 'json_object' } });
    expect(body.messages[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(body.messages[1]?.content).toEqual(expect.stringContaining('the river should be chocolate'));
    expect(stub.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends the crop as an image part only when given', async () => {
    const url = 'data:image/png;base64,iVBORw0KGgo=';
    const result = await refine(config, { ...INPUT, imageDataUrl: url });
    expect(result.sentImage).toBe(true);
    expect(bodyOf(0).messages[1]?.content).toEqual([expect.objectContaining({ type: 'text' }), { type: 'image_url', image_url: { url, detail: 'low' } }]);
  });

  it('repairs a malformed answer once: the bad output goes back, the second answer is used', async () => {
    stub.chat({ kind: 'reply', content: 'Sure! The river should be brown and sweet.' }, { kind: 'reply' });
    const attempts = new Set<number>();
    const stages: string[] = [];
    const result = await refine(config, INPUT, { onDelta: (attempt) => attempts.add(attempt), onStatus: (stage) => stages.push(stage) });
    expect(result).toMatchObject({ suggestion: DEFAULT_SUGGESTION, repaired: true });
    expect([...attempts]).toEqual([1, 2]);
    expect(stages).toContain('repairing');
    expect(stub.requests).toHaveLength(2);
    const repair = bodyOf(1).messages;
    expect(repair).toHaveLength(4);
    expect(repair[2]).toEqual({ role: 'assistant', content: 'Sure! The river should be brown and sweet.' });
    expect(repair[3]?.content).toEqual(expect.stringContaining('not valid JSON'));
  });

  it('gives up after the one repair attempt with a clear message', async () => {
    stub.chat({ kind: 'reply', content: 'not json' }, { kind: 'reply', content: '{"regionPrompt": "x"}' });
    const error = await failure(refine(config, INPUT));
    expect(error.code).toBe('malformed-output');
    expect(error.message).toMatch(/did not answer with the expected JSON, even after one repair attempt \("negativePrompt" is missing or empty\).*write the region prompt yourself/);
    expect(stub.requests).toHaveLength(2);
  });

  it('says when the answer was cut off at the length limit', async () => {
    stub.chat({ kind: 'reply', content: '{"regionPrompt": "a riv', finishReason: 'length' }, { kind: 'reply', content: '{', finishReason: 'length' });
    const error = await failure(refine(config, INPUT));
    expect(error.message).toMatch(/cut off at the length limit/);
  });

  it('asks again without JSON mode when the server refuses response_format', async () => {
    stub.chat({ kind: 'status', status: 400, message: "'response_format.type' must be 'json_schema' or 'text'" }, { kind: 'reply' });
    const result = await refine(config, INPUT);
    expect(result.suggestion).toEqual(DEFAULT_SUGGESTION);
    expect(bodyOf(0).response_format).toEqual({ type: 'json_object' });
    expect(bodyOf(1).response_format).toBeUndefined();
  });

  it.each([
    [401, 'bad-key', /rejected the API key \(401\)/],
    [403, 'forbidden', /refused access \(403\)/],
    [404, 'unknown-model', /model "stub-mini" was not found on 127\.0\.0\.1:\d+ \(404\)/],
    [500, 'server-error', /server error \(500\)/],
  ])('maps HTTP %i to %s, without retrying', async (status, code, message) => {
    stub.chat({ kind: 'status', status, message: `upstream says ${status}; key ${KEY}` });
    const error = await failure(refine(config, INPUT));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/write the region prompt yourself/);
    expect(stub.requests).toHaveLength(1);
  });

  it('a bad key against an OpenAI-like server that echoes it: bad-key, and the key is not in the message', async () => {
    stub.requireKey = 'sk-other';
    const error = await failure(refine(config, INPUT));
    expect(error.code).toBe('bad-key');
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    stub.chat({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'reply' });
    const stages: string[] = [];
    const t0 = performance.now();
    const result = await refine(config, INPUT, { onStatus: (stage) => stages.push(stage) });
    const elapsed = performance.now() - t0;
    expect(result.suggestion).toEqual(DEFAULT_SUGGESTION);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]!.at - stub.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(stages).toContain('retrying');
  });

  it('retries a 429 at most twice', async () => {
    const limited = { kind: 'status', status: 429, headers: { 'retry-after-ms': '50' } } as const;
    stub.chat(limited, limited, limited, { kind: 'reply' });
    const error = await failure(refine(config, INPUT));
    expect(error.code).toBe('rate-limited');
    expect(error.message).toMatch(/rate limiting requests \(429\), still after 3 attempts/);
    expect(stub.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After beyond the 10 s budget: fails at once, saying how long', async () => {
    stub.chat({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const t0 = performance.now();
    const error = await failure(refine(config, INPUT));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(error.code).toBe('rate-limited');
    expect(error.message).toMatch(/asks to wait 30 s/);
    expect(error.details.retryAfterMs).toBe(30_000);
    expect(stub.requests).toHaveLength(1);
  });

  it('does not retry an exhausted quota', async () => {
    stub.chat({ kind: 'status', status: 429, code: 'insufficient_quota', message: 'You exceeded your current quota' });
    const error = await failure(refine(config, INPUT));
    expect(error.code).toBe('quota');
    expect(stub.requests).toHaveLength(1);
  });

  it('server down: a clear "could not reach" message', async () => {
    const port = await closedPort();
    const error = await failure(refine({ ...config, baseUrl: `http://127.0.0.1:${port}/v1` }, INPUT));
    expect(error.code).toBe('unreachable');
    expect(error.message).toMatch(/connection refused/);
  });

  it('times out a server that never answers, and hangs up on it', async () => {
    stub.chat({ kind: 'hang' });
    const t0 = performance.now();
    const error = await failure(refine({ ...config, timeoutMs: 400 }, INPUT));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 1 s/);
    await stub.waitFor((r) => r.done && r.closedEarly, 3000);
  });

  it('times out a stream that stalls half-way', async () => {
    stub.chat({ kind: 'stall', chunks: 2 });
    const deltas: string[] = [];
    const error = await failure(refine({ ...config, timeoutMs: 400 }, INPUT, { onDelta: (_a, text) => deltas.push(text) }));
    expect(error.code).toBe('timeout');
    expect(deltas.length).toBeGreaterThan(0);
    await stub.waitFor((r) => r.done && r.closedEarly, 3000);
  });

  it('cancel aborts the request: the server sees the connection close', async () => {
    stub.chat({ kind: 'hang' });
    const controller = new AbortController();
    const running = refine(config, INPUT, { signal: controller.signal });
    await stub.waitFor((r) => r.path === '/v1/chat/completions');
    controller.abort();
    const error = await failure(running);
    expect(error.code).toBe('cancelled');
    const request = await stub.waitFor((r) => r.done, 3000);
    expect(request.closedEarly).toBe(true);
  });

  it('cancel mid-stream stops the stream', async () => {
    stub.chat({ kind: 'reply', chunks: 40, delayMs: 50 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const running = refine(config, INPUT, {
      signal: controller.signal,
      onDelta: (_attempt, text) => {
        deltas.push(text);
        if (deltas.length === 3) controller.abort();
      },
    });
    const error = await failure(running);
    expect(error.code).toBe('cancelled');
    expect(deltas.length).toBeLessThan(10);
    const request = await stub.waitFor((r) => r.done, 3000);
    expect(request.closedEarly).toBe(true);
  });

  it('cancel during a Retry-After wait ends at once', async () => {
    stub.chat({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
    const controller = new AbortController();
    const t0 = performance.now();
    const running = refine(config, INPUT, { signal: controller.signal, onStatus: (stage) => stage === 'retrying' && controller.abort() });
    const error = await failure(running);
    expect(error.code).toBe('cancelled');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('needs a model', async () => {
    const error = await failure(refine({ ...config, model: '' }, INPUT));
    expect(error.code).toBe('not-configured');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('originGuard', () => {
  it('lets requests to the configured origin through and refuses every other', async () => {
    const seen: string[] = [];
    const guarded = originGuard('http://127.0.0.1:9/v1', async (input) => {
      seen.push(String(input));
      return new Response('ok');
    });
    await guarded('http://127.0.0.1:9/v1/models');
    await expect(guarded('http://127.0.0.1:10/v1/models')).rejects.toMatchObject({ code: 'wrong-host' });
    await expect(guarded(new Request('https://evil.example/v1/chat/completions'))).rejects.toMatchObject({ code: 'wrong-host' });
    expect(seen).toEqual(['http://127.0.0.1:9/v1/models']);
  });
});
