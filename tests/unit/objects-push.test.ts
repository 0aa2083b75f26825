// Must-show: the built-in humanoid (built-in controller, assist 1) pushes a ball along a reference that
// carries the ball; the object error is reported (metrics/objects.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ObjectMetrics } from '../../src/core/evaluation/metrics/objects';
import { loadRobot } from '../../src/core/model';
import { parseMotionCsv } from '../../src/core/motion/csv';
import { ReferenceTrack } from '../../src/core/motion/reference';
import { HUMANOID29_KICK, pushDemo } from '../../src/core/physics/objects-demo';
import { createMujocoEngine } from '../../src/core/physics/mujoco';
import { createRapierEngine } from '../../src/core/physics/rapier';
import { BuiltinController } from '../../src/core/policy/builtin';

const model = loadRobot('humanoid29.xml', readFileSync('public/robots/humanoid29.xml', 'utf8'));
const names = model.joints.map((j) => j.name);
const stand = parseMotionCsv(readFileSync('motions/stand_idle_50hz.csv', 'utf8'), 'stand_idle_50hz.csv', names, 50);
const demo = pushDemo(model, stand, HUMANOID29_KICK);

const moved: Record<string, number> = {};

describe('the built-in humanoid kicks a ball along a reference that carries it', () => {
  for (const [name, make] of [
    ['rapier', createRapierEngine],
    ['mujoco', createMujocoEngine],
  ] as const) {
    test(
      name,
      async () => {
        const engine = await make(model, { objects: [demo.ball] });
        const track = new ReferenceTrack(model, demo.clip, 0.02);
        const ctl = new BuiltinController({ model, engine, track, assist: 1, decimation: 4 });
        ctl.reset();
        const m = new ObjectMetrics(1);
        const ref = demo.clip.objects![0];
        const x0 = engine.objects!.pos[0];
        const foot = model.bodyIndex.get('right_ankle_roll_link')!;
        let touched = 0;
        for (let s = 0; s < track.nSteps - 1; s++) {
          ctl.step();
          const f = Math.min(s + 1, demo.clip.nFrames - 1);
          m.add(engine.objects!, ref.pos.subarray(f * 3, f * 3 + 3), ref.quat.subarray(f * 4, f * 4 + 4), null, 0);
          touched += engine.objects!.contact[foot];
        }
        const dx = engine.objects!.pos[0] - x0;
        const refMoved = ref.pos[(demo.clip.nFrames - 1) * 3] - ref.pos[0];
        const r = m.result(0);
        console.log(
          `${name}: ball moved ${dx.toFixed(3)} m (reference ${refMoved.toFixed(3)}), foot contact steps ${touched}, object error ${r.metrics.object_pos_err_m} m`,
        );
        engine.free();
        // measured: Rapier 3.79 m, MuJoCo 3.68 m (reference 1.09 m: the strike model under-predicts); error ≈ 0.85 m
        expect(touched).toBeGreaterThan(0);
        expect(dx).toBeGreaterThan(1);
        expect(Math.abs(engine.objects!.pos[1] - demo.ball.pos[1])).toBeLessThan(0.5 * dx);
        expect(r.metrics.object_pos_err_m).toBeGreaterThan(0);
        expect(r.metrics.object_pos_err_m).toBeLessThan(2);
        moved[name] = dx;
        if (moved.rapier && moved.mujoco) expect(Math.abs(moved.rapier - moved.mujoco) / moved.mujoco).toBeLessThan(0.15);
      },
      60000,
    );
  }
});
