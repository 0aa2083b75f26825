/**
 * Warm onnxruntime-web when the user shows they are about to load files: its first session fetches and compiles a
 * 14 MB wasm binary (1.3-1.6 s here; 3 s with the 28 MB build that has the WebGPU EP), which a first policy would
 * otherwise wait for. Pages that only look at the defaults or at clips never pay it. Signs of intent: files dragged
 * over the page (the drop follows), or a file picker opened (the user takes seconds to pick). The one-node identity
 * model is made a session and released; the runtime stays initialised for the policies that follow.
 */
import { warmOrt as warmRuntime } from '../core/policy/identity-model';
import { ort } from './ort-setup';

let warming: Promise<void> | null = null;
let state: 'not started' | 'warming' | 'done' = 'not started';
/** where the warm-up is (read by the debugging hook) */
export const ortWarmState = (): typeof state => state;

/** Initialise the runtime now, once (errors are left to the first real policy, which reports them with its file). */
export function warmOrt(runtime: () => Promise<void> = () => warmRuntime(ort)): Promise<void> {
  return (warming ??= (async () => {
    state = 'warming';
    try {
      await runtime();
    } catch {
      /* the policy load that follows names the problem */
    }
    state = 'done';
  })());
}

/** Start the warm-up at the first files dragged over the page or the first file picker opened. */
export function warmOrtOnIntent(target: Window = window, runtime?: () => Promise<void>): void {
  const go = () => {
    target.removeEventListener('dragenter', go, true);
    target.document.removeEventListener('click', onClick, true);
    void warmOrt(runtime);
  };
  const onClick = (e: Event) => {
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') go();
  };
  target.addEventListener('dragenter', go, true);
  target.document.addEventListener('click', onClick, true); // a picker button clicks its hidden input
}
