// The one PolicySession: external data (with and without the .data file, inlined for CLI and app), typed
// inputs, load failures, inputs it cannot feed; issue-17 validation of policy configs and profiles.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../src/cli/eval-args';
import { type MimicError } from '../../src/core/errors';
import { configFromDeployYaml, resolvePolicyConfig, type PolicyConfig } from '../../src/core/policy/config';
import { inlineExternalData } from '../../src/core/policy/external';
import { readOnnxInfo } from '../../src/core/policy/onnx';
import { probeReferenceLength } from '../../src/core/policy/reference-length';
import { PolicySession } from '../../src/core/policy/session';
import { descNames, externalDataExport, g1, mjlabDeployYaml, weights } from './families-fixture';
import { node, onnxModel, rejected, tensor, valueInfo } from './policy-fixture';

const cfg29 = { jointNames: descNames };

const caught = (f: () => unknown): Promise<MimicError> => rejected(Promise.resolve().then(f));

/** obs · W for one env (float64 sums; ORT's float32 result compared to 1e-5) */
function expected(obs: Float32Array, nObs: number): number[] {
  const w = weights(nObs, 29);
  return Array.from({ length: 29 }, (_, j) => obs.reduce((s, x, i) => s + x * w[i * 29 + j], 0));
}

describe('external data (policy.onnx + policy.onnx.data)', () => {
  const { model, data } = externalDataExport(16, 'ext.onnx.data');
  const obs = Float32Array.from({ length: 16 }, (_, i) => i - 7);

  it('lists the external file, runs with it as a session option, refuses to run without it', async () => {
    expect(readOnnxInfo(model, 'ext.onnx').externalFiles).toEqual(['ext.onnx.data']);
    const s = await PolicySession.create(model, cfg29, { file: 'ext.onnx', externalData: [{ path: 'ext.onnx.data', data }] });
    const r = await s.run(obs, 1);
    expected(obs, 16).forEach((v, j) => expect(r.actions[j]).toBeCloseTo(v, 5));
    await s.release();
    const e = await rejected(PolicySession.create(model, cfg29, { file: 'ext.onnx' }));
    expect(e.kind).toBe('PolicyError');
    expect(e.message).toMatch(/ext\.onnx.*"ext\.onnx\.data"/);
  });

  it('inlined into one self-contained model (what the CLI and the app load) that gives the same actions', async () => {
    const one = inlineExternalData(model, 'ext.onnx', [{ path: 'some/folder/ext.onnx.data', data }]);
    expect(readOnnxInfo(one, 'ext.onnx').externalFiles).toEqual([]);
    const s = await PolicySession.create(one, cfg29, { file: 'ext.onnx' });
    const r = await s.run(obs, 1);
    expected(obs, 16).forEach((v, j) => expect(r.actions[j]).toBeCloseTo(v, 5));
    await s.release();
    expect((await caught(() => inlineExternalData(model, 'ext.onnx', []))).message).toMatch(/"ext\.onnx\.data": give that file too/);
  });

  it('the CLI finds the .data beside the .onnx; without it the error names the file it needs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimic-ext-'));
    try {
      writeFileSync(join(dir, 'policy.onnx'), model);
      writeFileSync(join(dir, 'ext.onnx.data'), data);
      const p = readPolicy(join(dir, 'policy.onnx'));
      expect(readOnnxInfo(p.bytes, 'policy.onnx').externalFiles).toEqual([]);
      rmSync(join(dir, 'ext.onnx.data'));
      const e = await caught(() => readPolicy(join(dir, 'policy.onnx')));
      expect(e.file).toBe('policy.onnx');
      expect(e.message).toMatch(/ext\.onnx\.data/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded reference length (real exports clamp time_step past the last frame)', () => {
  const refModel = (frames: number, clamp: boolean) =>
    onnxModel({
      nodes: [
        node('MatMul', ['obs', 'W'], ['actions']),
        ...(clamp ? [node('Min', ['time_step', 'Last'], ['tc'])] : [node('Identity', ['time_step'], ['tc'])]),
        node('Cast', ['tc'], ['idx'], { to: 7 }),
        node('Gather', ['T', 'idx'], ['joint_pos'], { axis: 0 }),
      ],
      initializers: [
        tensor('W', [154, 29], weights(154, 29)),
        tensor('Last', [1], [frames - 1]),
        tensor(
          'T',
          [frames, 29],
          Float32Array.from({ length: frames * 29 }, (_, k) => Math.sin(k)),
        ),
      ],
      inputs: [valueInfo('obs', [1, 154]), valueInfo('time_step', [1, 1])],
      outputs: [valueInfo('actions', [1, 29]), valueInfo('joint_pos', [1, 1, 29])],
    });

  const refCfg = { ...cfg29, referenceOutputs: undefined } as unknown as PolicyConfig;

  it('found by bisection for a clamping export and for one that fails past its end', async () => {
    for (const [frames, clamp] of [
      [37, true],
      [23, false],
      [1, true],
    ] as const) {
      const s = await PolicySession.create(refModel(frames, clamp), cfg29, { file: 'ref.onnx' });
      const len = await probeReferenceLength(s, refCfg, 154, 'ref.onnx');
      expect(len.last + 1).toBe(frames);
      expect(len.failsPastEnd).toBe(!clamp && frames > 1);
      await s.release();
    }
  });
});

describe('inputs the session cannot take', () => {
  /** obs [1,n] (type obsType) cast to float, time_step [1,1] (type tsType) cast to float */
  const typed = (obsType: number, tsType: number) =>
    onnxModel({
      nodes: [
        node('Cast', ['obs'], ['of'], { to: 1 }),
        node('MatMul', ['of', 'W'], ['actions']),
        node('Cast', ['time_step'], ['tf'], { to: 1 }),
        node('Mul', ['tf', 'A'], ['joint_pos']),
      ],
      initializers: [tensor('W', [154, 29], weights(154, 29)), tensor('A', [1, 29], new Float32Array(29))],
      inputs: [valueInfo('obs', [1, 154], obsType), valueInfo('time_step', [1, 1], tsType)],
      outputs: [valueInfo('actions', [1, 29]), valueInfo('joint_pos', [1, 29])],
    });

  it('a double time_step is a named error (resolve and session)', async () => {
    const bytes = typed(1, 11);
    const e = await caught(() =>
      resolvePolicyConfig({ info: readOnnxInfo(bytes, 'ts.onnx'), file: 'ts.onnx', robot: g1, yaml: mjlabDeployYaml() }),
    );
    expect(e.where).toBe('input time_step');
    expect(e.message).toMatch(/double; a time-step input must be float32, int32 or int64/);
    expect((await rejected(PolicySession.create(bytes, cfg29, { file: 'ts.onnx' }))).where).toBe('input time_step');
  });

  it('a double observation input is a named error', async () => {
    const e = await caught(() =>
      resolvePolicyConfig({ info: readOnnxInfo(typed(11, 1), 'dbl.onnx'), file: 'dbl.onnx', robot: g1, yaml: mjlabDeployYaml() }),
    );
    expect(e.where).toBe('input obs');
    expect(e.message).toMatch(/type double/);
  });

  it('an input that is neither observation, time_step nor recurrent state is named', async () => {
    const bytes = onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['actions']), node('Identity', ['foo'], ['bar'])],
      initializers: [tensor('W', [154, 29], weights(154, 29))],
      inputs: [valueInfo('obs', [1, 154]), valueInfo('foo', [1, 3])],
      outputs: [valueInfo('actions', [1, 29]), valueInfo('bar', [1, 5])],
    });
    const e = await caught(() =>
      resolvePolicyConfig({ info: readOnnxInfo(bytes, 'x.onnx'), file: 'x.onnx', robot: g1, yaml: mjlabDeployYaml() }),
    );
    expect(e.where).toBe('input foo');
    expect(e.message).toMatch(/cannot feed input\(s\) foo \[1, 3\]/);
  });

  it('an ONNX runtime load failure names the file and the runtime', async () => {
    const bytes = onnxModel({
      nodes: [node('NoSuchOp', ['obs'], ['actions'])],
      inputs: [valueInfo('obs', [1, 4])],
      outputs: [valueInfo('actions', [1, 29])],
    });
    const e = await rejected(PolicySession.create(bytes, cfg29, { file: 'broken.onnx' }));
    expect(e.file).toBe('broken.onnx');
    expect(e.where).toBe('onnxruntime-web (wasm)');
  });
});

describe('policy config validation (issue 17)', () => {
  const yaml = mjlabDeployYaml();
  const info = readOnnxInfo(
    onnxModel({
      nodes: [node('MatMul', ['obs', 'W'], ['actions'])],
      initializers: [tensor('W', [154, 29], weights(154, 29))],
      inputs: [valueInfo('obs', [1, 154])],
      outputs: [valueInfo('actions', [1, 29])],
    }),
    'p.onnx',
  );
  const withProfile = (profile: unknown, profileFile = 'mine.json') =>
    caught(() => resolvePolicyConfig({ info, file: 'p.onnx', robot: g1, profile, profileFile }));
  const base = { name: 'mine', jointOrder: 'description', gains: { stiffness: 40, damping: 2 }, observations: 'beyondmimic154' };

  it('naturalFreqHz "abc" is refused, naming the profile file and key', async () => {
    const e = await withProfile({ ...base, gains: { rule: 'armature', naturalFreqHz: 'abc' } });
    expect([e.file, e.where]).toEqual(['mine.json', 'gains.naturalFreqHz']);
  });

  it('negative stiffness, damping, armature and effort limits are refused with the joint named', async () => {
    expect((await withProfile({ ...base, gains: { stiffness: { left_knee_joint: -5, '.*': 40 }, damping: 2 } })).message).toMatch(
      /left_knee_joint: -5 is negative/,
    );
    expect((await withProfile({ ...base, gains: { stiffness: 40, damping: -1 } })).where).toBe('gains.damping[0]');
    expect((await withProfile({ ...base, gains: { rule: 'armature' }, armature: -0.01 })).where).toBe('armature[0]');
    expect((await withProfile({ ...base, effortLimits: { '.*_knee_joint': -1, '.*': 10 } })).message).toMatch(/knee_joint: -1 is negative/);
  });

  it('a jointOrder that repeats or omits a joint is a named error', async () => {
    const order = descNames.slice();
    order[1] = order[0];
    expect((await withProfile({ ...base, jointOrder: order })).message).toMatch(/left_hip_pitch_joint is listed twice/);
    expect((await withProfile({ ...base, jointOrder: descNames.slice(1) })).message).toMatch(/omits robot joint\(s\) left_hip_pitch_joint/);
  });

  it('deploy.yaml step_dt 1000 is refused at once (no 200,000 physics steps per action)', async () => {
    const t0 = performance.now();
    const e = await caught(() => configFromDeployYaml(yaml.replace(/step_dt: .*/, 'step_dt: 1000'), 'deploy.yaml', descNames));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.where).toBe('step_dt');
    expect(e.message).toMatch(/0\.5 s limit|limit is 100/);
    const e2 = await caught(() => configFromDeployYaml(yaml.replace(/step_dt: .*/, 'step_dt: 0.9'), 'deploy.yaml', descNames));
    expect(e2.where).toBe('step_dt');
  });

  it('profile JSON syntax errors give line and column; errors name the profile, not the robot', async () => {
    const e = await withProfile('{\n  "name": "x",\n  "stepDt": 0.02,,\n}', 'broken.json');
    expect(e.kind).toBe('ParseError');
    expect(e.file).toBe('broken.json');
    expect(e.where).toMatch(/^line 3, column \d+$/);
    const a = await withProfile({ ...base, anchorBody: 'no_such_body' });
    expect(a.file).toBe('mine.json');
  });

  it('control characters from the input are escaped in messages', async () => {
    const e = await withProfile({ ...base, jointOrder: [...descNames, 'bad\u0000joint\r'] }, 'evil\u001b.json');
    expect(/[\r]/.test(e.message) || e.message.includes(String.fromCharCode(0)) || e.message.includes(String.fromCharCode(27))).toBe(false);
    expect(e.message).toMatch(/evil\\x1b\.json/);
    expect(e.message).toMatch(/bad\\0joint\\r/);
  });
});
