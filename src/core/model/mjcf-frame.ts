/**
 * MJCF `<frame>` (MuJoCo 3): a pose, and optionally a childclass, for the bodies, geoms, sites and frames in it, with
 * no body of its own. `flattenFrames` moves each frame's pose into its children — pos and orientation composed (a
 * fromto's two ends moved instead) — and its childclass onto those that name none, so the reader sees the tree MuJoCo
 * compiles. Cameras and lights in a frame go with it (nothing here reads them).
 */
import { qMul, qRotate, type Quat, type Vec3 } from '../math';
import { nums } from './common';
import { orientation, withDefaults, type Compiler, type Defaults } from './mjcf-parts';
import type { XmlElement } from './xml';

const ORIENTATION = ['quat', 'axisangle', 'euler', 'xyaxes', 'zaxis'];
const PLACED = new Set(['body', 'geom', 'site']);

interface FramePose {
  pos: Vec3;
  quat: Quat;
  childclass?: string;
}

const moved = (f: FramePose, p: number[]): Vec3 => {
  const r = qRotate(f.quat, p);
  return [f.pos[0] + r[0], f.pos[1] + r[1], f.pos[2] + r[2]];
};

/** Put `el` (a body, geom or site written in the frame) in the frame's parent: its own pose composed with the frame's. */
function place(el: XmlElement, f: FramePose, cls: string, cp: Compiler, defaults: Defaults, file: string): void {
  const where = `line ${el.line}`;
  if (f.childclass !== undefined) {
    if (el.name === 'body') el.attrs.childclass ??= f.childclass;
    else el.attrs.class ??= f.childclass;
  }
  // a geom's or site's pose may come from its class; a body's is its own
  const a = el.name === 'body' ? el.attrs : withDefaults(el, el.attrs.class ?? cls, defaults, file);
  if (el.name !== 'body' && a.fromto !== undefined) {
    const v = nums(a.fromto, file, where, 6);
    el.attrs.fromto = [...moved(f, v.slice(0, 3)), ...moved(f, v.slice(3, 6))].join(' ');
    return;
  }
  const pos = a.pos !== undefined ? nums(a.pos, file, where, 3) : [0, 0, 0];
  const quat = qMul(f.quat, orientation(a, cp, file, where));
  for (const k of ORIENTATION) delete el.attrs[k];
  el.attrs.pos = moved(f, pos).join(' ');
  el.attrs.quat = quat.join(' ');
}

/**
 * Replace every frame under `el` (a worldbody or body; `cls`: the class its children take) by its children, placed in
 * `el`. Nested frames are folded first.
 */
export function flattenFrames(el: XmlElement, cls: string, cp: Compiler, defaults: Defaults, file: string): void {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === 'body') flattenFrames(c, c.attrs.childclass ?? cls, cp, defaults, file);
    if (c.name !== 'frame') {
      out.push(c);
      continue;
    }
    const inner = c.attrs.childclass ?? cls;
    flattenFrames(c, inner, cp, defaults, file);
    const where = `line ${c.line}`;
    const f: FramePose = {
      pos: (c.attrs.pos !== undefined ? nums(c.attrs.pos, file, where, 3) : [0, 0, 0]) as Vec3,
      quat: orientation(c.attrs, cp, file, where),
      ...(c.attrs.childclass !== undefined ? { childclass: c.attrs.childclass } : {}),
    };
    for (const k of c.children.filter((k) => PLACED.has(k.name))) {
      place(k, f, inner, cp, defaults, file);
      out.push(k);
    }
  }
  el.children = out;
}
