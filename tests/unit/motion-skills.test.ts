import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forwardKinematics, loadRobot, mjcfKeyframes } from '../../src/core/model';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { contactPoints, lowestZ } from '../../src/core/model/feet';
import { ReferenceTrack } from '../../src/core/motion/reference';

const ROBOT = 'public/robots/humanoid29.xml';
const text = readFileSync(ROBOT, 'utf8');
const model = loadRobot('humanoid29.xml', text);
const stand = mjcfKeyframes(text, ROBOT)
  .find((k) => k.name === 'stand')!
  .qpos.slice(7);
const names = model.joints.map((j) => j.name);
const index = JSON.parse(readFileSync('motions/index.json', 'utf8')) as {
  clips: { name: string; file: string; fps: number; duration: number; description: string }[];
};
const REQUIRED = ['stand_idle', 'wave', 'squat', 'march_in_place', 'arm_circles', 'bow', 'turn_in_place', 'side_step'];

describe('built-in skills', () => {
  it('index.json lists at least the eight required skills, each with a file and a description', () => {
    expect(index.clips.length).toBeGreaterThanOrEqual(8);
    for (const n of REQUIRED) expect(index.clips.map((c) => c.name)).toContain(n);
    for (const c of index.clips) {
      expect(existsSync(`motions/${c.file}`), c.file).toBe(true);
      expect([50, 60]).toContain(c.fps);
      expect(c.description.length).toBeGreaterThan(10);
    }
  });
  const feet = ['left_ankle_roll_link', 'right_ankle_roll_link'].map((n) => model.bodyIndex.get(n)!);
  const pts = feet.map((b) => contactPoints(model, b));
  it.each(index.clips.map((c) => [c.name, c] as const))(
    '%s: loads, limits, feet on the ground, starts/ends at stand, smooth',
    (_, entry) => {
      const clip = parseMotionCsv(readFileSync(`motions/${entry.file}`, 'utf8'), entry.file, names, entry.fps);
      const nj = names.length,
        n = clip.nFrames;
      expect((n - 1) / clip.fps).toBeCloseTo(entry.duration, 2);
      expect(entry.duration).toBeGreaterThanOrEqual(2);
      expect(entry.duration).toBeLessThanOrEqual(8);
      const outside: string[] = [];
      for (let f = 0; f < n; f++)
        for (let j = 0; j < nj; j++) {
          const [lo, hi] = model.joints[j].range!;
          const v = clip.jointPos[f * nj + j];
          if (!(v >= lo - 1e-5 && v <= hi + 1e-5)) outside.push(`${names[j]} frame ${f}: ${v}`);
        }
      expect(outside).toEqual([]);
      for (const f of [0, n - 1]) {
        const worst = Math.max(...names.map((_, j) => Math.abs(clip.jointPos[f * nj + j] - stand[j])));
        expect(worst, `frame ${f} vs stand`).toBeLessThan(0.1);
      }
      const nb = model.bodies.length,
        P = new Float64Array(nb * 3),
        Q = new Float64Array(nb * 4);
      let prev: number[][] | null = null,
        planted = 0;
      for (let f = 0; f < n; f++) {
        forwardKinematics(model, clip.rootPos.subarray(f * 3), clip.rootQuat.subarray(f * 4), clip.jointPos.subarray(f * nj), P, Q);
        const cur = feet.map((b, i) => [P[b * 3], P[b * 3 + 1], lowestZ(pts[i], P.subarray(b * 3), Q.subarray(b * 4))]);
        const low = Math.min(cur[0][2], cur[1][2]);
        expect(low, `frame ${f}: a foot below the ground`).toBeGreaterThanOrEqual(-0.005);
        expect(low, `frame ${f}: no foot on the ground`).toBeLessThan(0.005);
        // a foot on the ground in consecutive frames does not slide
        if (prev)
          cur.forEach((c, i) => {
            if (c[2] < 0.002 && prev![i][2] < 0.002) {
              expect(Math.hypot(c[0] - prev![i][0], c[1] - prev![i][1]), `frame ${f} foot ${i} slides`).toBeLessThan(0.002);
              planted++;
            }
          });
        prev = cur;
      }
      expect(planted).toBeGreaterThan(n / 2);
      // smooth: joint speeds and accelerations stay moderate
      const track = new ReferenceTrack(model, clip, 1 / clip.fps);
      let vmax = 0,
        amax = 0;
      for (let s = 1; s < track.nSteps; s++)
        for (let j = 0; j < nj; j++) {
          vmax = Math.max(vmax, Math.abs(track.jointVel[s * nj + j]));
          amax = Math.max(amax, Math.abs(track.jointVel[s * nj + j] - track.jointVel[(s - 1) * nj + j]) * clip.fps);
        }
      expect(vmax).toBeLessThan(6);
      expect(amax).toBeLessThan(60);
    },
  );
});
