/**
 * The app's first frame must not wait for a physics engine: Rapier's module is 4.3 MB of JavaScript (its wasm inlined
 * as base64) and MuJoCo's 10.8 MB. The app loads them with import() when a robot needs physics; this test walks the
 * static imports from the app's entry (type-only imports and import() left out) and fails on any path that reaches
 * an engine package, naming the chain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINES = ['@dimforge/rapier3d-compat', 'mujoco-js'];

/** Static value imports and re-exports of a TypeScript file (not `import type`, not `export type`, not import()). */
function staticImports(text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

function resolveTs(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = join(dirname(from), spec);
  for (const p of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(p) && p.endsWith('.ts')) return p;
  return null;
}

/** The first chain of static imports from `entry` to one of `packages`, or null. */
function chainTo(entry: string, packages: string[]): string[] | null {
  const seen = new Set<string>([entry]);
  const todo: string[][] = [[entry]];
  while (todo.length) {
    const chain = todo.shift()!;
    const file = chain[chain.length - 1];
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (packages.some((p) => spec === p || spec.startsWith(`${p}/`))) return [...chain, spec];
      const next = resolveTs(file, spec);
      if (next && !seen.has(next)) {
        seen.add(next);
        todo.push([...chain, next]);
      }
    }
  }
  return null;
}

describe('app start-up imports', () => {
  it('the walker sees a static engine import where there is one (the Rapier backend)', () => {
    expect(chainTo('src/core/physics/rapier.ts', ENGINES)).toEqual(['src/core/physics/rapier.ts', '@dimforge/rapier3d-compat']);
  });

  it('no static import chain leads from src/app/main.ts to a physics engine package', () => {
    const chain = chainTo('src/app/main.ts', ENGINES);
    expect(chain && chain.map((p) => (p.startsWith('src') ? relative('.', p) : p)).join(' → ')).toBeNull();
  });
});
