import { describe, expect, it } from 'vitest';
import { normaliseModelHost } from './model-host';

describe('normaliseModelHost', () => {
  it('accepts http(s) hosts with an optional path and drops trailing slashes', () => {
    expect(normaliseModelHost(' https://huggingface.co/ ')).toBe('https://huggingface.co');
    expect(normaliseModelHost('http://127.0.0.1:8080/mirror/')).toBe('http://127.0.0.1:8080/mirror');
  });
  it('refuses other schemes, credentials, queries and garbage', () => {
    for (const bad of ['ftp://x', 'javascript:alert(1)', 'https://u:p@host', 'https://h/?q=1', 'not a url']) {
      expect(normaliseModelHost(bad)).toBeUndefined();
    }
  });
});
