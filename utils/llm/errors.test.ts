import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { DEFAULT_RETRY_POLICY, describeFailure, factsFromError, LlmError, malformedOutput, parseRetryAfter, redact, rejectsResponseFormat, retryDelay, type FailureContext, type FailureFacts } from './errors';
import { ProtocolError } from '../protocol';

const KEY = 'sk-test-0123456789abcdef';
const ctx: FailureContext = { host: 'api.example.com', model: 'gpt-x', operation: 'chat', hasKey: true, timeoutMs: 30_000, secrets: [KEY] };
const http = (status: number, extra: Partial<FailureFacts> = {}): FailureFacts => ({ kind: 'http', status, ...extra });

describe('parseRetryAfter', () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  it('reads seconds, fractional seconds, retry-after-ms and HTTP dates', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1200', 'retry-after': '9' }))).toBe(1200);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:04 GMT' }), now)).toBe(4000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now)).toBe(0);
  });
  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('factsFromError', () => {
  it('reads the SDK error classes', () => {
    expect(factsFromError(new APIUserAbortError())).toEqual({ kind: 'abort' });
    expect(factsFromError(new APIConnectionTimeoutError())).toEqual({ kind: 'timeout' });
    const refused = new APIConnectionError({ cause: Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }) });
    expect(factsFromError(refused)).toMatchObject({ kind: 'connection', cause: expect.stringMatching(/ECONNREFUSED/) });
    const limited = APIError.generate(429, { error: { message: 'Slow down', code: 'rate_limit_exceeded' } }, undefined, new Headers({ 'retry-after': '2' }));
    expect(factsFromError(limited)).toEqual({ kind: 'http', status: 429, serverMessage: 'Slow down', serverCode: 'rate_limit_exceeded', retryAfterMs: 2000 });
  });
  it('treats DOM-style AbortErrors as aborts and anything else as other', () => {
    expect(factsFromError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toEqual({ kind: 'abort' });
    expect(factsFromError(new TypeError('boom'))).toEqual({ kind: 'other', cause: 'boom' });
  });
});

describe('describeFailure', () => {
  it('gives each failure its own code and a message naming the host and the way on', () => {
    const cases: [FailureFacts, Partial<FailureContext>, string, RegExp][] = [
      [http(401), {}, 'bad-key', /api\.example\.com rejected the API key \(401\)/],
      [http(401), { hasKey: false, secrets: [] }, 'bad-key', /needs an API key \(401\)/],
      [http(403, { serverMessage: 'Project lacks access' }), {}, 'forbidden', /refused access \(403\): Project lacks access.*OLLAMA_ORIGINS/],
      [http(404, { serverMessage: 'The model `gpt-x` does not exist' }), {}, 'unknown-model', /model "gpt-x" was not found on api\.example\.com \(404\)/],
      [http(404), { operation: 'models' }, 'not-found', /check the base URL.*\/v1/],
      [http(429, { retryAfterMs: 30_000 }), { attempts: 1 }, 'rate-limited', /rate limiting requests \(429\); it asks to wait 30 s/],
      [http(429), { attempts: 3 }, 'rate-limited', /still after 3 attempts/],
      [http(429, { serverCode: 'insufficient_quota' }), {}, 'quota', /no quota left/],
      [http(500, { serverMessage: 'oops' }), {}, 'server-error', /server error \(500\): oops/],
      [http(400, { serverMessage: 'bad field' }), {}, 'bad-request', /rejected the request \(400\): bad field/],
      [{ kind: 'http', serverMessage: 'overloaded' }, {}, 'failed', /reported an error while answering: overloaded/],
      [{ kind: 'connection', cause: 'fetch failed: ECONNREFUSED' }, {}, 'unreachable', /Could not reach api\.example\.com \(connection refused\)/],
      [{ kind: 'connection', cause: 'Failed to fetch' }, {}, 'unreachable', /Could not reach api\.example\.com: is the server running/],
      [{ kind: 'timeout' }, { timeoutMs: 1500 }, 'timeout', /did not answer within 2 s/],
      [{ kind: 'abort' }, {}, 'cancelled', /^Cancelled\.$/],
      [{ kind: 'other', cause: 'weird' }, {}, 'failed', /failed: weird/],
    ];
    for (const [facts, extra, code, message] of cases) {
      const error = describeFailure(facts, { ...ctx, ...extra });
      expect(error, JSON.stringify(facts)).toBeInstanceOf(LlmError);
      expect(error).toBeInstanceOf(ProtocolError); // replies keep the code
      expect(error.code, JSON.stringify(facts)).toBe(code);
      expect(error.message, JSON.stringify(facts)).toMatch(message);
    }
  });

  it('says the user can still write the prompt, except for a cancel', () => {
    expect(describeFailure(http(401), ctx).message).toMatch(/write the region prompt yourself/);
    expect(describeFailure({ kind: 'abort' }, ctx).message).not.toMatch(/yourself/);
  });

  it('never repeats the key, even when the server echoes it', () => {
    const echoed = http(403, { serverMessage: `Key ${KEY} is not allowed; Bearer ${KEY}` });
    const message = describeFailure(echoed, ctx).message;
    expect(message).not.toContain(KEY);
    expect(message).not.toContain('0123456789');
    const other = describeFailure({ kind: 'other', cause: `boom ${KEY}` }, ctx).message;
    expect(other).not.toContain(KEY);
    expect(malformedOutput(`saw ${KEY}`, ctx).message).not.toContain(KEY);
  });

  it('keeps quoted server text to one bounded line', () => {
    const message = describeFailure(http(500, { serverMessage: `line one\nline two ${'x'.repeat(500)}` }), ctx).message;
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(400);
  });
});

describe('redact', () => {
  it('removes given secrets and key-looking tokens', () => {
    expect(redact(`a ${KEY} b`, [KEY])).toBe('a [redacted] b');
    expect(redact('Incorrect API key provided: sk-proj-abc*****wxyz.')).toBe('Incorrect API key provided: [redacted key]');
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
    expect(redact('short', ['ab'])).toBe('short'); // too short to be a key: not replaced
  });
});

describe('retryDelay', () => {
  const policy = DEFAULT_RETRY_POLICY;
  it('retries 429/502/503/504 at most twice, honouring Retry-After', () => {
    expect(retryDelay(http(429, { retryAfterMs: 1500 }), 0, 0, policy)).toBe(1500);
    expect(retryDelay(http(429, { retryAfterMs: 0 }), 1, 1500, policy)).toBe(0);
    expect(retryDelay(http(429, { retryAfterMs: 1 }), 2, 0, policy)).toBeUndefined();
    expect(retryDelay(http(503), 0, 0, policy)).toBe(1000);
    expect(retryDelay(http(503), 1, 1000, policy)).toBe(2000);
  });
  it('never waits more than 10 s in all', () => {
    expect(retryDelay(http(429, { retryAfterMs: 30_000 }), 0, 0, policy)).toBeUndefined();
    expect(retryDelay(http(429, { retryAfterMs: 6000 }), 1, 6000, policy)).toBeUndefined();
    expect(retryDelay(http(429, { retryAfterMs: 4000 }), 1, 6000, policy)).toBe(4000);
  });
  it('does not retry other failures or an exhausted quota', () => {
    for (const facts of [http(400), http(401), http(403), http(404), http(500), { kind: 'connection' } as const, { kind: 'timeout' } as const, { kind: 'abort' } as const]) {
      expect(retryDelay(facts, 0, 0, policy), JSON.stringify(facts)).toBeUndefined();
    }
    expect(retryDelay(http(429, { serverCode: 'insufficient_quota' }), 0, 0, policy)).toBeUndefined();
  });
});

describe('rejectsResponseFormat', () => {
  it('spots servers that refuse JSON mode', () => {
    expect(rejectsResponseFormat(http(400, { serverMessage: "'response_format.type' must be 'json_schema'" }))).toBe(true);
    expect(rejectsResponseFormat(http(400, { serverMessage: 'max_tokens too large' }))).toBe(false);
    expect(rejectsResponseFormat(http(500, { serverMessage: 'response_format broke' }))).toBe(false);
  });
});
