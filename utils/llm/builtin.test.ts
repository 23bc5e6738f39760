import { describe, expect, it } from 'vitest';
import { builtinAvailability, languageModelFrom, refineBuiltin, type LanguageModelApi, type LanguageModelSession } from './builtin';
import { OUTPUT_JSON_SCHEMA, SYSTEM_PROMPT } from './prompt-template';

const valid = { regionPrompt: 'melted chocolate river', negativePrompt: 'blue water', rationale: 'r', alternatives: ['a', 'b'] };

function streamOf(chunks: string[]): ReadableStream<string> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** A fake Prompt API answering each prompt with the next chunk list. */
function fake(availability: string, answers: string[][]) {
  const prompts: { input: string; options: object | undefined }[] = [];
  const created: object[] = [];
  let destroyed = 0;
  const api: LanguageModelApi = {
    availability: async () => availability,
    create: async (options) => {
      created.push(options ?? {});
      const session: LanguageModelSession = {
        promptStreaming: (input, options) => {
          prompts.push({ input, options });
          return streamOf(answers.shift() ?? []);
        },
        destroy: () => void destroyed++,
      };
      return session;
    },
  };
  return { api, prompts, created, destroyed: () => destroyed };
}

describe("Chrome's built-in model (Prompt API)", () => {
  it('is detected on a global scope only when it has the API shape', () => {
    expect(languageModelFrom({})).toBeUndefined();
    expect(languageModelFrom({ LanguageModel: { availability: 1 } })).toBeUndefined();
    const { api } = fake('available', []);
    expect(languageModelFrom({ LanguageModel: api })).toBe(api);
  });

  it('reports availability, "unsupported" without the API and "unavailable" for odd answers', async () => {
    expect(await builtinAvailability(undefined)).toBe('unsupported');
    expect(await builtinAvailability(fake('available', []).api)).toBe('available');
    expect(await builtinAvailability(fake('downloadable', []).api)).toBe('downloadable');
    expect(await builtinAvailability(fake('no', []).api)).toBe('unavailable');
  });

  it('refines with the same template, constrained to the JSON schema, streaming deltas (or cumulative chunks)', async () => {
    const text = JSON.stringify(valid);
    const f = fake('available', [[text.slice(0, 10), text.slice(10)]]);
    const deltas: string[] = [];
    const result = await refineBuiltin(f.api, { originalPrompt: 'p', intent: 'chocolate' }, { onDelta: (_a, d) => deltas.push(d) });
    expect(result).toEqual({ suggestion: valid, repaired: false });
    expect(deltas.join('')).toBe(text);
    expect(f.created[0]).toMatchObject({ initialPrompts: [{ role: 'system', content: SYSTEM_PROMPT }] });
    expect(f.prompts[0]?.options).toMatchObject({ responseConstraint: OUTPUT_JSON_SCHEMA });
    expect(f.destroyed()).toBe(1);

    const cumulative = fake('available', [[text.slice(0, 10), text]]);
    const seen: string[] = [];
    await refineBuiltin(cumulative.api, { originalPrompt: '', intent: 'x' }, { onDelta: (_a, d) => seen.push(d) });
    expect(seen.join('')).toBe(text);
  });

  it('repairs once, then fails clearly', async () => {
    const repaired = fake('available', [['nope'], [JSON.stringify(valid)]]);
    expect(await refineBuiltin(repaired.api, { originalPrompt: '', intent: 'x' })).toEqual({ suggestion: valid, repaired: true });
    expect(repaired.prompts[1]?.input).toMatch(/not valid JSON/);
    const broken = fake('available', [['nope'], ['still nope']]);
    await expect(refineBuiltin(broken.api, { originalPrompt: '', intent: 'x' })).rejects.toMatchObject({ code: 'malformed-output' });
    expect(broken.destroyed()).toBe(1);
  });

  it('says "unavailable" with the reason when the model cannot run', async () => {
    await expect(refineBuiltin(undefined, { originalPrompt: '', intent: 'x' })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/no built-in model/) });
    await expect(refineBuiltin(fake('downloadable', []).api, { originalPrompt: '', intent: 'x' })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/not downloaded yet/) });
  });
});
