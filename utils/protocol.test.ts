import { describe, expect, it } from 'vitest';
import { errorReply, messages, parseRequest, ProtocolError, unwrapReply } from './protocol';

describe('message protocol', () => {
  it('accepts a valid request and rejects a malformed one with the field named', () => {
    expect(parseRequest('sam.decode', { embedding: 'e1', points: [{ x: 1, y: 2, label: 1 }] }).points).toHaveLength(1);
    expect(() => parseRequest('sam.decode', { embedding: 'e1', points: [{ x: 'a', y: 2, label: 1 }] })).toThrow(ProtocolError);
    expect(() => parseRequest('sam.decode', { embedding: 'e1', points: [] })).toThrow(/sam.decode/);
    expect(() => parseRequest('clip.score', { image: '../../etc', texts: ['a'] })).toThrow(ProtocolError);
  });
  it('never lets numbers arrays through where a store key is expected', () => {
    expect(() => parseRequest('fill.run', { image: [1, 2, 3], mask: 'mask:1' })).toThrow(ProtocolError);
  });
  it('unwraps replies and surfaces errors', () => {
    expect(unwrapReply('offscreen.ping', { ok: true, value: { ready: true } })).toEqual({ ready: true });
    expect(() => unwrapReply('offscreen.ping', errorReply(new Error('boom')))).toThrow('boom');
    expect(() => unwrapReply('offscreen.ping', undefined)).toThrow(/nobody answered/);
    expect(() => unwrapReply('offscreen.ping', { ok: true, value: { ready: 'yes' } })).toThrow(ProtocolError);
  });
  it('routes every message to one known destination', () => {
    for (const spec of Object.values(messages)) expect(['offscreen', 'background', 'content']).toContain(spec.to);
  });
});
