/**
 * Shipped policy profiles (policies/*.json) picked from the Drive panel for the loaded policy. "auto" (no pick,
 * or a pick made for another policy) configures the policy from its own files (metadata, deploy.yaml, a
 * dropped profile); a pick replaces any dropped profile. A pick that does not fit the file is a named error
 * from resolvePolicyConfig, and app.ts keeps the running driver.
 */
import { store, type AppState } from './store';

const files = import.meta.glob<string>('../../policies/*.json', { query: '?raw', import: 'default', eager: true });

export interface ShippedProfile {
  /** file name without .json, e.g. 'holosoma-wbt-g1' */
  id: string;
  /** 'policies/holosoma-wbt-g1.json' (messages, the Run box) */
  file: string;
  text: string;
}

export const shippedProfiles: readonly ShippedProfile[] = Object.entries(files)
  .map(([path, text]) => {
    const name = path.split('/').pop()!;
    return { id: name.replace(/\.json$/, ''), file: `policies/${name}`, text };
  })
  .sort((a, b) => a.id.localeCompare(b.id));

/** The profile picked for `policyId` in this state, or null (auto). */
export function pickedProfile(s: Pick<AppState, 'profilePick'>, policyId: string | null): ShippedProfile | null {
  const p = s.profilePick;
  if (!p || !policyId || p.policyId !== policyId) return null;
  return shippedProfiles.find((x) => x.id === p.profile) ?? null;
}

/** The select's value for the current policy: '' = auto. */
export const pickValue = (s: Pick<AppState, 'profilePick' | 'policyId'>): string => pickedProfile(s, s.policyId)?.id ?? '';

/** resolvePolicyConfig's profile inputs: the pick for this policy, else the profile dropped with it. */
export function profileOf(
  s: Pick<AppState, 'profilePick'>,
  policyId: string,
  dropped: { path: string; bytes: Uint8Array } | undefined,
): { profile?: string; profileFile?: string } {
  const pick = pickedProfile(s, policyId);
  if (pick) return { profile: pick.text, profileFile: pick.file };
  if (!dropped) return {};
  return { profile: new TextDecoder().decode(dropped.bytes), profileFile: dropped.path.split('/').pop() };
}

/** [policy id, picked profile id or '', start]: what a policy driver is built from */
type Choice = [string | null, string, AppState['startMode']];

/** The policy choice of a state, as a key (app.ts rebuilds the policy driver when it changes). */
export const policyChoice = (s: Pick<AppState, 'policyId' | 'profilePick' | 'startMode'>): string =>
  JSON.stringify([s.policyId, pickedProfile(s, s.policyId)?.id ?? '', s.startMode] satisfies Choice);

/**
 * A profile or start change of the running policy failed (a profile that does not fit the file...): put the
 * store's choice back to what the running driver was built from. False (nothing done) when the running driver
 * is not the same policy's.
 */
export function restoreChoice(running: string | null): boolean {
  if (!running) return false;
  const [id, profile, startMode] = JSON.parse(running) as Choice;
  if (id !== store.getState().policyId) return false;
  store.setState({ profilePick: profile && id ? { policyId: id, profile } : null, startMode });
  return true;
}
