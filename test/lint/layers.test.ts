/**
 * The lint config's layer rules, proved on wrong imports: each case lints one line of source as
 * if it sat at the given path, and expects the named rule to fire (or stay quiet).
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rule ids that fire on `source` placed at `file` (repository-relative). */
async function rulesFired(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath: `${ROOT}${file}` });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe('layer rules', () => {
  it.each([
    ['src/engine/train/probe.ts', "import { x } from '../../ui/App';"],
    ['src/engine/train/probe.ts', "import { x } from '../../client/trainingClient';"],
    ['src/engine/probe.ts', "import { x } from '../lab/labStore';"],
    ['src/engine/data/probe.ts', "import { x } from '../../node/webgpu';"],
    ['src/lab/probe.ts', "import { x } from '../ui/lab/LabView';"],
    ['src/ui/probe.ts', "import { x } from '../../test/support/testRuns';"],
    ['src/engine/lab/probe.ts', "export { x } from '../../../test/support/testRuns';"],
  ])('%s: %s is refused', async (file, source) => {
    expect(await rulesFired(file, source)).toContain('trick-lab/layers');
  });

  it.each([
    ['src/engine/probe.ts', "import { x } from 'node:fs';"],
    ['src/engine/probe.ts', "import { x } from 'fs/promises';"],
    ['src/engine/train/probe.ts', "import { x } from 'vitest';"],
    ['src/engine/probe.ts', "import { x } from 'react';"],
  ])('%s: %s is refused', async (file, source) => {
    expect(await rulesFired(file, source)).toContain('no-restricted-imports');
  });

  it.each([
    // engine/lab seen from engine/train: the same specifier as src/lab seen from src/engine.
    ['src/engine/train/probe.ts', "import { x } from '../lab/summary';"],
    ['src/engine/probe.ts', "import { x } from './events';"],
    ['src/engine/probe.test.ts', "import { x } from 'vitest';"],
    ['src/engine/probe.test.ts', "import { x } from '../../test/support/testRuns';"],
    ['src/lab/probe.ts', "import { x } from '../client/trainingClient';"],
    ['src/ui/probe.ts', "import { x } from '../engine/config';"],
  ])('%s: %s is allowed', async (file, source) => {
    expect(await rulesFired(file, source)).toEqual([]);
  });
});
