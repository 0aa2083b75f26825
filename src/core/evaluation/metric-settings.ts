/**
 * Settings of the per-frame metric sets, explicit and printed in every report: which bodies are GMT's "key
 * bodies" and at which frame rate PHC/GMT sample (a whole number of control steps per frame).
 */
import { fail } from '../errors';
import type { RobotModel } from '../model/types';
import type { MetricSelection } from './metrics';

export interface MetricOptions {
  /** GMT key bodies by name (default: the policy's tracked bodies) */
  keyBodies?: string[];
  /** frame rate of the per-frame metrics, Hz (default: the control rate); rounded to whole control steps */
  fps?: number;
}

/** What a report prints about the metric selection (names, rates). */
export interface MetricSettings {
  tracked_bodies: string[];
  key_bodies: string[];
  end_effectors: string[];
  anchor: string;
  root: string;
  control_hz: number;
  /** frame rate of PHC/GMT metrics: control_hz / frame_stride */
  frame_hz: number;
  frame_stride: number;
}

/** The selection's key bodies, control step and frame stride (named errors for unknown bodies, bad rates). */
export function metricSelectionExtras(
  model: RobotModel,
  sel: MetricSelection,
  controlDt: number,
  o: MetricOptions = {},
  file = '<metrics>',
): Pick<MetricSelection, 'keyBodies' | 'controlDt' | 'frameStride'> {
  const keyBodies =
    o.keyBodies?.map((b) => {
      const i = model.bodyIndex.get(b);
      if (i === undefined)
        return fail('ParseError', file, 'key bodies', `unknown body '${b}' (robot bodies: ${model.bodies.map((x) => x.name).join(', ')})`);
      return i;
    }) ?? sel.tracked;
  const hz = 1 / controlDt;
  if (o.fps !== undefined && !(Number.isFinite(o.fps) && o.fps > 0 && o.fps <= hz + 1e-9)) {
    fail('ParseError', file, 'metric fps', `expected a frame rate in (0, ${hz}] Hz (the control rate), got ${o.fps}`);
  }
  const frameStride = o.fps === undefined ? 1 : Math.max(1, Math.round(hz / o.fps));
  return { keyBodies, controlDt, frameStride };
}

export function describeSelection(model: RobotModel, sel: MetricSelection): MetricSettings {
  const names = (ix: number[]) => ix.map((i) => model.bodies[i].name);
  const hz = sel.controlDt ? 1 / sel.controlDt : NaN,
    stride = sel.frameStride ?? 1;
  return {
    tracked_bodies: names(sel.tracked),
    key_bodies: names(sel.keyBodies ?? sel.tracked),
    end_effectors: names(sel.endEffectors),
    anchor: model.bodies[sel.anchor]?.name ?? '',
    root: model.bodies[sel.root]?.name ?? '',
    control_hz: Number(hz.toPrecision(6)),
    frame_hz: Number((hz / stride).toPrecision(6)),
    frame_stride: stride,
  };
}
