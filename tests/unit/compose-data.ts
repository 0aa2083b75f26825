// Test data for the composition tests: the shared dance clip read with a tiny local CSV reader
// (columns: root pos xyz, root quat xyzw, 29 joints in MJCF order) and synthetic clips.
import { readFileSync } from 'node:fs';
import type { MotionClip } from '../../src/core/motion/types';
import { qFromAxisAngle } from '../../src/core/math';
import { emptyClip, setFrame } from '../../src/core/motion/sample';

const G1 = '../shared/assets/g1/g1_29dof_rev_1_0.xml';
const CSV = '../shared/assets/policies/g1-dance-102/G1_Take_102.bvh_60hz.csv';

export function g1JointNames(): string[] {
  const xml = readFileSync(G1, 'utf8');
  return [...xml.matchAll(/<joint [^>]*name="([^"]+)"/g)].map((m) => m[1]).filter((n) => n !== 'floating_base_joint');
}

export function danceClip(): MotionClip {
  const names = g1JointNames();
  const rows = readFileSync(CSV, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
  const n = rows.length,
    nj = names.length;
  const c = emptyClip('dance', 60, names, n);
  rows.forEach((r, i) => setFrame(c, i, r.slice(0, 3), [r[6], r[3], r[4], r[5]], r.slice(7, 7 + nj)));
  return c;
}

/** A clip walking along its heading at `speed` m/s, heading `yaw`, joints = sin waves of given amplitude. */
export function walkClip(name: string, names: string[], seconds: number, speed: number, yaw: number, amp = 0.3): MotionClip {
  const fps = 50,
    n = Math.round(seconds * fps) + 1,
    nj = names.length;
  const c = emptyClip(name, fps, names, n);
  const q = qFromAxisAngle([0, 0, 1], yaw);
  for (let i = 0; i < n; i++) {
    const t = i / fps;
    c.rootPos.set([Math.cos(yaw) * speed * t + 0.3, Math.sin(yaw) * speed * t - 0.2, 0.78], i * 3);
    c.rootQuat.set(q, i * 4);
    for (let j = 0; j < nj; j++) c.jointPos[i * nj + j] = amp * Math.sin(2 * Math.PI * t + j);
  }
  return c;
}
