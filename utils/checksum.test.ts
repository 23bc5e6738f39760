import { describe, expect, it } from 'vitest';
import { fnv1a } from './checksum';

describe('fnv1a', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a(new Uint8Array())).toBe('811c9dc5');
    expect(fnv1a(new TextEncoder().encode('a'))).toBe('e40c292c');
    expect(fnv1a(new TextEncoder().encode('foobar'))).toBe('bf9cf968');
  });
  it('changes when one pixel changes', () => {
    const mask = new Uint8Array(1024).fill(255);
    const other = mask.slice();
    other[500] = 0;
    expect(fnv1a(mask)).not.toBe(fnv1a(other));
  });
});
