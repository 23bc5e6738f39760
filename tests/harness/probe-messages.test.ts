import { describe, expect, it } from 'vitest';
import { messages } from '../../utils/protocol';
import { PROBE_TYPES } from './probe-messages';

describe('e2e test probes', () => {
  it('never shadow a product message (the e2e build merges them into the protocol table)', () => {
    // In Node the product's stand-in is in place: the table holds the product's messages only.
    expect(PROBE_TYPES.filter((type) => Object.hasOwn(messages, type))).toEqual([]);
  });
});
