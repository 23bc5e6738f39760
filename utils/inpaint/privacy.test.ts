import { describe, expect, it } from 'vitest';
import { isOnThisMachine, mayReceivePixels } from './privacy';

describe('never send pixels off this machine', () => {
  it('allows loopback servers only', () => {
    for (const url of ['http://127.0.0.1:7860', 'http://127.0.0.2:1/v1', 'http://localhost:7860', 'http://[::1]:7860']) expect(isOnThisMachine(url), url).toBe(true);
    for (const url of ['http://192.168.1.5:7860', 'http://10.0.0.1', 'https://api.openai.com/v1', 'http://127.0.0.1.example.com', 'not a url']) expect(isOnThisMachine(url), url).toBe(false);
  });

  it('lets pixels go anywhere with the switch off, and only to this machine with it on', () => {
    expect(mayReceivePixels('https://api.openai.com/v1', false)).toBe(true);
    expect(mayReceivePixels('https://api.openai.com/v1', true)).toBe(false);
    expect(mayReceivePixels('http://192.168.1.5:11434/v1', true)).toBe(false);
    expect(mayReceivePixels('http://localhost:11434/v1', true)).toBe(true);
    expect(mayReceivePixels('not a url', true)).toBe(false);
  });
});
