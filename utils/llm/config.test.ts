import { describe, expect, it } from 'vitest';
import { clampTimeoutSeconds, effectiveBaseUrl, hostPermissionPattern, isInsecureRemote, isLocalHost, mayAttachCrop, normaliseBaseUrl, OPENAI_BASE_URL, originOf } from './config';

describe('LLM provider config', () => {
  it('normalises base URLs: http(s), no trailing slash, /v1 for a bare origin', () => {
    expect(normaliseBaseUrl(' http://localhost:11434 ')).toBe('http://localhost:11434/v1');
    expect(normaliseBaseUrl('http://localhost:1234/v1/')).toBe('http://localhost:1234/v1');
    expect(normaliseBaseUrl('https://openrouter.ai/api/v1')).toBe('https://openrouter.ai/api/v1');
    for (const bad of ['', 'localhost:11434', 'ftp://x/v1', 'https://user:pw@x/v1', 'https://x/v1?key=1', 'javascript:alert(1)']) {
      expect(normaliseBaseUrl(bad), bad).toBeUndefined();
    }
  });

  it('knows which server each provider talks to', () => {
    expect(effectiveBaseUrl('openai', 'http://ignored')).toBe(OPENAI_BASE_URL);
    expect(effectiveBaseUrl('openai-compatible', 'http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000/v1');
    expect(effectiveBaseUrl('openai-compatible', 'nope')).toBeUndefined();
    expect(effectiveBaseUrl('none', 'http://x')).toBeUndefined();
    expect(effectiveBaseUrl('chrome', 'http://x')).toBeUndefined();
  });

  it('builds the host permission pattern (with the port for Chrome, without for Firefox)', () => {
    expect(hostPermissionPattern('http://localhost:11434/v1')).toBe('http://localhost:11434/*');
    expect(hostPermissionPattern('http://localhost:11434/v1', { withPort: false })).toBe('http://localhost/*');
    expect(hostPermissionPattern('https://api.openai.com/v1')).toBe('https://api.openai.com/*');
    expect(hostPermissionPattern('file:///x')).toBeUndefined();
    expect(originOf('https://api.openai.com/v1/models')).toBe('https://api.openai.com');
  });

  it('flags plain http to the internet', () => {
    expect(isLocalHost('http://127.0.0.1:1/v1')).toBe(true);
    expect(isLocalHost('http://192.168.1.5/v1')).toBe(true);
    expect(isLocalHost('http://gpu-box.local/v1')).toBe(true);
    expect(isInsecureRemote('http://example.com/v1')).toBe(true);
    expect(isInsecureRemote('https://example.com/v1')).toBe(false);
    expect(isInsecureRemote('http://localhost:11434/v1')).toBe(false);
  });

  it('clamps the timeout', () => {
    expect(clampTimeoutSeconds(0)).toBe(1);
    expect(clampTimeoutSeconds(5000)).toBe(600);
    expect(clampTimeoutSeconds(Number.NaN)).toBe(60);
  });

  it('attaches the crop only when allowed for the LLM and the privacy switch lets pixels reach that server', () => {
    const remote = 'https://api.openai.com/v1';
    const local = 'http://localhost:11434/v1';
    expect(mayAttachCrop(remote, { sendPixels: true, neverSendPixels: false })).toBe(true);
    expect(mayAttachCrop(remote, { sendPixels: true, neverSendPixels: true })).toBe(false);
    expect(mayAttachCrop('http://192.168.1.5:11434/v1', { sendPixels: true, neverSendPixels: true })).toBe(false);
    expect(mayAttachCrop(local, { sendPixels: true, neverSendPixels: true })).toBe(true);
    expect(mayAttachCrop(local, { sendPixels: false, neverSendPixels: false })).toBe(false);
  });
});
