/**
 * Warm onnxruntime-web while the page is idle: its first session fetches and compiles a 28 MB wasm binary, which
 * a user's first policy would otherwise wait for. The one-node identity model is made a session and released; the
 * runtime stays initialised for the policies that follow.
 */
import { identityModel } from '../core/policy/identity-model';
import { ort } from './ort-setup';

/** Initialise the runtime now (errors are left to the first real policy, which reports them with its file). */
export async function warmOrt(): Promise<void> {
  try {
    const s = await ort.InferenceSession.create(identityModel());
    await s.release();
  } catch {
    /* the policy load that follows names the problem */
  }
}
