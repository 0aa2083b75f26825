// Test helper: capture the WebAssembly memories instantiated from now on in this process (an engine's WASM heap),
// so that a test can watch their size across create/free cycles. Call before the engine module is imported.
type Instantiate = (...a: unknown[]) => Promise<WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance>;

export function captureWasmMemories(): WebAssembly.Memory[] {
  const memories: WebAssembly.Memory[] = [];
  const original = WebAssembly.instantiate as Instantiate;
  (WebAssembly as { instantiate: unknown }).instantiate = async (...args: unknown[]) => {
    const result = await original(...args);
    const instance = 'instance' in result ? result.instance : result;
    for (const v of Object.values(instance.exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
    return result;
  };
  return memories;
}
