import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { errorReply, FromInferenceWorker, MAX_FETCHED_SVG_BYTES, messages, OVERLAY_MESSAGES, parseRequest, ProtocolError, ToInferenceWorker, unwrapReply } from './protocol';

describe('message protocol', () => {
  it('accepts a valid request and rejects a malformed one with the field named', () => {
    expect(parseRequest('sam.decode', { embedding: 'e1', points: [{ x: 1, y: 2, label: 1 }] }).points).toHaveLength(1);
    expect(() => parseRequest('sam.decode', { embedding: 'e1', points: [{ x: 'a', y: 2, label: 1 }] })).toThrow(ProtocolError);
    expect(() => parseRequest('sam.decode', { embedding: 'e1', points: [] })).toThrow(/sam.decode/);
    expect(() => parseRequest('sam.encode', { image: '../../etc' })).toThrow(ProtocolError);
  });
  it('never lets numbers arrays through where a store key is expected', () => {
    expect(() => parseRequest('inpaint.start', { image: [1, 2, 3], mask: 'mask:1', backend: 'local', prompt: 'x', n: 1 })).toThrow(ProtocolError);
  });
  it('unwraps replies and surfaces errors', () => {
    expect(unwrapReply('inpaint.cancel', { ok: true, value: { cancelled: true } })).toEqual({ cancelled: true });
    expect(() => unwrapReply('inpaint.cancel', errorReply(new Error('boom')))).toThrow('boom');
    expect(() => unwrapReply('inpaint.cancel', undefined)).toThrow(/nobody answered/);
    expect(() => unwrapReply('inpaint.cancel', { ok: true, value: { cancelled: 'yes' } })).toThrow(ProtocolError);
  });
  it('routes every message to one known destination', () => {
    for (const spec of Object.values(messages)) expect(['offscreen', 'background', 'content']).toContain(spec.to);
  });
});

// ---- fetched images of unusual kinds (issue #13) ----
describe('image.fetch and image.downscale', () => {
  const reply = (value: unknown) => ({ ok: true, value });

  it('answers a stored raster with its size and whether it is animated, never a zero size', () => {
    expect(unwrapReply('image.fetch', reply({ read: true, image: 'image:1', width: 4200, height: 4200, animated: false }))).toMatchObject({ read: true, width: 4200 });
    expect(() => unwrapReply('image.fetch', reply({ read: true, image: 'image:1', width: 0, height: 0, animated: false }))).toThrow(ProtocolError);
  });

  it('hands back only an SVG data: URL within 4 MB for the overlay to rasterise', () => {
    const svg = (bytes: number) => `data:image/svg+xml;base64,${'A'.repeat(Math.ceil(bytes / 3) * 4)}`;
    expect(unwrapReply('image.fetch', reply({ read: 'vector', dataUrl: svg(MAX_FETCHED_SVG_BYTES) }))).toMatchObject({ read: 'vector' });
    expect(() => unwrapReply('image.fetch', reply({ read: 'vector', dataUrl: svg(MAX_FETCHED_SVG_BYTES + 3) }))).toThrow(ProtocolError);
    expect(() => unwrapReply('image.fetch', reply({ read: 'vector', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }))).toThrow(ProtocolError);
  });

  it('lets an overlay frame (with its nonce) ask for a downscale by store key only', () => {
    expect(OVERLAY_MESSAGES.has('image.downscale')).toBe(true);
    expect(parseRequest('image.downscale', { image: 'image:1' })).toEqual({ image: 'image:1' });
    expect(() => parseRequest('image.downscale', { image: '../x/y' })).toThrow(ProtocolError);
  });
});

// ---- editor (issue #6) ----
describe('content.replace-image', () => {
  const ok = { pageUrl: 'https://gen.example/feed', srcUrl: 'https://cdn.example/river.png', blobUrl: 'blob:chrome-extension://abcdefghijklmnop/0b1e4c2a-5d6f-4a8b-9c0d-1e2f3a4b5c6d' };

  it('accepts a blob: URL of an extension origin', () => {
    expect(parseRequest('content.replace-image', ok)).toEqual(ok);
    expect(parseRequest('content.replace-image', { ...ok, srcUrl: undefined, blobUrl: 'blob:moz-extension://0a1b2c3d-aaaa/1234-abcd' }).srcUrl).toBeUndefined();
  });

  it('refuses pixels from anywhere else: page blobs, data: and http URLs, javascript:', () => {
    for (const blobUrl of ['blob:https://evil.example/1234', 'data:image/png;base64,AAAA', 'https://evil.example/x.png', 'javascript:alert(1)', 'blob:chrome-extension://abc/../x']) {
      expect(() => parseRequest('content.replace-image', { ...ok, blobUrl })).toThrow(ProtocolError);
    }
  });
});

// ---- inference worker port (issue #12) ----
describe('inference worker port', () => {
  const envelope = { to: 'offscreen-doc', type: 'sam.decode', payload: { embedding: 'e1', points: [{ x: 1, y: 2, label: 1 }] } };

  it('carries a request with its sender, and only a well-formed one', () => {
    const request = { kind: 'request', id: 1, envelope, sender: { id: 'ext', url: 'chrome-extension://ext/sidepanel.html' } };
    expect(v.parse(ToInferenceWorker, request)).toEqual(request);
    expect(v.safeParse(ToInferenceWorker, { ...request, envelope: { ...envelope, to: 'elsewhere' } }).success).toBe(false);
    expect(v.safeParse(ToInferenceWorker, { ...request, id: '1' }).success).toBe(false);
  });
  it('tells the worker whether interactive work is busy, as a boolean only', () => {
    expect(v.parse(ToInferenceWorker, { kind: 'interaction', busy: true })).toEqual({ kind: 'interaction', busy: true });
    expect(v.safeParse(ToInferenceWorker, { kind: 'interaction', busy: 'yes' }).success).toBe(false);
    expect(v.safeParse(ToInferenceWorker, { kind: 'interaction' }).success).toBe(false);
  });
  it('takes replies, requests and events from the worker, nothing else', () => {
    expect(v.safeParse(FromInferenceWorker, { kind: 'reply', id: 1, reply: errorReply(new Error('boom')) }).success).toBe(true);
    expect(v.safeParse(FromInferenceWorker, { kind: 'send', id: 2, message: { to: 'background', type: 'settings.runtime', payload: {} } }).success).toBe(true);
    expect(v.safeParse(FromInferenceWorker, { kind: 'send', id: 3, message: { event: 'job.progress', payload: {} } }).success).toBe(true);
    expect(v.safeParse(FromInferenceWorker, { kind: 'send', id: 4, message: 'settings' }).success).toBe(false);
    expect(v.safeParse(FromInferenceWorker, { kind: 'reply', id: 5, reply: { ok: 'yes' } }).success).toBe(false);
    expect(v.safeParse(FromInferenceWorker, { kind: 'eval', code: '1' }).success).toBe(false);
  });
});
