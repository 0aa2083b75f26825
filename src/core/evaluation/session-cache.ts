/**
 * The policy session kept between the batches of one process (an evaluation worker runs batch after batch of the
 * same policy). Creating a session costs 10–50 ms per batch: ORT loads the graph, and a graph whose batch is fixed
 * at 1 is rewritten, loaded again and probed (session.ts). A batch takes the idle session made from the same bytes
 * (the same array: workers keep a plan's policy once, transfer.ts) and the same session-relevant config (joint
 * names, reference outputs, recurrent state), and gives it back when it ends; at most one idle session is kept, so
 * memory stays flat. A session holds no episode state but its recurrent state, which is zeroed when it is taken.
 */
import type { PolicyConfig } from '../policy/config';
import { PolicySession } from '../policy/session';

interface Idle {
  bytes: Uint8Array;
  key: string;
  session: PolicySession;
}

/** What a session is made from besides the bytes (session.ts SessionConfig) and the file its messages name. */
const keyOf = (c: PolicyConfig, file: string): string =>
  JSON.stringify([file, c.jointNames, c.referenceOutputs ?? null, c.recurrent ?? null]);

let idle: Idle | null = null;

/** A session for these bytes and config: the idle one when it was made from the same, else a new one. */
export async function takeSession(bytes: Uint8Array, config: PolicyConfig, file: string): Promise<PolicySession> {
  const kept = idle;
  if (kept && kept.bytes === bytes && kept.key === keyOf(config, file)) {
    idle = null;
    kept.session.resetRecurrent();
    return kept.session;
  }
  return PolicySession.create(bytes, config, { file });
}

/** Keep the session for the next batch (releasing the one kept before). */
export async function giveBackSession(bytes: Uint8Array, config: PolicyConfig, file: string, session: PolicySession): Promise<void> {
  const old = idle;
  idle = { bytes, key: keyOf(config, file), session };
  if (old && old.session !== session) await old.session.release();
}

/** Release the idle session (tests, memory checks). */
export async function releaseIdleSession(): Promise<void> {
  const old = idle;
  idle = null;
  if (old) await old.session.release();
}
