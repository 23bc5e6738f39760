import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline';

describe('withDeadline', () => {
  it('passes on what settles in time, value or error', async () => {
    await expect(withDeadline(Promise.resolve(7), 50, 'late')).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('broken')), 50, 'late')).rejects.toThrow('broken');
  });
  it('rejects with the message when nothing comes', async () => {
    await expect(withDeadline(new Promise(() => undefined), 20, 'nobody answered')).rejects.toThrow('nobody answered');
  });
});
