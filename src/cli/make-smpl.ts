/**
 * Generates public/robots/smpl24-hinge.xml and smpl24-ball.xml: our own SMPL-proportioned character (issue 16),
 * 24 bodies with the SMPL joint names used by PHC / ProtoMotions' SMPL humanoid (Pelvis, L_Hip … R_Hand), each
 * non-root body on three hinges "<body>_x/_y/_z" about its x, y, z axes (69 DoF), or on one ball joint "<body>"
 * (23 balls). Rest pose = T-pose, z up, x forward. Proportions, radii and masses are our own round figures for a
 * 1.7 m adult (capsule limbs of density 1000 kg/m³); armatures set the built-in controller's gains. The hinges
 * are unlimited like the balls: a ±3.1 range limited nothing a ball does not, and cost Rapier ~20% per step
 * (one limit row per hinge in every solver iteration; bench/character.bench.ts).
 *
 *   npx tsx src/cli/make-smpl.ts [outDir]
 */
import { writeFileSync } from 'node:fs';
import { isEntry } from './entry';

type V = [number, number, number];
interface Part {
  name: string;
  parent: string | null;
  /** offset from the parent's joint, m */
  pos: V;
  /** capsule from the joint to this point (body frame) and its radius; or a box [hx, hy, hz] at `box` */
  to?: V;
  r?: number;
  box?: { at: V; half: V };
  armature: number;
}

const mirror = (p: Part): Part => ({
  ...p,
  name: p.name.replace(/^L_/, 'R_'),
  parent: p.parent && p.parent.replace(/^L_/, 'R_'),
  pos: [p.pos[0], -p.pos[1], p.pos[2]],
  ...(p.to ? { to: [p.to[0], -p.to[1], p.to[2]] as V } : {}),
  ...(p.box ? { box: { at: [p.box.at[0], -p.box.at[1], p.box.at[2]] as V, half: p.box.half } } : {}),
});

const LEFT: Part[] = [
  { name: 'L_Hip', parent: 'Pelvis', pos: [-0.01, 0.07, -0.09], to: [0, 0.01, -0.38], r: 0.06, armature: 0.05 },
  { name: 'L_Knee', parent: 'L_Hip', pos: [0, 0.01, -0.38], to: [-0.01, 0, -0.4], r: 0.05, armature: 0.05 },
  {
    name: 'L_Ankle',
    parent: 'L_Knee',
    pos: [-0.01, 0, -0.4],
    box: { at: [0.04, 0.01, -0.04], half: [0.09, 0.045, 0.025] },
    armature: 0.01,
  },
  { name: 'L_Toe', parent: 'L_Ankle', pos: [0.12, 0.02, -0.05], box: { at: [0.03, 0, 0.01], half: [0.03, 0.045, 0.015] }, armature: 0.005 },
  { name: 'L_Thorax', parent: 'Chest', pos: [-0.01, 0.08, 0.12], to: [-0.01, 0.11, 0.03], r: 0.04, armature: 0.01 },
  { name: 'L_Shoulder', parent: 'L_Thorax', pos: [-0.01, 0.11, 0.03], to: [-0.02, 0.26, 0], r: 0.045, armature: 0.02 },
  { name: 'L_Elbow', parent: 'L_Shoulder', pos: [-0.02, 0.26, 0], to: [0.01, 0.25, 0], r: 0.035, armature: 0.02 },
  { name: 'L_Wrist', parent: 'L_Elbow', pos: [0.01, 0.25, 0], to: [0, 0.08, 0], r: 0.03, armature: 0.005 },
  { name: 'L_Hand', parent: 'L_Wrist', pos: [0, 0.08, 0], box: { at: [0, 0.05, 0], half: [0.04, 0.05, 0.015] }, armature: 0.005 },
];

export const SMPL_PARTS: Part[] = [
  { name: 'Pelvis', parent: null, pos: [0, 0, 0.93], box: { at: [-0.01, 0, -0.02], half: [0.09, 0.13, 0.07] }, armature: 0 },
  ...LEFT.slice(0, 4),
  ...LEFT.slice(0, 4).map(mirror),
  { name: 'Torso', parent: 'Pelvis', pos: [-0.02, 0, 0.11], to: [0.01, 0, 0.13], r: 0.08, armature: 0.05 },
  { name: 'Spine', parent: 'Torso', pos: [0.01, 0, 0.13], to: [0, 0, 0.06], r: 0.09, armature: 0.05 },
  { name: 'Chest', parent: 'Spine', pos: [0, 0, 0.06], to: [-0.01, 0, 0.2], r: 0.1, armature: 0.05 },
  { name: 'Neck', parent: 'Chest', pos: [-0.01, 0, 0.21], to: [0.03, 0, 0.07], r: 0.04, armature: 0.005 },
  { name: 'Head', parent: 'Neck', pos: [0.05, 0, 0.07], to: [0, 0, 0.12], r: 0.09, armature: 0.005 },
  ...LEFT.slice(4),
  ...LEFT.slice(4).map(mirror),
];

const f = (x: number) => String(+x.toFixed(5));
const fa = (v: number[]) => v.map(f).join(' ');

/** Mass, centre and principal inertias (cylinder approximation) of a capsule or box. */
function mass(p: Part): { m: number; com: V; I: V } {
  if (p.box) {
    const [a, b, c] = p.box.half;
    const m = 1000 * 8 * a * b * c;
    return { m, com: p.box.at, I: [(m * (b * b + c * c)) / 3, (m * (a * a + c * c)) / 3, (m * (a * a + b * b)) / 3] };
  }
  const L = Math.hypot(...p.to!),
    r = p.r!;
  const m = 1000 * Math.PI * r * r * (L + (4 / 3) * r);
  const ax = (m * (3 * r * r + L * L)) / 12;
  const k = [0, 1, 2].reduce((a, b) => (Math.abs(p.to![b]) > Math.abs(p.to![a]) ? b : a), 0); // the segment's main axis
  const I: V = [ax, ax, ax];
  I[k] = (m * r * r) / 2;
  return { m, com: [p.to![0] / 2, p.to![1] / 2, p.to![2] / 2], I };
}

/** MJCF of the character; `ball`: one ball joint per body instead of three hinges. */
export function smplMjcf(ball: boolean): string {
  const kids = (name: string | null) => SMPL_PARTS.filter((p) => p.parent === name);
  const body = (p: Part, pad: string): string[] => {
    const { m, com, I } = mass(p);
    const lines = [`${pad}<body name="${p.name}" pos="${fa(p.pos)}">`];
    if (!p.parent) lines.push(`${pad}  <freejoint name="root"/>`);
    else if (ball) lines.push(`${pad}  <joint name="${p.name}" type="ball" armature="${p.armature}" damping="0.1"/>`);
    else
      for (const [c, ax] of [
        ['x', '1 0 0'],
        ['y', '0 1 0'],
        ['z', '0 0 1'],
      ])
        lines.push(`${pad}  <joint name="${p.name}_${c}" type="hinge" axis="${ax}" armature="${p.armature}" damping="0.1"/>`);
    lines.push(`${pad}  <inertial pos="${fa(com)}" mass="${f(m)}" diaginertia="${fa(I)}"/>`);
    if (p.box) lines.push(`${pad}  <geom type="box" pos="${fa(p.box.at)}" size="${fa(p.box.half)}"/>`);
    else lines.push(`${pad}  <geom type="capsule" fromto="0 0 0 ${fa(p.to!)}" size="${f(p.r!)}"/>`);
    for (const k of kids(p.name)) lines.push(...body(k, pad + '  '));
    lines.push(`${pad}</body>`);
    return lines;
  };
  return [
    `<mujoco model="smpl24-${ball ? 'ball' : 'hinge'}">`,
    `  <!-- mimic-bench's own SMPL-proportioned character (src/cli/make-smpl.ts): 24 bodies, ${ball ? '23 ball joints' : '69 hinges'}, T-pose rest -->`,
    `  <compiler angle="radian" inertiafromgeom="false"/>`,
    `  <worldbody>`,
    ...body(SMPL_PARTS[0], '    '),
    `  </worldbody>`,
    `</mujoco>`,
    '',
  ].join('\n');
}

if (isEntry(import.meta.url)) {
  const dir = process.argv[2] ?? 'public/robots';
  writeFileSync(`${dir}/smpl24-hinge.xml`, smplMjcf(false));
  writeFileSync(`${dir}/smpl24-ball.xml`, smplMjcf(true));
  console.log(`wrote ${dir}/smpl24-hinge.xml and ${dir}/smpl24-ball.xml`);
}
