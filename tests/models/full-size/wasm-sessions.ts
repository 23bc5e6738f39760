/** ONNX Runtime sessions for the stand-ins' tests: WASM on one thread (as the offscreen document), released together. */
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;

export function wasmSessions(): { create(bytes: Uint8Array): Promise<ort.InferenceSession>; releaseAll(): Promise<void> } {
  const sessions: ort.InferenceSession[] = [];
  return {
    async create(bytes) {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      sessions.push(session);
      return session;
    },
    async releaseAll() {
      await Promise.all(sessions.splice(0).map((s) => s.release()));
    },
  };
}
