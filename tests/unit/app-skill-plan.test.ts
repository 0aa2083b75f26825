// Command text and clip trimming of policy segments (src/app/skills/plan.ts): the forms a user types, a bad one named
// with where it is, the live provider, and a segment's clip cut to its in/out points.
import { describe, expect, it } from 'vitest';
import { commandText, commandTrack, LiveCommand, parseCommands, trimClip } from '../../src/app/skills/plan';
import { danceClip, g1JointNames } from './compose-data';

describe('policy segment plan', () => {
  it('parses "vx,vy,wz", "t:vx,vy,wz; ..." and "live"; names a bad entry', () => {
    expect(parseCommands('0.4, 0, 0.1', 'segment 1')).toEqual([{ t: 0, vx: 0.4, vy: 0, wz: 0.1 }]);
    const keys = parseCommands('0:0.5,0,0; 2:0,0,1', 'segment 2');
    expect(keys).toEqual([
      { t: 0, vx: 0.5, vy: 0, wz: 0 },
      { t: 2, vx: 0, vy: 0, wz: 1 },
    ]);
    expect(commandText(keys)).toBe('0:0.5,0,0; 2:0,0,1');
    expect(commandTrack(keys).at(1)).toEqual([0.25, 0, 0.5]);
    expect(parseCommands(' live ', 's')).toBe('live');
    expect(() => parseCommands('0.4,0', 'segment 3')).toThrow(/segment 3 at commands\[0\]: expected "vx,vy,wz"/);
    expect(() => parseCommands('0:1,0,0; x:1,0,0', 'segment 4')).toThrow(/commands\[1\]/);
  });

  it('a live track asks the steering provider', () => {
    const steering = new LiveCommand();
    const live = commandTrack('live', steering);
    expect(live.at(3)).toEqual([0, 0, 0]);
    steering.provider = () => [0.7, -0.1, 0.3];
    expect(live.at(3)).toEqual([0.7, -0.1, 0.3]);
    steering.provider = null;
    expect(live.at(3)).toEqual([0, 0, 0]);
    expect(commandTrack('live').at(3)).toEqual([0, 0, 0]);
  });

  it('trims a clip to the segment', () => {
    const c = danceClip();
    const t = trimClip(c, 1, 2);
    const nj = g1JointNames().length,
      a = Math.floor(1 * c.fps);
    expect(t.nFrames).toBe(Math.ceil(2 * c.fps) - a + 1);
    expect(Array.from(t.jointPos.subarray(0, nj))).toEqual(Array.from(c.jointPos.subarray(a * nj, (a + 1) * nj)));
    expect(trimClip(c, 0, 1e9)).toBe(c);
  });
});
