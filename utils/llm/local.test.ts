import { describe, expect, it } from 'vitest';
import { refineLocal, type Generate, type TextTurn } from './local';
import { LlmError } from './errors';

const input = { originalPrompt: 'a river in candy land', intent: 'the river should be chocolate' };
const good = JSON.stringify({
  regionPrompt: 'a river of melted chocolate',
  negativePrompt: 'blue water',
  rationale: 'Counters blue water.',
  alternatives: ['a cocoa river', 'a stream of chocolate'],
});

/** A model that answers from a list, recording what it was asked. */
function scripted(answers: string[]): { generate: Generate; asked: TextTurn[][] } {
  const asked: TextTurn[][] = [];
  return {
    asked,
    generate: async (messages) => {
      asked.push(messages);
      return { text: answers[asked.length - 1] ?? '', cancelled: false };
    },
  };
}

describe('refineLocal', () => {
  it('asks with the shared template (system prompt, then the quoted input) and returns the suggestion', async () => {
    const model = scripted([good]);
    const result = await refineLocal(model.generate, input);
    expect(result.repaired).toBe(false);
    expect(result.suggestion.regionPrompt).toBe('a river of melted chocolate');
    expect(model.asked[0]!.map((m) => m.role)).toEqual(['system', 'user']);
    expect(model.asked[0]![1]!.content).toContain('"""the river should be chocolate"""');
  });

  it('repairs an answer that is not JSON once, telling the model what was wrong', async () => {
    const model = scripted(['Sure! Here is a prompt: chocolate river', good]);
    const statuses: string[] = [];
    const result = await refineLocal(model.generate, input, { onStatus: (stage, detail) => statuses.push(`${stage}:${detail ?? ''}`) });
    expect(result.repaired).toBe(true);
    expect(statuses).toContain('repairing:the answer was not valid JSON');
    const repair = model.asked[1]!;
    expect(repair.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repair[3]!.content).toMatch(/could not be used: the answer was not valid JSON/);
  });

  it('falls back with a clear message when the repair is unusable too', async () => {
    const model = scripted(['no', '{"regionPrompt": "x"}']);
    const failure = refineLocal(model.generate, input, { model: 'Qwen2.5-0.5B-Instruct' });
    await expect(failure).rejects.toBeInstanceOf(LlmError);
    await expect(failure).rejects.toMatchObject({ code: 'malformed-output' });
    await expect(failure).rejects.toThrow(/Qwen2\.5-0\.5B-Instruct/);
  });

  it('says cancelled when the model was stopped, without a repair attempt', async () => {
    const asked: number[] = [];
    const generate: Generate = async (_messages, attempt) => {
      asked.push(attempt);
      return { text: '{"regionPrompt": "a riv', cancelled: true };
    };
    await expect(refineLocal(generate, input)).rejects.toMatchObject({ code: 'cancelled' });
    expect(asked).toEqual([1]);
  });
});
