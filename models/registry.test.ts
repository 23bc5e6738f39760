import { describe, expect, it } from 'vitest';
import { chooseDtype, DETECTOR_DTYPE_SUFFIX, detectorDtype, expectedWeight, LLM_DTYPE_SUFFIX, llmDtype, LOCAL_LLM, registry, resolveUrl, TEXT_DETECTOR, weightPath, type Dtype, type RegistryEntry } from './registry';
import { MODEL_FILES } from '../tests/models/semantics';

describe('model registry', () => {
  it('names files as transformers.js repos do per dtype', () => {
    const file = registry.sam.files.encoder;
    expect(weightPath(file, 'fp32')).toBe('onnx/vision_encoder.onnx');
    expect(weightPath(file, 'fp16')).toBe('onnx/vision_encoder_fp16.onnx');
    expect(weightPath(file, 'q8')).toBe('onnx/vision_encoder_quantized.onnx');
    expect(weightPath(registry.migan.files.pipeline, 'fp32')).toBe('migan_pipeline_v2.onnx');
  });
  it('falls back to a dtype the repo has', () => {
    expect(chooseDtype(registry.migan.files.pipeline, ['q8', 'fp16'])).toBe('fp32');
    expect(chooseDtype(registry.sam.files.decoder, ['q8', 'fp32'])).toBe('q8');
  });
  it('builds Hub download URLs for any host', () => {
    expect(resolveUrl('https://huggingface.co/', 'Xenova/clip-vit-base-patch32', 'main', 'onnx/text_model.onnx')).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model.onnx',
    );
  });
  it('gives every model a repo, a licence, byte sizes and its conventions', () => {
    for (const entry of Object.values(registry)) {
      expect(entry.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(entry.licence).not.toBe('');
      for (const file of Object.values(entry.files)) expect(Object.values<number>(file.bytes).every((b) => b > 0)).toBe(true);
      expect(Object.keys(entry.conventions).length).toBeGreaterThan(0);
    }
  });

  it('pins every entry to a commit, or says why it cannot', () => {
    const entries: Pick<RegistryEntry, 'repo' | 'revision' | 'unpinned'>[] = [...Object.values<RegistryEntry>(registry), LOCAL_LLM, TEXT_DETECTOR];
    for (const entry of entries) {
      if (/^[0-9a-f]{40}$/.test(entry.revision)) expect(entry.unpinned, entry.repo).toBeUndefined();
      else expect(entry.unpinned, `${entry.repo} is on ${entry.revision}`).toMatch(/\w/);
    }
  });
  it('marks every rounded size approximate, so only exact sizes are enforced', () => {
    for (const entry of Object.values<RegistryEntry>(registry)) {
      for (const file of Object.values(entry.files)) {
        for (const [dtype, bytes] of Object.entries(file.bytes) as [Dtype, number][]) {
          if (bytes % 100_000 === 0) expect(file.approximate, `${entry.repo} ${file.base} ${dtype}`).toContain(dtype);
          expect(expectedWeight(file, dtype).bytes).toBe(file.approximate?.includes(dtype) ? undefined : bytes);
        }
      }
    }
    expect(expectedWeight(registry.sam.files.encoder, 'q8')).toEqual({ bytes: 8_882_165, sha256: 'cce23c7b2e5d4f330932738fb67ba518e04b0d99ccdd1cccd22a7da4e01f2971' });
    expect(expectedWeight(registry.sam.files.encoder, 'fp16')).toEqual({ bytes: 12_170_657 });
    expect(expectedWeight(registry.clip.files.text, 'q8')).toEqual({});
  });
  it('every weight file resolves to a file the test hub serves, in the repo it is taken from (SD-Turbo borrows its VAE encoder)', () => {
    for (const entry of Object.values<RegistryEntry>(registry)) {
      for (const file of Object.values(entry.files)) {
        const served = MODEL_FILES[file.from?.repo ?? entry.repo] ?? [];
        for (const dtype of Object.keys(file.bytes) as Dtype[]) expect(served, `${entry.repo} ${file.base} ${dtype}`).toContain(weightPath(file, dtype));
      }
    }
    expect(MODEL_FILES[registry.sdTurbo.repo]).not.toContain('vae_encoder/model.onnx');
  });
  it('the local LLM: q4f16 on WebGPU with fp16, q4 on other WebGPU, q8 on WASM; every file it names is served by the test hub', () => {
    expect([llmDtype('webgpu', true), llmDtype('webgpu', false), llmDtype('wasm', false)]).toEqual(['q4f16', 'q4', 'q8']);
    const served = MODEL_FILES[LOCAL_LLM.repo] ?? [];
    for (const file of LOCAL_LLM.configFiles) expect(served).toContain(file);
    for (const dtype of Object.keys(LOCAL_LLM.bytes) as (keyof typeof LOCAL_LLM.bytes)[]) {
      expect(served).toContain(`onnx/model${LLM_DTYPE_SUFFIX[dtype]}.onnx`);
      expect(LOCAL_LLM.bytes[dtype]).toBeGreaterThan(100_000_000);
    }
  });
  it('the text detector: fp16 on WebGPU with fp16, fp32 on other WebGPU, q8 on WASM; every file it names is served by the test hub', () => {
    expect([detectorDtype('webgpu', true), detectorDtype('webgpu', false), detectorDtype('wasm', false)]).toEqual(['fp16', 'fp32', 'q8']);
    const served = MODEL_FILES[TEXT_DETECTOR.repo] ?? [];
    for (const file of TEXT_DETECTOR.configFiles) expect(served).toContain(file);
    for (const dtype of Object.keys(TEXT_DETECTOR.bytes) as (keyof typeof TEXT_DETECTOR.bytes)[]) {
      expect(served).toContain(`onnx/model${DETECTOR_DTYPE_SUFFIX[dtype]}.onnx`);
      expect(TEXT_DETECTOR.bytes[dtype]).toBeGreaterThan(100_000_000);
    }
  });
});
