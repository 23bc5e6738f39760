import { describe, expect, it } from 'vitest';
import { choosePhrase, parsePhraseAnswer, phraseMessages } from './llm-phrase';
import { phraseSource } from './phrase-status';

const input = { intent: 'make it chocolate', originalPrompt: 'a river in a valley' };

describe('the LLM target phrase', () => {
  it('takes a phrase whose words come from the intent or the prompt', () => {
    expect(choosePhrase('{"target": "the river"}', input)).toEqual({ phrase: 'the river', source: 'llm' });
    expect(choosePhrase('```json\n{"target": "The River"}\n```', input)).toEqual({ phrase: 'the river', source: 'llm' });
  });

  it('falls back to the rules, saying why, on invalid JSON, a missing field, invented words or a long phrase', () => {
    const rules = { intent: 'the river should be chocolate', originalPrompt: '' };
    expect(choosePhrase('the river', rules)).toEqual({ phrase: 'the river', source: 'rules', fallback: "the LLM's answer was not used: its answer was not JSON" });
    expect(choosePhrase('{"object": "the river"}', rules).fallback).toMatch(/no "target"/);
    expect(choosePhrase('{"target": "the lake"}', rules)).toMatchObject({ phrase: 'the river', source: 'rules' });
    expect(choosePhrase('{"target": "the lake"}', rules).fallback).toMatch(/lake/);
    expect(parsePhraseAnswer(JSON.stringify({ target: 'a river in a valley make it chocolate river' }), input)).toEqual({ ok: false, problem: 'its phrase was longer than 8 words' });
  });

  it('sends text only: the intent and the prompt, no image', () => {
    const [system, user] = phraseMessages(input);
    expect(system.content).toMatch(/"target"/);
    expect(user.content).toContain('"make it chocolate"');
    expect(user.content).toContain('"a river in a valley"');
  });
});

describe('the status line about the phrase', () => {
  it('says whether the LLM or the rules chose it, and why the rules', () => {
    expect(phraseSource({ phrase: 'the river', source: 'llm', ms: 5 })).toBe('the LLM chose it');
    expect(phraseSource({ phrase: 'the river', source: 'rules', ms: 0 })).toBe('the rules chose it');
    expect(phraseSource({ phrase: 'the river', source: 'rules', fallback: 'the LLM did not answer within 8 s', ms: 8000 })).toBe('the rules chose it: the LLM did not answer within 8 s');
  });
});
