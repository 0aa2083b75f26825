// Records every WebAssembly memory the process instantiates (Rapier, MuJoCo, onnxruntime-web), so that a bench can print
// their sizes. Import this before any engine is loaded (bench/run.ts imports it first): a memory made earlier is
// not seen. The module a memory belongs to is told by its export names.
const seen: { label: string; memory: WebAssembly.Memory }[] = [];

function labelOf(exports: WebAssembly.Exports): string {
  const names = Object.keys(exports);
  if (names.some((n) => n.startsWith('rawworld') || n.startsWith('rawrigidbody'))) return 'rapier';
  if (names.some((n) => /^_?Ort/.test(n))) return 'onnxruntime';
  if (names.includes('__getTypeName')) return 'mujoco'; // embind: the one Emscripten module with bindings here
  return `other (${names.slice(0, 3).join(', ')})`;
}

function add(label: string, v: unknown): void {
  if (v instanceof WebAssembly.Memory && !seen.some((s) => s.memory === v)) seen.push({ label, memory: v });
}

/** Exported memories (Rapier, MuJoCo) and imported ones (onnxruntime-web makes its shared memory itself). */
function record(instance: WebAssembly.Instance, imports: unknown): void {
  for (const v of Object.values(instance.exports)) add(labelOf(instance.exports), v);
  if (imports && typeof imports === 'object')
    for (const mod of Object.values(imports as Record<string, unknown>))
      if (mod && typeof mod === 'object') for (const v of Object.values(mod as Record<string, unknown>)) add('onnxruntime', v);
}

const original = WebAssembly.instantiate.bind(WebAssembly) as (...a: unknown[]) => Promise<unknown>;
(WebAssembly as { instantiate: unknown }).instantiate = async (...args: unknown[]) => {
  const out = await original(...args);
  record(out instanceof WebAssembly.Instance ? out : (out as { instance: WebAssembly.Instance }).instance, args[1]);
  return out;
};

/** Current size (MiB) of every WebAssembly memory made since this module loaded, by module. */
export function wasmMemoryMiB(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of seen) out[s.label] = (out[s.label] ?? 0) + s.memory.buffer.byteLength / 2 ** 20;
  return out;
}
