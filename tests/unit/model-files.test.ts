/**
 * Large model files through the product's loader (models/hub.ts, models/loader.ts) and a local
 * hub: a UNet whose weights are ONNX external data loads from its two files and computes what the
 * one-file model computes; both files are size-checked and cached; downloads of a known size go
 * into one preallocated buffer.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEntry } from '../../models/hub';
import { fileProblem, memoryCache, Receiver } from '../../models/loader';
import type { RegistryEntry } from '../../models/registry';
import { externalizeWeights } from '../models/onnx-builder';
import { buildSdUnet } from '../models/sd';
import { SD_INPAINT_HIDDEN } from '../models/semantics';
import { hubCommit, startHub, type Hub } from '../harness/hub';

const REPO = 'test/external-data-unet';
const oneFile = buildSdUnet(true, SD_INPAINT_HIDDEN);
const { graph, data } = externalizeWeights(oneFile, 'model.onnx_data');

function entry(dataBytes = data.length): RegistryEntry {
  return {
    task: 'inpaint-diffusion',
    repo: REPO,
    revision: 'main',
    licence: 'test',
    configFiles: [],
    files: {
      unet: { base: 'unet/model', paths: { fp32: 'unet/model.onnx' }, bytes: { fp32: graph.length }, externalData: { fp32: { path: 'unet/model.onnx_data', bytes: dataBytes } } },
    },
    conventions: {},
  };
}

let root: string;
let hub: Hub;
beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  root = mkdtempSync(path.join(tmpdir(), 'inpaint-external-'));
  mkdirSync(path.join(root, REPO, 'unet'), { recursive: true });
  writeFileSync(path.join(root, REPO, 'unet/model.onnx'), graph);
  writeFileSync(path.join(root, REPO, 'unet/model.onnx_data'), data);
  hub = await startHub({ root });
});
afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

async function unetOutput(session: ort.InferenceSession): Promise<Float32Array> {
  const sample = Float32Array.from({ length: 9 * 4 }, (_, i) => Math.sin(i));
  const text = Float32Array.from({ length: 77 * SD_INPAINT_HIDDEN }, (_, i) => (i % 7 === 0 ? 1 : 0));
  const out = await session.run({
    sample: new ort.Tensor('float32', sample, [1, 9, 2, 2]),
    timestep: new ort.Tensor('int64', BigInt64Array.of(501n), [1]),
    encoder_hidden_states: new ort.Tensor('float32', text, [1, 77, SD_INPAINT_HIDDEN]),
  });
  return out['out_sample']!.data as Float32Array;
}

describe('model files', () => {
  it('loads a graph with external data from its two files and computes what the one-file model does; the second load is from the cache', async () => {
    expect(graph.length).toBeLessThan(data.length); // the weights really moved out of the graph
    const cache = memoryCache();
    const options = { host: hub.url, backend: 'wasm' as const, shaderF16: false, cache, registrySizes: true };
    hub.clearRequests();
    const model = await loadEntry('sdInpaint', entry(), options);
    // The entry follows `main`: the load asked once for its commit and read both files from it.
    const commit = hubCommit(REPO, 'main');
    expect(hub.requests.map((r) => r.path)).toEqual([`/api/models/${REPO}/revision/main`, `/${REPO}/resolve/${commit}/unet/model.onnx`, `/${REPO}/resolve/${commit}/unet/model.onnx_data`]);
    expect(model.files.map((f) => [f.path, f.bytes, f.fromCache])).toEqual([
      ['unet/model.onnx', graph.length, false],
      ['unet/model.onnx_data', data.length, false],
    ]);
    const reference = await ort.InferenceSession.create(oneFile);
    expect(Array.from(await unetOutput(model.sessions.unet))).toEqual(Array.from(await unetOutput(reference)));
    await reference.release();
    await model.sessions.unet.release();

    hub.clearRequests();
    const again = await loadEntry('sdInpaint', entry(), options);
    expect(again.files.every((f) => f.fromCache)).toBe(true);
    expect(hub.requests).toEqual([]);
    await again.sessions.unet.release();
  }, 30_000); // the file's first ONNX Runtime session: WASM start-up, seconds on a loaded machine

  it('takes a file past 2 GiB (an fp32 UNet\'s external data) by its exact size: WebCrypto cannot digest it, so the host\'s SHA-256 is not checked there', async () => {
    const bytes = new Uint8Array(2 ** 31 + 4099);
    const hostSha256 = 'ab'.repeat(32);
    expect(await fileProblem(bytes, { expected: { bytes: bytes.length, sha256: hostSha256 } })).toBeUndefined();
    expect(await fileProblem(bytes.subarray(0, bytes.length - 1), { expected: { bytes: bytes.length, sha256: hostSha256 } })).toBe(`it has ${bytes.length - 1} bytes, the registry expects ${bytes.length}`);
    // Up to the limit the hash is checked as before.
    const small = new Uint8Array(1024);
    expect(await fileProblem(small, { expected: { sha256: hostSha256 } })).toMatch(/^its SHA-256 is [0-9a-f]{64}, expected ab/);
    expect(await fileProblem(small, { expected: { sha256: createHash('sha256').update(small).digest('hex') } })).toBeUndefined();
  });

  it('refuses an external data file of the wrong size before caching it', async () => {
    const cache = memoryCache();
    const load = loadEntry('sdInpaint', entry(data.length + 1), { host: hub.url, backend: 'wasm', shaderF16: false, cache, registrySizes: true });
    await expect(load).rejects.toThrow(/model\.onnx_data is damaged: it has \d+ bytes, the registry expects/);
    expect(cache.urls().some((u) => u.endsWith('model.onnx_data'))).toBe(false);
  });

  it('receives a download of known size into one preallocated buffer, and copes when the size was wrong', () => {
    const known = new Receiver();
    known.expect(6);
    known.add(Uint8Array.of(1, 2, 3));
    known.add(Uint8Array.of(4, 5, 6));
    const bytes = known.bytes();
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(known.bytes()).toBe(bytes); // the buffer itself: no copy at the end

    const short = new Receiver();
    short.expect(4);
    for (const chunk of [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6)]) short.add(chunk);
    expect(Array.from(short.bytes())).toEqual([1, 2, 3, 4, 5, 6]);

    const bogus = new Receiver();
    bogus.expect(2 ** 53); // no ArrayBuffer that large: chunks instead
    bogus.add(Uint8Array.of(7));
    expect(Array.from(bogus.bytes())).toEqual([7]);
  });
});
