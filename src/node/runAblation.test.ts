import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { LabExport } from '../engine/lab/exportFormat';
import { parseImport } from '../engine/lab/importLab';
import { createPlan } from '../engine/lab/plan';
import { summarise } from '../engine/lab/summary';
import { testDataset, testEnvironment, tinyConfig, trainTiny } from '../../test/support/testRuns';
import { runAblation, runsToDo } from './runAblation';

const schema = JSON.parse(readFileSync(new URL('../../docs/lab-export.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ strict: true });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
const validate = ajv.compile(schema);

const plan = createPlan(tinyConfig, { tricks: ['labelSmoothing'], seeds: [1, 2] });

describe('runAblation (npm run ablate)', () => {
  it('runs a shard of the plan and writes an export that validates and imports', async () => {
    await trainTiny(tinyConfig); // sets the CPU backend
    const progress: number[] = [];
    const exported = await runAblation({
      plan,
      dataset: testDataset,
      environment: testEnvironment,
      shard: { index: 1, count: 2 },
      idPrefix: 'node-test',
      onProgress: (e) => void progress.push(e.runs.length),
    });
    expect(runsToDo(plan, { index: 1, count: 2 }).map((r) => r.key)).toEqual(['g0-s1', 'g0-s2']);
    expect(progress).toEqual([1, 2]);
    expect(exported.runs.map((r) => [r.planKey, r.reference, r.result.status])).toEqual([
      ['g0-s1', true, 'finished'],
      ['g0-s2', true, 'finished'],
    ]);
    expect(exported.environment.runtime).toBe('node');
    const json = JSON.parse(JSON.stringify(exported)) as LabExport;
    expect(validate(json)).toBe(true);
    // The other shard's file imports beside it into one table.
    const imported = parseImport(JSON.stringify(exported), 'part1.json');
    const rows = summarise(imported.runs);
    expect(rows).toHaveLength(1);
    expect(rows[0].finished).toBe(2);
    expect(rows[0].seeds).toEqual([1, 2]);
  });

  it('stops when aborted and keeps the runs done', async () => {
    const controller = new AbortController();
    const exported = await runAblation({
      plan,
      dataset: testDataset,
      environment: testEnvironment,
      idPrefix: 'node-test',
      signal: controller.signal,
      onRunStart: (_r, i) => {
        if (i === 2) controller.abort();
      },
    });
    expect(exported.runs.map((r) => r.result.status)).toEqual(['finished', 'stopped']);
  });
});
