import { describe, expect, it } from 'vitest';
import { needsSquare, openAiEditSize, sizeParam } from './openai-size';

describe('OpenAI edit sizes', () => {
  it('dall-e-2: the smallest accepted square that holds the crop, 1024 at most', () => {
    expect(sizeParam(openAiEditSize('dall-e-2', { width: 200, height: 120 }))).toBe('256x256');
    expect(sizeParam(openAiEditSize('dall-e-2', { width: 300, height: 300 }))).toBe('512x512');
    expect(sizeParam(openAiEditSize('dall-e-2', { width: 700, height: 512 }))).toBe('1024x1024');
    expect(sizeParam(openAiEditSize('dall-e-2', { width: 3000, height: 3000 }))).toBe('1024x1024');
    expect(needsSquare('dall-e-2')).toBe(true);
  });
  it('gpt-image-1: the accepted size whose aspect ratio is closest to the crop', () => {
    expect(sizeParam(openAiEditSize('gpt-image-1', { width: 512, height: 500 }))).toBe('1024x1024');
    expect(sizeParam(openAiEditSize('gpt-image-1', { width: 512, height: 256 }))).toBe('1536x1024');
    expect(sizeParam(openAiEditSize('gpt-image-1', { width: 300, height: 600 }))).toBe('1024x1536');
    // 1.22:1 is nearer 1:1 than 1.5:1 in log space (0.20 vs 0.21).
    expect(sizeParam(openAiEditSize('gpt-image-1', { width: 122, height: 100 }))).toBe('1024x1024');
    expect(sizeParam(openAiEditSize('gpt-image-1', { width: 124, height: 100 }))).toBe('1536x1024');
    expect(needsSquare('gpt-image-1')).toBe(false);
  });
});
