import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// WXT's path aliases (srcDir is the repo root), without WXT's Vite plugin: unit tests run in plain
// Node and must not depend on the extension's browser globals.
const alias = [
  { find: /^@@\//, replacement: root },
  { find: /^~~\//, replacement: root },
  { find: /^@\//, replacement: root },
  { find: /^~\//, replacement: root },
];

/** One real-Chromium project per inference backend; see tests/harness/README.md. */
function e2e(backend: 'webgpu' | 'wasm', groupOrder: number): TestProjectInlineConfiguration {
  return {
    resolve: { alias },
    test: {
      name: `e2e-${backend}`,
      include: ['tests/e2e/**/*.e2e.ts'],
      environment: 'node',
      env: { E2E_BACKEND: backend },
      globalSetup: ['tests/harness/global-setup.ts'],
      // One browser at a time: the machine has 2 cores and each test file launches Chromium.
      // Different group orders keep the two e2e projects from running at the same time.
      sequence: { groupOrder },
      fileParallelism: false,
      pool: 'forks',
      maxWorkers: 1,
      testTimeout: 240_000,
      // A real browser on a loaded 2-core runner has rare input/IPC stalls that no product code
      // causes (CI once saw one test stall; it never reproduced here). One retry keeps CI honest
      // about real failures, which fail twice; every step names itself when it stalls (support.ts).
      retry: 1,
      hookTimeout: 180_000,
    },
  };
}

export default defineConfig({
  test: {
    teardownTimeout: 30_000,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'utils/**/*.test.ts',
            'models/**/*.test.ts',
            'entrypoints/**/*.test.ts',
            'components/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'tests/models/**/*.test.ts',
            'tests/harness/**/*.test.ts',
          ],
        },
      },
      {
        // Checks on the built extension (.output/chrome-mv3): sizes, shipped files, manifest.
        test: { name: 'build', environment: 'node', include: ['tests/build/**/*.test.ts'] },
      },
      e2e('webgpu', 1),
      e2e('wasm', 2),
      {
        // The Firefox add-on (.output/firefox-mv3) in Debian's firefox-esr over WebDriver BiDi;
        // see tests/harness/firefox.ts. After the Chromium projects, one browser at a time.
        resolve: { alias },
        test: {
          name: 'e2e-firefox',
          include: ['tests/e2e-firefox/**/*.e2e.ts'],
          environment: 'node',
          globalSetup: ['tests/harness/global-setup.ts'],
          sequence: { groupOrder: 3 },
          fileParallelism: false,
          pool: 'forks',
          maxWorkers: 1,
          testTimeout: 240_000,
          retry: 1,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
