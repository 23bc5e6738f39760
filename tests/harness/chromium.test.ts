import { describe, expect, it } from 'vitest';
import { findChromium } from './chromium.ts';

describe('findChromium', () => {
  it('prefers CHROME_PATH when it is an executable file', () => {
    expect(findChromium({ env: { CHROME_PATH: process.execPath }, allowInstall: false })).toBe(process.execPath);
  });

  it('rejects a CHROME_PATH that is not executable, in one line', () => {
    expect(() => findChromium({ env: { CHROME_PATH: '/nonexistent/chrome' }, allowInstall: false })).toThrow(/^CHROME_PATH=\/nonexistent\/chrome .*apt-get install chromium[^\n]*$/);
  });

  it('takes the first candidate that exists, else says what to install in one line', () => {
    expect(findChromium({ env: {}, candidates: ['/nonexistent/a', process.execPath], allowInstall: false })).toBe(process.execPath);
    expect(() => findChromium({ env: {}, candidates: ['/nonexistent/a'], allowInstall: false })).toThrow(/^No Chromium found at \/nonexistent\/a: install Chromium \(`apt-get install chromium`\) or set CHROME_PATH[^\n]*$/);
  });
});
