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

/** A project of real-browser tests: one browser at a time, in the order `groupOrder` gives. */
function browserProject(name: string, include: string, groupOrder: number, env: Record<string, string> = {}): TestProjectInlineConfiguration {
  return {
    resolve: { alias },
    test: {
      name,
      include: [include],
      environment: 'node',
      env,
      globalSetup: ['tests/harness/global-setup.ts'],
      // One browser at a time: the machine has 2 cores and each test file launches a browser.
      // Different group orders keep the projects from running at the same time.
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

/** One real-Chromium project per inference backend; see tests/harness/README.md. */
function e2e(backend: 'webgpu' | 'wasm', groupOrder: number): TestProjectInlineConfiguration {
  return browserProject(`e2e-${backend}`, 'tests/e2e/**/*.e2e.ts', groupOrder, { E2E_BACKEND: backend });
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
          // Several "unit" tests start ONNX Runtime WASM sessions or serve and decode a >16 Mpx PNG
          // over real HTTP: 1-2 s alone, but past vitest's 5 s default on a 2-core runner with the
          // files running in parallel. A deadline, not a performance check (those live in the bench).
          testTimeout: 30_000,
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
      // The Firefox add-on (.output/firefox-mv3) in Debian's firefox-esr over WebDriver BiDi;
      // see tests/harness/firefox.ts. After the Chromium projects.
      browserProject('e2e-firefox', 'tests/e2e-firefox/**/*.e2e.ts', 3),
    ],
  },
});
