import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { LabExport } from '../engine/lab/exportFormat';
import { parseImport } from '../engine/lab/importLab';
import { createPlan } from '../engine/lab/plan';
import { summarise } from '../engine/lab/summary';
import { testDataset, testEnvironment, tinyConfig, trainTiny } from '../../test/support/testRuns';
import { makeConfig } from '../engine/config';
import type { Checkpoint } from '../engine/train/checkpoint';
import { runAblation, runsToDo, type CheckpointStore } from './runAblation';

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
    expect(rows[0].counts.finished).toBe(2);
    expect(rows[0].seeds).toEqual([1, 2]);
  });

  it('trains the plan\'s teacher first, then its distillation runs learn from its weights', async () => {
    await trainTiny(tinyConfig); // sets the CPU backend
    const withTeacher = createPlan(tinyConfig, { tricks: ['distillation'], seeds: [1], teacher: { model: { ...tinyConfig.model, depth: 14 } } });
    const started: string[] = [];
    const exported = await runAblation({ plan: withTeacher, dataset: testDataset, environment: testEnvironment, idPrefix: 'node-test', onRunStart: (r) => void started.push(r.key) });
    expect(started).toEqual(['t-s1', 'g0-s1', 'g1-s1']);
    const [teacher, baseline, student] = exported.runs;
    expect([teacher.label, teacher.result.status, teacher.result.config.model.depth]).toEqual(['teacher ResNet-14 ×0.25', 'finished', 14]);
    expect([baseline.teacherRunId, baseline.teacher]).toEqual([null, null]);
    // Without a teacher a distillation run fails; with the trained one it finishes and records it.
    expect(student.result.status).toBe('finished');
    expect(student.teacherRunId).toBe(teacher.id);
    expect(student.teacher).toEqual({ runId: teacher.id, label: teacher.label, config: teacher.result.config, valTop1: teacher.result.final!.valTop1 });
    expect(validate(JSON.parse(JSON.stringify(exported)))).toBe(true);
    // The record survives the import, and the teacher's row stands apart from the configs compared.
    const imported = parseImport(JSON.stringify(exported), 'teacher.json');
    expect(imported.runs[2].teacher?.runId).toBe(teacher.id);
    expect(summarise(imported.runs).map((r) => r.label)).toEqual(['teacher ResNet-14 ×0.25', 'baseline', '+ Knowledge distillation']);

    // A part whose student needs a teacher another part owns trains it without exporting it.
    expect(runsToDo(withTeacher, { index: 3, count: 3 }).map((r) => [r.key, r.exported])).toEqual([
      ['t-s1', false],
      ['g1-s1', true],
    ]);
    const part = await runAblation({ plan: withTeacher, dataset: testDataset, environment: testEnvironment, shard: { index: 3, count: 3 }, idPrefix: 'node-part3' });
    expect(part.runs.map((r) => [r.planKey, r.result.status, r.teacher?.label])).toEqual([['g1-s1', 'finished', 'teacher ResNet-14 ×0.25']]);
    // A process resumed after its teacher ended trains the teacher again for the students left, without writing it twice.
    const resumedKeys: string[] = [];
    const resumed = await runAblation({
      plan: withTeacher, dataset: testDataset, environment: testEnvironment, idPrefix: 'node-again',
      previous: { plan: withTeacher, runs: imported.runs.slice(0, 1) }, onRunStart: (r) => void resumedKeys.push(r.key),
    });
    expect(resumedKeys).toEqual(['t-s1', 'g0-s1', 'g1-s1']);
    expect(resumed.runs.map((r) => [r.id === teacher.id, r.planKey, r.result.status])).toEqual([[true, 't-s1', 'finished'], [false, 'g0-s1', 'finished'], [false, 'g1-s1', 'finished']]);
    expect(resumed.runs[2].teacher?.config).toEqual(teacher.result.config);
    // The same seed, data and teacher config: the two parts' students join one row with the first file's.
    expect(summarise([...imported.runs, ...parseImport(JSON.stringify(part), 'part3.json').runs.map((r) => ({ ...r, id: `${r.id}-3` }))]).map((r) => r.total)).toEqual([1, 1, 2]);
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

  it('resumes an interrupted plan: ended runs kept, the run in progress continued from its epoch checkpoint', async () => {
    const twoEpochs = makeConfig({ ...tinyConfig, run: { ...tinyConfig.run, epochs: 2 } });
    const resumable = createPlan(twoEpochs, { tricks: ['labelSmoothing'], seeds: [1] });
    const common = { plan: resumable, dataset: testDataset, environment: testEnvironment, idPrefix: 'node-test' };
    const uninterrupted = await runAblation(common);

    // Process 1: pre-empted while its first run saves the epoch-1 checkpoint.
    const files = new Map<string, Checkpoint>();
    const controller = new AbortController();
    const store: CheckpointStore = {
      load: async (key) => files.get(key) ?? null,
      save: async (key, c) => {
        files.set(key, c);
        controller.abort();
      },
      remove: async (key) => void files.delete(key),
    };
    const first = await runAblation({ ...common, checkpoints: store, signal: controller.signal });
    expect(first.runs.map((r) => [r.planKey, r.result.status])).toEqual([['g0-s1', 'stopped']]);
    expect([...files.keys()]).toEqual(['g0-s1']);

    // Process 2, given what process 1 wrote: continues g0-s1 after epoch 1, then runs g1-s1.
    const resumed: [string, number][] = [];
    const started: string[] = [];
    const quiet: CheckpointStore = { ...store, save: async (key, c) => void files.set(key, c) };
    const second = await runAblation({
      ...common, checkpoints: quiet, previous: parseImport(JSON.stringify(first), 'results.json'),
      onResume: (r, epoch) => resumed.push([r.key, epoch]), onRunStart: (r) => started.push(r.key),
    });
    expect(resumed).toEqual([['g0-s1', 1]]);
    expect(started).toEqual(['g0-s1', 'g1-s1']);
    expect(files.size).toBe(0); // removed once the runs ended
    // Exactly the uninterrupted plan's numbers: the checkpoint carries weights, momentum and generators.
    const metrics = (e: LabExport) => e.runs.map((r) => [r.planKey, r.result.status, r.result.epochs.map((m) => [m.trainLoss, m.valTop1])]);
    expect(metrics(second)).toEqual(metrics(uninterrupted));

    // Process 3: everything ended, nothing is run again; another plan's file is refused.
    const again: string[] = [];
    const third = await runAblation({ ...common, previous: parseImport(JSON.stringify(second), 'results.json'), onRunStart: (r) => again.push(r.key) });
    expect(again).toEqual([]);
    expect(third.runs).toHaveLength(2);
    await expect(runAblation({ ...common, plan: plan, previous: parseImport(JSON.stringify(second), 'results.json') })).rejects.toThrow(/holds another plan/);
  });
});
