// End to end: a policy whose every action is NaN (a real ONNX run by onnxruntime-web, the dance's deploy.yaml and
// clip beside it) must never be reported as a success: the CLI says "invalid" with the reason, and the
// non-finite actions are counted. (Issue 17: such a policy used to report success over a 1 s episode.)
// The CLI's main runs in this process (eval-cli-inproc.ts): the same output a spawned run prints.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalMain } from './eval-cli-inproc';
import { DANCE, G1_XML, linearPolicy } from './policy-fixture';

describe('eval CLI on a policy whose actions are all NaN', () => {
  it('prints invalid (text) and status invalid with the reason (JSON), never success', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nan-policy-'));
    writeFileSync(join(dir, 'policy.onnx'), linearPolicy(154, 29, new Float32Array(154 * 29).fill(NaN)));
    copyFileSync(`${DANCE}/deploy.yaml`, join(dir, 'deploy.yaml'));
    copyFileSync(`${DANCE}/G1_Take_102.bvh_60hz.csv`, join(dir, 'G1_Take_102.bvh_60hz.csv'));
    const args = ['--robot', G1_XML, '--policy', join(dir, 'policy.onnx'), '--seconds', '0.3', '--quiet'];
    const text = await evalMain(args);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/: invalid \(/);
    expect(text.stdout).not.toMatch(/success/);
    const j = JSON.parse((await evalMain([...args, '--json'])).stdout);
    expect(j.success).toBe(false);
    expect(j.status).toBe('invalid');
    expect(j.non_finite_actions).toBeGreaterThan(0);
    expect(j.invalid_reasons.join('\n')).toMatch(/non-finite action/);
  }, 180_000);
});
