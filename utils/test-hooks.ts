/**
 * Test-only runtime flags: none in the product. The e2e build swaps this module for
 * tests/harness/e2e-test-hooks.ts (wxt.config.ts), where one test file turns a flag on.
 */
export interface TestRuntimeFlags {
  /** Try fp16 files on WebGPU even without shader-f16 (SwiftShader has none): tests/e2e/precision.e2e.ts. */
  fp16First?: true;
}

export async function testRuntimeFlags(): Promise<TestRuntimeFlags> {
  return {};
}
