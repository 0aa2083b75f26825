/** The fallback reference: the robot standing in its `stand` keyframe (or its zero pose). */
import { mjcfKeyframes } from '../core/model/index';
import type { RobotModel } from '../core/model/types';
import { emptyClip, setFrame } from '../core/motion/sample';
import type { MotionClip } from '../core/motion/types';

/** A standing clip from the robot's `stand` keyframe (or its zero pose): the fallback reference. */
export function standClip(model: RobotModel, xml: string | null): MotionClip {
  const nj = model.joints.length;
  let root = [0, 0, 0.78, 1, 0, 0, 0];
  let joints = new Array(nj).fill(0);
  try {
    const key = xml ? mjcfKeyframes(xml, model.source.file).find((k) => k.name === 'stand') : undefined;
    if (key && key.qpos.length >= 7 + nj) {
      root = key.qpos.slice(0, 7);
      joints = key.qpos.slice(7, 7 + nj);
    }
  } catch {
    /* zero pose */
  }
  const n = 51;
  const c = emptyClip(
    'stand',
    25,
    model.joints.map((j) => j.name),
    n,
  );
  for (let i = 0; i < n; i++) setFrame(c, i, root.slice(0, 3), root.slice(3, 7), joints);
  return c;
}
