// The page's main thread loads without tfjs: following every runtime import (type-only imports
// are erased) from src/main.tsx through the repository's files reaches no @tensorflow package.
// The worker (src/worker/) is reached only through `new Worker(new URL(...))`, not an import.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, it } from 'vitest';

const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** The file a relative specifier names (TypeScript's extension rules), or null for a package or asset. */
function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  return ['', '.ts', '.tsx', '/index.ts', '/index.tsx'].map((ext) => base + ext).find((p) => existsSync(p) && /\.tsx?$/.test(p)) ?? null;
}

/** Every package a module graph imports at run time, with the file that imports it. */
function runtimePackages(entry: string): Map<string, string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  const packages = new Map<string, string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const local = resolveLocal(file, spec);
      if (local === null) {
        if (!spec.startsWith('.')) packages.set(spec, file);
      } else if (!seen.has(local)) {
        seen.add(local);
        queue.push(local);
      }
    }
  }
  return packages;
}

it('imports no tfjs package from the page\'s entry at load', () => {
  const packages = runtimePackages(resolve('src/main.tsx'));
  const tf = [...packages].filter(([name]) => name.startsWith('@tensorflow/'));
  expect(tf, 'a main-thread module imports tfjs; move its tensor code to the worker side (tricks: catalog.ts holds the metadata)').toEqual([]);
  // The walk does reach the engine's config validation and the trick catalog.
  expect(packages.size).toBeGreaterThan(0);
});

it('finds tfjs when a module imports it (the walk follows runtime imports)', () => {
  const packages = runtimePackages(resolve('src/engine/tricks/registry.ts'));
  // Through a trick module, or a kernel a trick uses (fp16Weights → kernels/…).
  expect(packages.get('@tensorflow/tfjs')).toMatch(/src\/engine\/(tricks|kernels)\/\w+\.ts$/);
});
