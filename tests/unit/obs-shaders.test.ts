import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { obsCommonWgsl, obsTermsWgsl, obsBuildWgsl, obsObjectsWgsl, obsShaderSource } from '../../src/core/observation/shaders';
import { objectTermList, obsTermList, obsTerms } from '../../src/core/observation/terms';
// @ts-expect-error plain JS build script without types
import { render } from '../../shaders/embed.mjs';

describe('observation WGSL', () => {
  it('src/core/observation/shaders.ts is in sync with shaders/*.wgsl (run `node shaders/embed.mjs`)', () => {
    expect(readFileSync('src/core/observation/shaders.ts', 'utf8')).toBe(render());
    expect(obsCommonWgsl).toBe(readFileSync('shaders/obs_common.wgsl', 'utf8'));
    expect(obsTermsWgsl).toBe(readFileSync('shaders/obs_terms.wgsl', 'utf8'));
    expect(obsBuildWgsl).toBe(readFileSync('shaders/obs_build.wgsl', 'utf8'));
    expect(obsObjectsWgsl).toBe(readFileSync('shaders/obs_objects.wgsl', 'utf8'));
  });

  it('every CPU term has a WGSL function and a switch case with the same id', () => {
    const cases = new Map<number, string>();
    for (const m of obsTermsWgsl.matchAll(/case (\d+)u: \{ return obs_(\w+)\(e, d\); \}/g)) cases.set(Number(m[1]), m[2]);
    for (const t of [...obsTermList, ...objectTermList]) {
      expect(cases.get(t.id), `WGSL case ${t.id}u for ${t.name}`).toBe(t.name);
      expect(obsShaderSource).toMatch(new RegExp(`fn obs_${t.name}\\(e: u32, d: u32\\) -> f32`));
    }
    expect(cases.size).toBe(obsTermList.length + objectTermList.length);
    // aliases resolve to canonical terms (no WGSL of their own); object terms are listed apart (they need objects)
    for (const t of Object.values(obsTerms)) expect([...obsTermList, ...objectTermList]).toContain(t);
  });
});
