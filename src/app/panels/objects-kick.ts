/**
 * objects: the "kick demo" of the Objects panel (issue 16) — the core's push demo (physics/objects-demo.ts) set up
 * as its test does: the built-in humanoid, the built-in controller with assist 1, a clip from the standing clip
 * whose right leg swings through a ball lying at its toe, the ball in the scene and the reference ball track the
 * clip carries (so the ghost ball and the object position error on the chart follow it). Loop off: the kick once.
 */
import { HUMANOID29_KICK, pushDemo } from '../../core/physics/objects-demo';
import type { MotionClip } from '../../core/motion/types';
import type { AssetRegistry } from '../assets';
import { BUILTIN_ROBOT } from '../builtins';
import type { ObjectReference } from '../object-reference';
import type { SceneObjects } from '../objects-state';
import { refreshAssets } from '../loader';
import { newSegment, store } from '../store';

export const KICK_CLIP = 'clip:builtin:kick_ball';
const STAND_CLIP = 'clip:builtin:stand_idle';

/** The clip as the app's CSV (root x y z, quaternion x y z w, joints in the clip's order), for the asset list. */
function csvOf(c: MotionClip): Uint8Array {
  const nj = c.jointNames.length,
    lines: string[] = [];
  for (let f = 0; f < c.nFrames; f++) {
    const q = c.rootQuat.subarray(f * 4, f * 4 + 4);
    lines.push([...c.rootPos.subarray(f * 3, f * 3 + 3), q[1], q[2], q[3], q[0], ...c.jointPos.subarray(f * nj, (f + 1) * nj)].join(','));
  }
  return new TextEncoder().encode(lines.join('\n'));
}

/** What the kick demo changes: the asset registry, the scene's objects, the object reference. */
interface KickHost {
  assets: AssetRegistry;
  objects: SceneObjects;
  objectRef: ObjectReference;
}

/**
 * Set the kick up: the clip registered as a built-in asset on the timeline, the ball alone in the scene, its
 * reference track given to the object reference. Returns whether the caller must rebuild the scene (the robot
 * stays the same; when it changes, the app's own robot switch rebuilds it with the ball).
 */
export function setUpKick({ assets, objects, objectRef }: KickHost): boolean {
  const model = assets.robotOf(BUILTIN_ROBOT);
  const demo = pushDemo(model, assets.clipOf(STAND_CLIP, BUILTIN_ROBOT), HUMANOID29_KICK);
  assets.records.set(KICK_CLIP, {
    id: KICK_CLIP,
    kind: 'clip',
    name: 'kick_ball',
    builtin: true,
    files: [{ path: 'kick_ball_50hz.csv', bytes: csvOf(demo.clip) }],
    fps: demo.clip.fps,
  });
  refreshAssets(assets);
  const warnings: string[] = [];
  objects.set([demo.ball], warnings);
  objectRef.setTrack(demo.clip.objects![0], demo.clip.fps);
  const sameRobot = store.getState().robotId === BUILTIN_ROBOT;
  store.setState({
    robotId: BUILTIN_ROBOT,
    policyId: null,
    driver: 'builtin',
    assist: 1,
    source: 'timeline',
    loop: false,
    playing: true,
    segments: [newSegment(KICK_CLIP, (demo.clip.nFrames - 1) / demo.clip.fps, 'builtin', 0)],
  });
  return sameRobot;
}
