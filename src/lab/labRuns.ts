/**
 * Pure helpers of the lab controller: the runs a plan queues, and the stored plan (used only
 * while it is still valid for this version of the app).
 */
import { expandPlan, type Plan } from '../engine/lab/plan';
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

/**
 * The plan's runs as queued lab runs: on the loaded dataset, each with a fresh id, the
 * reference flag of its config, and the chosen teacher when it distils.
 */
export function queuedRuns(plan: Plan, ctx: { datasetId: DatasetInfo['id'] | null; teacherRunId: string | null; newId: () => string; createdAt: Date }): LabRun[] {
  const { groups, runs } = expandPlan(plan);
  return runs.map((p) => {
    const config = ctx.datasetId ? { ...p.config, data: { ...p.config.data, dataset: ctx.datasetId } } : p.config;
    return {
      id: ctx.newId(),
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
      teacherRunId: config.tricks.distillation?.enabled === true ? ctx.teacherRunId : null,
      checkpointEpoch: null,
      hasWeights: false,
      createdAt: ctx.createdAt.toISOString(),
    };
  });
}
