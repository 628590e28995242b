/**
 * Pure helpers of the lab controller: the runs a plan queues (with the plan's own teacher or a
 * chosen finished run teaching its distillation runs), the next run the queue can start (a
 * student waits for its teacher), and the stored plan (used only while it is still valid for
 * this version of the app).
 */
import { expandPlan, type Plan } from '../engine/lab/plan';
import { datasetMismatch } from '../engine/lab/planDataset';
import { needsTeacher, teacherMismatch, teacherRecord, type TeacherRecord } from '../engine/lab/teacher';
import type { LabRun } from '../engine/lab/types';
import { validatePlan } from '../engine/lab/validatePlan';
import type { DatasetInfo } from '../worker/protocol';
import type { LabMeta } from './labStore';

/** The stored plan, when it is still a valid plan for this version of the app. */
export function storedPlan(meta: LabMeta | null): Plan | null {
  try {
    return meta?.plan ? validatePlan(meta.plan) : null;
  } catch {
    return null;
  }
}

/** The data the student trains on, as the teacher matching needs it. */
const studentData = (config: LabRun['config'], dataset: DatasetInfo) => ({ config, numClasses: dataset.classNames.length, heldOut: dataset.testCount === 0 });

/** What a finished run teaching `student` on `dataset` would differ in, or null when it matches. */
export function teacherProblem(teacher: LabRun, student: LabRun['config'], dataset: DatasetInfo): string | null {
  return teacherMismatch({ config: teacher.config, numClasses: teacher.result?.dataset.numClasses ?? null }, studentData(student, dataset));
}

/**
 * The plan's runs as queued lab runs: on the loaded dataset, each with a fresh id and the
 * reference flag of its config. A run that distils is taught by the plan's teacher of its seed
 * (queued before it) or, without one, by the chosen finished run `teacher`.
 */
export function queuedRuns(plan: Plan, ctx: { datasetId: DatasetInfo['id'] | null; teacher: LabRun | null; newId: () => string; createdAt: Date }): LabRun[] {
  const { groups, runs } = expandPlan(plan);
  const ids = new Map(runs.map((p) => [p.key, ctx.newId()]));
  const onData = (config: LabRun['config']) => (ctx.datasetId ? { ...config, data: { ...config.data, dataset: ctx.datasetId } } : config);
  const planned = new Map(runs.map((p) => [p.key, { runId: ids.get(p.key)!, label: p.label, config: onData(p.config), valTop1: null } satisfies TeacherRecord]));
  return runs.map((p) => {
    const config = onData(p.config);
    const teacher = p.teacherKey ? planned.get(p.teacherKey)! : ctx.teacher && needsTeacher(config) ? teacherRecord(ctx.teacher) : null;
    return {
      id: ids.get(p.key)!,
      label: p.label,
      planKey: p.key,
      reference: groups[p.group].isReference,
      config,
      status: 'queued',
      message: null,
      epochs: [],
      steps: [],
      result: null,
      source: 'local',
      origin: null,
      teacherRunId: teacher?.runId ?? null,
      teacher,
      checkpointEpoch: null,
      hasWeights: false,
      createdAt: ctx.createdAt.toISOString(),
    };
  });
}

/** Why the plan cannot be queued on `dataset` (another set than it records, or the chosen teacher's), or null. */
export function queueProblem(plan: Plan, teacher: LabRun | null, dataset: DatasetInfo | null): string | null {
  const mismatch = dataset ? datasetMismatch(plan.dataset, dataset) : null;
  if (mismatch) return mismatch;
  if (plan.teacher || !dataset) return null;
  const students = expandPlan(plan).groups.filter((g) => needsTeacher(g.config));
  if (students.length === 0) return null;
  if (!teacher) return 'Choose a finished run as the teacher, or let the plan train one.';
  const config = { ...students[0].config, data: { ...students[0].config.data, dataset: dataset.id } };
  // Every seed of the plan: a held-out split depends on it.
  const seeds = plan.seeds.map((seed) => teacherProblem(teacher, { ...config, run: { ...config.run, seed } }, dataset)).filter((p) => p !== null);
  return seeds[0] ?? null;
}

/**
 * The first queued run the queue can start, with its teacher's record as it stands now (its
 * final top-1 once it finished), or with the reason it must fail instead. A run whose teacher is
 * still queued, running or interrupted waits; one whose teacher ended otherwise, or left the
 * lab, or learnt from other data, fails with a message saying so.
 */
export function nextRunnable(runs: readonly LabRun[], dataset: DatasetInfo): { run: LabRun; teacher: TeacherRecord | null; problem: string | null } | null {
  for (const run of runs) {
    if (run.status !== 'queued') continue;
    if (!run.teacherRunId) return { run, teacher: null, problem: null };
    const teacher = runs.find((r) => r.id === run.teacherRunId);
    if (!teacher) return { run, teacher: run.teacher ?? null, problem: 'its teacher run is no longer in the lab; choose another teacher and retry' };
    if (teacher.status === 'queued' || teacher.status === 'running' || teacher.status === 'interrupted') continue;
    if (teacher.status !== 'finished') {
      return { run, teacher: teacherRecord(teacher), problem: `its teacher (${teacher.label}, seed ${teacher.config.run.seed}) ${teacher.status}: nothing to distil from; retry the teacher, then this run` };
    }
    return { run, teacher: teacherRecord(teacher), problem: teacherProblem(teacher, run.config, dataset) };
  }
  return null;
}
