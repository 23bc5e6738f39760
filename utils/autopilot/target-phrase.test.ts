import { describe, expect, it } from 'vitest';
import { targetPhrase } from './target-phrase';

describe('target phrase (no LLM)', () => {
  it.each([
    ['the river should be chocolate', 'the river'],
    ['The river should be chocolate.', 'the river'],
    ["the cat's eyes are the wrong colour", "the cat's eyes"],
    ['the sky looks too dark', 'the sky'],
    ['her left hand has six fingers', 'her left hand'],
    ['make the sky darker', 'the sky'],
    ['turn the river into chocolate', 'the river'],
    ['please remove the car', 'the car'],
    ['replace the blue river with a chocolate one', 'the blue river'],
    ['make the sky blue', 'the sky'],
    ['I want the dress to be red', 'the dress'],
    ['the river', 'the river'],
  ])('%s → %s', (intent, phrase) => {
    expect(targetPhrase(intent)).toBe(phrase);
  });
  it('names nothing for an empty or punctuation-only intent', () => {
    expect(targetPhrase('')).toBeUndefined();
    expect(targetPhrase(' ?! ')).toBeUndefined();
  });
  it('keeps the phrase short', () => {
    expect(targetPhrase('the tall old wooden house on the hill by the lake is wrong')?.split(' ').length).toBe(6);
  });
});
