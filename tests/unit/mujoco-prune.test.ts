// The MJCF MuJoCo compiles without its drawing-only geoms and meshes (src/core/physics/mujoco-prune.ts) is the
// same physical model: same bodies, joints, masses and inertias, and bit-identical trajectories, with contacts
// (feet on the floor, the arms swinging), in real MuJoCo-WASM.
import { readFileSync } from 'node:fs';
import type { MainModule, MjModel } from 'mujoco-js';
import { describe, expect, it } from 'vitest';
import { loadMujoco } from '../../src/core/physics/mujoco';
import { compileMjcf } from '../../src/core/physics/mujoco-fs';
import { pruneForPhysics } from '../../src/core/physics/mujoco-prune';
import { g1Source } from './physics-fixture';
import { trajectory, type Control } from './mujoco-fixture';

const OBJ_BODY = 1,
  OBJ_JOINT = 3;
type Arrays = Record<string, Float64Array | Int32Array>;
const arr = (m: MjModel, k: string) => Array.from((m as unknown as Arrays)[k]);

function names(mj: MainModule, m: MjModel, type: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => mj.mj_id2name(m, type as never, i) ?? '');
}

/** swinging PD-like torque on every motor. */
const swing: Control = (k, u, qpos) => 40 * Math.sin(0.02 * k + u) - 20 * qpos[7 + u];

describe('MuJoCo pruning of drawing-only geoms', () => {
  it('G1: 35 visual geoms and 11 meshes left out; same bodies, joints, inertias and trajectory', async () => {
    const src = g1Source();
    const cut = pruneForPhysics(src.xml, 'g1.xml');
    expect([cut.geoms, cut.meshes]).toEqual([35, 11]);
    expect(cut.xml).not.toMatch(/rubber_hand/); // the hands are drawn only (their collision twins do not exist)
    const mj = await loadMujoco();
    const full = compileMjcf(mj, src.xml, src.files, 'g1.xml');
    const pruned = compileMjcf(mj, cut.xml, src.files, 'g1.xml');
    expect(pruned.ngeom).toBe(full.ngeom - 35);
    expect(pruned.nmesh).toBe(full.nmesh - 11);
    for (const k of ['nbody', 'njnt', 'nq', 'nv', 'nu'] as const) expect(pruned[k]).toBe(full[k]);
    expect(names(mj, pruned, OBJ_BODY, pruned.nbody)).toEqual(names(mj, full, OBJ_BODY, full.nbody));
    expect(names(mj, pruned, OBJ_JOINT, pruned.njnt)).toEqual(names(mj, full, OBJ_JOINT, full.njnt));
    for (const k of ['body_mass', 'body_inertia', 'body_ipos', 'body_iquat', 'dof_armature', 'qpos0'])
      expect(arr(pruned, k)).toEqual(arr(full, k));
    const a = trajectory(mj, full, 300, swing),
      b = trajectory(mj, pruned, 300, swing);
    expect(a.some((s) => s[s.length - 1] > 0)).toBe(true); // it touched the floor
    expect(b).toEqual(a);
    full.delete();
    pruned.delete();
  }, 300_000); // ~8 s of CPU: two G1 compiles (the full one ~4 s); generous for a loaded machine

  it('keeps what counts: a massive non-colliding geom, a named one a sensor uses, opaque files', () => {
    const xml = (
      geoms: string,
      extra = '',
    ) => `<mujoco><default><default class="vis"><geom contype="0" conaffinity="0" density="0"/></default></default>
<worldbody><body name="a"><freejoint/>${geoms}</body></worldbody>${extra}</mujoco>`;
    // no <inertial>: a non-colliding geom with density carries mass, a class-made visual one does not
    const mass = pruneForPhysics(
      xml('<geom size="0.1"/><geom size="0.1" contype="0" conaffinity="0"/><geom class="vis" size="0.2"/>'),
      'x',
    );
    expect(mass.geoms).toBe(1);
    expect(mass.xml.match(/<geom /g)?.length).toBe(3 - 1 + 1); // 2 body geoms + the one in the default class
    const named = pruneForPhysics(
      xml('<geom size="0.1"/><geom name="v" class="vis" size="0.1"/>', '<sensor><framepos objtype="geom" objname="v"/></sensor>'),
      'x',
    );
    expect(named.geoms).toBe(0);
    const inc = pruneForPhysics(xml('<geom class="vis" size="0.1"/>', '<include file="more.xml"/>'), 'x');
    expect(inc).toEqual({ xml: xml('<geom class="vis" size="0.1"/>', '<include file="more.xml"/>'), geoms: 0, meshes: 0 });
  });

  it('T1 (classes, no density on its visuals): only the visual class is left out', () => {
    const t1 = readFileSync('../shared/assets/t1/t1_29dof.xml', 'utf8');
    const cut = pruneForPhysics(t1, 't1.xml');
    const body = t1.slice(t1.indexOf('<worldbody')); // the visual class's own line (in <default>) is no geom
    const visuals = (body.match(/<geom[^>]*contype="0" conaffinity="0"/g) ?? []).length;
    expect(cut.geoms).toBe(visuals);
    expect(cut.geoms).toBeGreaterThan(0);
    expect(cut.xml.match(/<geom /g)?.length).toBe((t1.match(/<geom /g) ?? []).length - visuals);
  });
});
