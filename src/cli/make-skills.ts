/**
 * Generates the built-in skills for the built-in humanoid (public/robots/humanoid29.xml) into motions/:
 * one CSV per skill (BeyondMimic/unitree motion CSV, 50 Hz), motions/index.json and motions/README.md.
 * Each skill is authored as a pelvis trajectory, foot placements (left/right: shift, lift, yaw) and upper-body
 * joint offsets from the `stand` keyframe; the legs are solved by IK (feet flat), the root height is then
 * adjusted per frame so the lowest foot point touches the ground. Run: npx tsx src/cli/make-skills.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { qFromAxisAngle, qMul, qRotate, type Quat, type Vec3 } from '../core/math';
import { forwardKinematics, loadRobot, mjcfKeyframes, robotCom } from '../core/model';
import { writeMotionCsv } from '../core/motion/csv';
import { contactPoints, lowestZ } from '../core/model/feet';
import { solveIk } from '../core/motion/ik';
import { emptyClip, setFrame } from '../core/motion/sample';
import type { MotionClip } from '../core/motion/types';

const FPS = 50;
const ROBOT = 'public/robots/humanoid29.xml';
const text = readFileSync(ROBOT, 'utf8');
const model = loadRobot('humanoid29.xml', text);
const stand = mjcfKeyframes(text, ROBOT).find((k) => k.name === 'stand')!.qpos;
const nj = model.joints.length,
  nb = model.bodies.length;
const J = (name: string) => model.jointIndex.get(name)!;
const SIDES = ['left', 'right'] as const;
const legJoints = SIDES.map((s) =>
  ['hip_pitch', 'hip_roll', 'hip_yaw', 'knee', 'ankle_pitch', 'ankle_roll'].map((n) => J(`${s}_${n}_joint`)),
);
const footBody = SIDES.map((s) => model.bodyIndex.get(`${s}_ankle_roll_link`)!);
const footPts = footBody.map((b) => contactPoints(model, b));

// stand: root pose, joints, and the feet's world poses
const standRoot: Vec3 = [stand[0], stand[1], stand[2]];
const standQ = Float64Array.from(stand.slice(7));
const P = new Float64Array(nb * 3),
  Q = new Float64Array(nb * 4);
forwardKinematics(model, standRoot, [1, 0, 0, 0], standQ, P, Q);
const standFoot = footBody.map((b) => ({
  pos: [P[b * 3], P[b * 3 + 1], P[b * 3 + 2]] as Vec3,
  quat: Array.from(Q.subarray(b * 4, b * 4 + 4)) as Quat,
}));
const standCom = robotCom(model, P, Q);
const standMid = [0, 1].map((k) => (standFoot[0].pos[k] + standFoot[1].pos[k]) / 2);

interface Foot {
  dx?: number;
  dy?: number;
  lift?: number;
  yaw?: number;
}
interface Pose {
  pelvis?: { dx?: number; dy?: number; dz?: number; yaw?: number; pitch?: number };
  feet?: [Foot, Foot];
  /** joint offsets from the stand pose, by name */
  joints?: Record<string, number>;
  /** balance: where the centre of mass goes, 0 = over the right foot, 0.5 = as in stand, 1 = over the left foot */
  support?: number;
}
interface Skill {
  name: string;
  seconds: number;
  description: string;
  pose: (t: number) => Pose;
}

const smooth = (x: number) => {
  const u = Math.min(Math.max(x, 0), 1);
  return u * u * u * (u * (6 * u - 15) + 10);
};
/** 0 → 1 over `ramp` s, holds, 1 → 0 over the last `ramp` s */
const env = (t: number, T: number, ramp: number) => smooth(t / ramp) * smooth((T - t) / ramp);
const bump = (u: number) => (u <= 0 || u >= 1 ? 0 : Math.sin(Math.PI * u) ** 2);
/** step k of length d starting at t0: phase in [0,1] */
const phase = (t: number, t0: number, d: number) => Math.min(Math.max((t - t0) / d, 0), 1);

/**
 * Steps: each { side (0 left, 1 right), t0, d }. Weight moves onto the stance foot over the first 25% of a
 * step, the swing foot is off the ground in the middle 60% (`move` is its 0→1 travel), weight comes back over
 * the 25% before `settle`.
 */
function stepping(t: number, steps: { side: number; t0: number; d: number }[], height: number, settle = 1) {
  const lift = [0, 0],
    move = steps.map(() => 0);
  let support = 0.5;
  steps.forEach((st, k) => {
    const u = phase(t, st.t0, st.d);
    const w = smooth(u / 0.25) * smooth((settle - u) / 0.25);
    support += (st.side === 1 ? 0.35 : -0.35) * w; // the centre of mass goes most of the way to the stance foot
    lift[st.side] += height * bump((u - 0.2) / 0.6);
    move[k] = smooth((u - 0.2) / 0.6);
  });
  return { lift, move, support };
}

const skills: Skill[] = [
  {
    name: 'stand_idle',
    seconds: 4,
    description: 'Standing at rest with slow breathing and a slight arm and torso sway.',
    pose: (t) => {
      const b = Math.sin((2 * Math.PI * t) / 4),
        e = env(t, 4, 1);
      return {
        pelvis: { dz: -0.006 * bump(t / 4) },
        joints: {
          waist_pitch_joint: 0.03 * b,
          waist_yaw_joint: 0.04 * e * Math.sin((4 * Math.PI * t) / 4),
          left_shoulder_pitch_joint: 0.05 * b,
          right_shoulder_pitch_joint: 0.05 * b,
          left_elbow_joint: 0.05 * e,
          right_elbow_joint: 0.05 * e,
        },
      };
    },
  },
  {
    name: 'wave',
    seconds: 4,
    description: 'Raises the right arm and waves the hand, then lowers it.',
    pose: (t) => {
      const e = env(t, 4, 0.9),
        w = Math.sin(2 * Math.PI * 1.6 * (t - 0.9)) * smooth((t - 0.7) / 0.5) * smooth((3.3 - t) / 0.5);
      return {
        joints: {
          right_shoulder_roll_joint: -1.1 * e,
          right_shoulder_yaw_joint: -1.45 * e,
          right_shoulder_pitch_joint: -0.2 * e,
          right_elbow_joint: -0.4 * e + 0.35 * w,
          waist_roll_joint: 0.06 * e,
          left_shoulder_roll_joint: 0.05 * e,
        },
      };
    },
  },
  {
    name: 'squat',
    seconds: 4,
    description: 'Squats down with the arms forward for balance, holds briefly, stands back up.',
    pose: (t) => {
      const e = env(t, 4, 1.5);
      return {
        pelvis: { dz: -0.2 * e, dx: -0.05 * e },
        joints: {
          waist_pitch_joint: 0.3 * e,
          left_shoulder_pitch_joint: -1.3 * e,
          right_shoulder_pitch_joint: -1.3 * e,
          left_shoulder_roll_joint: -0.15 * e,
          right_shoulder_roll_joint: 0.15 * e,
          left_elbow_joint: -0.4 * e,
          right_elbow_joint: -0.4 * e,
        },
      };
    },
  },
  {
    name: 'march_in_place',
    seconds: 4.8,
    description: 'Marches on the spot: four alternating knee lifts with the weight shifted onto the stance foot and opposite arm swing.',
    pose: (t) => {
      const steps = [0, 1, 0, 1].map((side, k) => ({ side, t0: 0.4 + 1.0 * k, d: 1.0 }));
      const { lift, support } = stepping(t, steps, 0.08);
      const arm = (lift[0] - lift[1]) / 0.08;
      return {
        feet: [{ lift: lift[0] }, { lift: lift[1] }],
        support,
        joints: { left_shoulder_pitch_joint: 0.3 * arm, right_shoulder_pitch_joint: -0.3 * arm },
      };
    },
  },
  {
    name: 'arm_circles',
    seconds: 4,
    description: 'Both arms out to the sides, drawing two slow circles, then back down.',
    pose: (t) => {
      const e = env(t, 4, 0.8),
        c = 2 * Math.PI * 0.75 * t;
      return {
        joints: {
          left_shoulder_roll_joint: e * (1.1 + 0.25 * (Math.cos(c) - 1)),
          right_shoulder_roll_joint: -e * (1.1 + 0.25 * (Math.cos(c) - 1)),
          left_shoulder_pitch_joint: e * (-0.2 + 0.35 * Math.sin(c)),
          right_shoulder_pitch_joint: e * (-0.2 + 0.35 * Math.sin(c)),
          left_elbow_joint: 0.4 * e,
          right_elbow_joint: 0.4 * e,
        },
      };
    },
  },
  {
    name: 'bow',
    seconds: 4,
    description: 'A polite bow: pelvis and torso tip forward, hold, come back up.',
    pose: (t) => {
      const e = env(t, 4, 1.3);
      return {
        pelvis: { pitch: 0.35 * e, dx: -0.05 * e, dz: -0.02 * e },
        joints: { waist_pitch_joint: 0.35 * e, left_shoulder_pitch_joint: -0.15 * e, right_shoulder_pitch_joint: -0.15 * e },
      };
    },
  },
  {
    name: 'turn_in_place',
    seconds: 5.2,
    description: 'Turns 90 degrees to the left on the spot in five small steps.',
    pose: (t) => {
      const order = [0, 1, 0, 1, 0],
        yawStep = Math.PI / 8;
      const steps = order.map((side, k) => ({ side, t0: 0.35 + 0.9 * k, d: 0.9 }));
      const { lift, move, support } = stepping(t, steps, 0.05);
      const footYaw = [0, 0];
      let pelvisYaw = 0;
      steps.forEach((st, k) => {
        const from = k < 2 ? 0 : (k - 1) * yawStep,
          to = Math.min(k + 1, 4) * yawStep;
        if (move[k] > 0) footYaw[st.side] = from + (to - from) * move[k];
        if (k < 4) pelvisYaw += yawStep * move[k];
      });
      return {
        support,
        pelvis: { yaw: pelvisYaw },
        feet: [
          { yaw: footYaw[0], lift: lift[0] },
          { yaw: footYaw[1], lift: lift[1] },
        ],
      };
    },
  },
  {
    name: 'side_step',
    seconds: 4.4,
    description: 'Two side steps to the left (right foot closes in, left foot opens out), 20 cm in all.',
    pose: (t) => {
      const d = 0.1;
      // moving left: the right foot closes in first (narrow stance), then the left foot opens out
      const steps = [1, 0, 1, 0].map((side, k) => ({ side, t0: 0.4 + 0.9 * k, d: 0.9 }));
      const { lift, move, support } = stepping(t, steps, 0.05);
      const dy = [0, 0];
      steps.forEach((st, k) => {
        dy[st.side] += d * move[k];
      });
      const py = (dy[0] + dy[1]) / 2;
      return {
        support,
        feet: [
          { dy: dy[0], lift: lift[0] },
          { dy: dy[1], lift: lift[1] },
        ],
        pelvis: { dy: py, dz: -0.04 * env(t, 4.4, 0.4) },
        joints: { left_shoulder_roll_joint: 0.1 * bump(t / 4.4), right_shoulder_roll_joint: -0.1 * bump(t / 4.4) },
      };
    },
  },
];

function build(skill: Skill): { clip: MotionClip; ikErr: number } {
  const n = Math.round(skill.seconds * FPS) + 1;
  const clip = emptyClip(
    skill.name,
    FPS,
    model.joints.map((j) => j.name),
    n,
  );
  const q = standQ.slice();
  let ikErr = 0;
  for (let f = 0; f < n; f++) {
    const pose = skill.pose(f / FPS);
    const pv = pose.pelvis ?? {};
    const yawQ = qFromAxisAngle([0, 0, 1], pv.yaw ?? 0);
    const rootQuat = qMul(yawQ, qFromAxisAngle([0, 1, 0], pv.pitch ?? 0));
    const sway = qRotate(yawQ, [pv.dx ?? 0, pv.dy ?? 0, 0]);
    const rootPos: Vec3 = [standRoot[0] + sway[0], standRoot[1] + sway[1], standRoot[2] + (pv.dz ?? 0)];
    for (let j = 0; j < nj; j++) if (!legJoints[0].includes(j) && !legJoints[1].includes(j)) q[j] = standQ[j];
    for (const [name, v] of Object.entries(pose.joints ?? {})) q[J(name)] += v;
    const targets = SIDES.map((_, s) => {
      const ft = pose.feet?.[s] ?? {};
      const fy = qFromAxisAngle([0, 0, 1], ft.yaw ?? 0);
      const p = qRotate(fy, standFoot[s].pos);
      // a foot off the ground may tilt (when the ankle cannot keep it flat); on the ground it is held flat
      return {
        body: footBody[s],
        pos: [p[0] + (ft.dx ?? 0), p[1] + (ft.dy ?? 0), standFoot[s].pos[2] + (ft.lift ?? 0)],
        quat: qMul(fy, standFoot[s].quat),
        rotWeight: 0.2 + 0.8 * Math.exp(-(ft.lift ?? 0) / 0.005),
      };
    });
    // balance: move the pelvis (x, y) until the centre of mass is where `support` puts it
    for (let it = 0; it < (pose.support === undefined ? 1 : 6); it++) {
      let err = 0;
      SIDES.forEach((_, s) => {
        err = Math.max(err, solveIk(model, rootPos, rootQuat, q, legJoints[s], targets[s], 40));
      });
      if (pose.support === undefined) {
        ikErr = Math.max(ikErr, err);
        break;
      }
      forwardKinematics(model, rootPos, rootQuat, q, P, Q);
      const com = robotCom(model, P, Q);
      const w = pose.support;
      const off = qRotate(yawQ, [standCom[0] - standMid[0], standCom[1] - standMid[1], 0]); // stand COM relative to the feet
      const goal = [0, 1].map(
        (k) => 0.5 * (targets[0].pos[k] + targets[1].pos[k]) + off[k] + (w - 0.5) * (targets[0].pos[k] - targets[1].pos[k]),
      );
      rootPos[0] += goal[0] - com[0];
      rootPos[1] += goal[1] - com[1];
      if (it === 5) ikErr = Math.max(ikErr, err);
    }
    for (let j = 0; j < nj; j++) {
      const r = model.joints[j].range;
      if (r) q[j] = Math.min(Math.max(q[j], r[0]), r[1]);
    }
    // root height: the lowest foot point touches the ground
    forwardKinematics(model, rootPos, rootQuat, q, P, Q);
    const low = Math.min(...footBody.map((b, s) => lowestZ(footPts[s], P.subarray(b * 3), Q.subarray(b * 4))));
    rootPos[2] -= low;
    setFrame(clip, f, rootPos, rootQuat, q);
  }
  return { clip, ikErr };
}

const index: { name: string; file: string; fps: number; duration: number; frames: number; description: string }[] = [];
const names = model.joints.map((j) => j.name);
for (const skill of skills) {
  const { clip, ikErr } = build(skill);
  const file = `${skill.name}_${FPS}hz.csv`;
  writeFileSync(`motions/${file}`, writeMotionCsv(clip, names));
  const dur = (clip.nFrames - 1) / FPS;
  index.push({ name: skill.name, file, fps: FPS, duration: +dur.toFixed(3), frames: clip.nFrames, description: skill.description });
  const d0 = Math.max(...names.map((_, j) => Math.abs(clip.jointPos[j] - standQ[j])));
  const d1 = Math.max(...names.map((_, j) => Math.abs(clip.jointPos[(clip.nFrames - 1) * nj + j] - standQ[j])));
  console.log(
    `${file}: ${clip.nFrames} frames, ${dur.toFixed(2)} s, leg IK error ≤ ${ikErr.toFixed(4)}, start/end off stand ${d0.toFixed(3)}/${d1.toFixed(3)} rad`,
  );
}
writeFileSync('motions/index.json', JSON.stringify({ robot: 'humanoid29', clips: index }, null, 2) + '\n');
const rows = index.map((c) => `| ${c.name} | \`${c.file}\` | ${c.fps} | ${c.duration.toFixed(2)} | ${c.description} |`).join('\n');
writeFileSync(
  'motions/README.md',
  `# Built-in skills

Motion clips for the built-in humanoid (\`public/robots/humanoid29.xml\`; the joint names are the Unitree G1's, so
they also play on the G1). Generated by \`npx tsx src/cli/make-skills.ts\` — do not edit the CSVs by hand.

Format: BeyondMimic / unitree_rl_lab motion CSV, one row per frame: root position x, y, z (m, z up), root
quaternion x, y, z, w, then the 29 joint angles (rad) in the robot description's joint order. \`index.json\` lists
name, file, fps, duration (s) and a description; the app reads it.

Every clip starts and ends at the \`stand\` keyframe (within 0.1 rad per joint), keeps every joint within its
limits, and keeps the feet on the ground: the legs are solved by inverse kinematics for flat feet at authored
placements, and the root height is set per frame so the lowest foot point touches z = 0 (checked by
\`tests/unit/motion-skills.test.ts\` with forward kinematics).

| name | file | fps | duration (s) | description |
|---|---|---|---|---|
${rows}

\`retarget/cmu-humanoid29.json\` maps the CMU motion-capture skeleton (BVH) onto the same joint names; see
\`src/core/motion/retarget.ts\`.
`,
);
