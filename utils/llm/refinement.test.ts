import { describe, expect, it } from 'vitest';
import { buildMessages, buildRepairMessages, extractJson, parseSuggestion, wordCount } from './refinement';
import { SYSTEM_PROMPT } from './prompt-template';
import { messages, parseRequest } from '../protocol';

const valid = {
  regionPrompt: 'a river of melted chocolate, glossy brown surface',
  negativePrompt: 'blue water',
  rationale: 'Counters blue water.',
  alternatives: ['molten chocolate stream, cocoa brown', 'liquid milk chocolate river, satin sheen'],
};

describe('buildMessages', () => {
  it('sends the template as system message and the inputs as quoted data', () => {
    const messages = buildMessages({ originalPrompt: 'candy land valley', intent: 'the river should be chocolate' });
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(messages[1]?.role).toBe('user');
    expect(messages[1]?.content).toContain('"""candy land valley"""');
    expect(messages[1]?.content).toContain('"""the river should be chocolate"""');
  });

  it('adds the crop as a low-detail image part only when given', () => {
    const url = 'data:image/png;base64,iVBORw0KGgo=';
    const [, user] = buildMessages({ originalPrompt: '', intent: 'x', imageDataUrl: url });
    expect(Array.isArray(user?.content)).toBe(true);
    expect(user?.content).toEqual([expect.objectContaining({ type: 'text', text: expect.stringContaining('attached image') }), { type: 'image_url', image_url: { url, detail: 'low' } }]);
    const [, plain] = buildMessages({ originalPrompt: '', intent: 'x' });
    expect(typeof plain?.content).toBe('string');
    expect(plain?.content).not.toContain('attached image');
    expect(plain?.content).toContain('(unknown)');
  });
});

describe('buildRepairMessages', () => {
  it('sends the bad answer back with the problem', () => {
    const base = buildMessages({ originalPrompt: 'a', intent: 'b' });
    const repair = buildRepairMessages(base, 'Sure! here it is', 'the answer was not valid JSON');
    expect(repair.slice(0, 2)).toEqual(base);
    expect(repair[2]).toEqual({ role: 'assistant', content: 'Sure! here it is' });
    expect(repair[3]?.role).toBe('user');
    expect(repair[3]?.content).toMatch(/could not be used: the answer was not valid JSON/);
    expect(repair[3]?.content).toMatch(/ONLY the JSON object/);
  });
});

describe('extractJson', () => {
  it('reads plain JSON, fenced JSON, JSON inside chatter, and skips <think> blocks', () => {
    expect(extractJson('{"a":1}')).toEqual({ a: 1 });
    expect(extractJson('```json\n{"a":2}\n```')).toEqual({ a: 2 });
    expect(extractJson('Here you go: {"a":3} Hope it helps')).toEqual({ a: 3 });
    expect(extractJson('<think>maybe {not this}</think>{"a":4}')).toEqual({ a: 4 });
    expect(extractJson('no json here')).toBeUndefined();
  });
});

describe('parseSuggestion', () => {
  it('accepts a valid answer', () => {
    expect(parseSuggestion(JSON.stringify(valid))).toEqual({ ok: true, value: valid });
  });

  it('normalises key spelling, whitespace, rationale lines, duplicates and surplus alternatives', () => {
    const messy = {
      region_prompt: '  a river of   melted\nchocolate ',
      negative_prompt: ['blue water', 'clear water'],
      reason: 'first line\nsecond line',
      alternatives: ['A river of melted chocolate', 'one', { prompt: 'two' }, 'ONE', 'three', 'four', ''],
    };
    const result = parseSuggestion(`\`\`\`json\n${JSON.stringify(messy)}\n\`\`\``);
    expect(result).toEqual({
      ok: true,
      value: { regionPrompt: 'a river of melted chocolate', negativePrompt: 'blue water, clear water', rationale: 'first line', alternatives: ['one', 'two', 'three'] },
    });
  });

  it('explains precisely what is wrong, for the repair attempt', () => {
    const problem = (text: string) => {
      const result = parseSuggestion(text);
      return result.ok ? 'ok' : result.problem;
    };
    expect(problem('')).toMatch(/empty/);
    expect(problem('I think the river should be brown.')).toMatch(/not valid JSON/);
    expect(problem('[1,2]')).toMatch(/not an object/);
    expect(problem(JSON.stringify({ ...valid, regionPrompt: '' }))).toMatch(/"regionPrompt" is missing or empty/);
    expect(problem(JSON.stringify({ ...valid, negativePrompt: undefined }))).toMatch(/"negativePrompt" is missing/);
    expect(problem(JSON.stringify({ ...valid, alternatives: 'one' }))).toMatch(/"alternatives" must be an array/);
    expect(problem(JSON.stringify({ ...valid, alternatives: ['only one'] }))).toMatch(/2 or 3 different/);
    expect(problem(JSON.stringify({ ...valid, alternatives: [valid.regionPrompt, 'x'] }))).toMatch(/different from regionPrompt/);
    expect(problem(JSON.stringify({ ...valid, regionPrompt: 'word '.repeat(90) }))).toMatch(/has 90 words; keep it to at most 60/);
    expect(problem(JSON.stringify({ ...valid, alternatives: ['a', 'word '.repeat(80)] }))).toMatch(/an alternative has 80 words/);
  });

  it('tolerates a little over the word budget and a missing rationale', () => {
    const result = parseSuggestion(JSON.stringify({ ...valid, regionPrompt: 'word '.repeat(70).trim(), rationale: undefined }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.rationale).toBe('');
  });
});

describe('wordCount', () => {
  it('counts whitespace-separated words', () => {
    expect(wordCount('')).toBe(0);
    expect(wordCount(' a  b\nc ')).toBe(3);
  });
});

describe('refinement messages in the protocol', () => {
  it('refine.run accepts a session-store key or a small image data URL as the crop, and needs an intent', () => {
    const base = { requestId: 'r-1', originalPrompt: '', intent: '  chocolate  ' };
    expect(parseRequest('refine.run', base).intent).toBe('chocolate');
    expect(parseRequest('refine.run', { ...base, crop: 'image:0f3c' }).crop).toBe('image:0f3c');
    expect(parseRequest('refine.run', { ...base, crop: 'data:image/png;base64,iVBORw0KGgo=' }).crop).toMatch(/^data:/);
    for (const crop of ['data:text/html;base64,PHNjcmlwdD4=', 'https://evil.example/x.png', 'data:image/png;base64,<script>']) {
      expect(() => parseRequest('refine.run', { ...base, crop }), crop).toThrow(/refine\.run/);
    }
    expect(() => parseRequest('refine.run', { ...base, intent: '   ' })).toThrow(/refine\.run/);
    expect(() => parseRequest('refine.run', { ...base, requestId: '../../x' })).toThrow(/refine\.run/);
  });

  it('llm.config.set never needs the key, and nothing in the config view can carry it', () => {
    expect(parseRequest('llm.config.set', { provider: 'openai', baseUrl: '', model: '', sendPixels: false }).apiKey).toBeUndefined();
    expect(Object.keys(messages['llm.config.get'].response.entries)).not.toContain('apiKey');
    expect(() => parseRequest('llm.config.set', { provider: 'gemini', baseUrl: '', model: '', sendPixels: false })).toThrow(/llm\.config\.set/);
  });
});
