import { describe, expect, it } from 'vitest';
import { isOnThisMachine } from './privacy';

describe('never send pixels off this machine', () => {
  it('allows loopback servers only', () => {
    for (const url of ['http://127.0.0.1:7860', 'http://127.0.0.2:1/v1', 'http://localhost:7860', 'http://[::1]:7860']) expect(isOnThisMachine(url), url).toBe(true);
    for (const url of ['http://192.168.1.5:7860', 'http://10.0.0.1', 'https://api.openai.com/v1', 'http://127.0.0.1.example.com', 'not a url']) expect(isOnThisMachine(url), url).toBe(false);
  });
});
