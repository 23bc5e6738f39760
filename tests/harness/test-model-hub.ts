/**
 * For Node test files that load models over real HTTP: generates the test models into a fresh
 * folder, serves them from a local hub for the file's tests (faults and recorded requests reset
 * before each test), and removes both afterwards. ONNX Runtime's WASM runs on one thread, as in
 * the unisolated extension.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { generateTestModels } from '../models/generate';
import { startHub, type Hub } from './hub';

export function serveTestModels(): { readonly hub: Hub } {
  let root: string | undefined;
  let hub: Hub | undefined;
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    root = mkdtempSync(path.join(tmpdir(), 'inpaint-models-'));
    await generateTestModels(root);
    hub = await startHub({ root });
  });
  afterAll(async () => {
    await hub?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    hub?.clearFaults();
    hub?.clearRequests();
  });
  return {
    get hub(): Hub {
      if (!hub) throw new Error('The test model hub starts in beforeAll');
      return hub;
    },
  };
}
