/**
 * The ablation lab page: plan, queue, charts, results, inspection, export and import. State
 * lives in the lab controller (src/lab/labController.ts, reached through useLab); the dataset
 * and backend come from the shared training client. While the lab is shown, the address bar
 * carries the plan (`#view=lab&share=…`), so the link reproduces the setup.
 */
import { useDeferredValue, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { chartedKeys } from '../../engine/lab/chartSelection';
import { analyseFactorial } from '../../engine/lab/factorialEffects';
import { expandPlan } from '../../engine/lab/plan';
import { followDataset } from '../../engine/lab/planDataset';
import { encodeSetup } from '../../engine/lab/shareLink';
import { groupKey, runGroupKey } from '../../engine/lab/summary';
import { hasEnded } from '../../engine/lab/types';
import { describeTeachers } from '../../engine/lab/teacher';
import { validatePlan } from '../../engine/lab/validatePlan';
import type { LabController } from '../../lab/labController';
import type { TrainingClient } from '../../client/trainingClient';
import { PanelBoundary } from '../PanelBoundary';
import { createLabSummary } from '../../lab/labSummary';
import { useTraining } from '../useTraining';
import { ComparisonCharts } from './ComparisonCharts';
import { FactorialResults } from './FactorialPanel';
import { ImportExportBar } from './ImportExportBar';
import { InspectPanel } from './InspectPanel';
import { LabDatasetPicker } from './LabDatasetPicker';
import { colorFor, createColorMemory } from '../colors';
import { PlannerPanel } from './PlannerPanel';
import { QueuePanel } from './QueuePanel';
import { ResultsTable } from './ResultsTable';
import { ScheduleChart } from './ScheduleChart';
import { StorageBanner } from './StorageBanner';
import { useLab } from './useLab';
import type { DownloadSession } from '../downloadSession';
import './lab.css';

export interface LabViewProps {
  lab: LabController;
  client: TrainingClient;
  /** Whether the lab is the page shown (it then keeps the URL in step with the plan). */
  active: boolean;
  /** The dataset picker's download, kept while the view is not shown (Shell). */
  downloads?: DownloadSession;
}

/** The address of this page with the plan in its fragment. */
function shareUrlFor(code: string | null): string {
  const base = `${location.origin}${location.pathname}${location.search}`;
  return code ? `${base}#view=lab&share=${code}` : `${base}#view=lab`;
}

export function LabView({ lab, client, active, downloads }: LabViewProps) {
  const state = useLab(lab);
  const training = useTraining(client);
  const { plan } = state;
  // The plan records the loaded dataset and follows it when it changes, unless made for another.
  const seenDataset = useRef(training.dataset);
  useEffect(() => {
    const recorded = followDataset(plan.dataset, seenDataset.current, training.dataset);
    seenDataset.current = training.dataset;
    if (recorded !== plan.dataset) lab.setPlan({ ...plan, dataset: recorded });
  }, [lab, plan, training.dataset]);
  // Store updates render synchronously; the lists and charts built from thousands of runs follow
  // as deferred (interruptible) renders, so an import or a reload never holds the page.
  const runs = useDeferredValue(state.runs);
  // Summaries are computed when the runs change, not while rendering (labSummary.ts).
  const summary = useMemo(() => createLabSummary(lab), [lab]);
  const { rows, runsByKey } = useDeferredValue(useSyncExternalStore(summary.subscribe, summary.getSnapshot));
  const teachers = useMemo(() => new Map(rows.flatMap((row) => [[row.key, describeTeachers(runsByKey.get(row.key) ?? [])] as const]).filter((e): e is readonly [string, string] => e[1] !== null)), [rows, runsByKey]);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const activeKey = useMemo(() => {
    const active = state.activeRunId ? runs.find((r) => r.id === state.activeRunId) : undefined;
    return active ? runGroupKey(active) : null;
  }, [runs, state.activeRunId]);
  const charted = useMemo(() => chartedKeys(rows, activeKey ? new Set([activeKey, ...picked]) : picked), [rows, picked, activeKey]);
  const pick = (key: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const factorial = useMemo(() => {
    try {
      return analyseFactorial(validatePlan(plan), runsByKey);
    } catch {
      return null;
    }
  }, [plan, runsByKey]);

  // The configs still to train (queued, else the plan's), for the schedule chart.
  const plannedConfigs = useMemo(() => {
    const pending = runs.filter((r) => r.source === 'local' && !hasEnded(r) && r.status !== 'cancelled');
    let configs = pending.map((r) => ({ label: r.label, config: r.config, teacher: r.teacher ?? null }));
    if (configs.length === 0) {
      try {
        configs = expandPlan(validatePlan(plan)).groups.map((g) => ({ label: g.label, config: g.config, teacher: null }));
      } catch {
        configs = [];
      }
    }
    const seen = new Map<string, { key: string; label: string; config: (typeof configs)[number]['config'] }>();
    for (const c of configs) {
      const key = groupKey(c.config, c.teacher);
      if (!seen.has(key)) seen.set(key, { key, label: c.label, config: c.config });
    }
    return [...seen.values()];
  }, [runs, plan]);
  // One colour per config in every chart and the table (colors.ts): the table's configs first,
  // then the planned ones; a config keeps its colour as others come and go.
  const [colorMemory] = useState(createColorMemory);
  const colors = useMemo(() => colorMemory.assign([...rows.map((r) => r.key), ...plannedConfigs.map((c) => c.key)]), [colorMemory, rows, plannedConfigs]);
  const groups = useMemo(
    () => rows.filter((row) => charted.has(row.key)).map((row) => ({ key: row.key, label: row.label, color: colors.get(row.key) ?? colorFor(0), runs: runsByKey.get(row.key) ?? [] })),
    [rows, charted, colors, runsByKey],
  );
  const scheduleConfigs = useMemo(() => plannedConfigs.map((c) => ({ ...c, color: colors.get(c.key) ?? colorFor(0) })), [plannedConfigs, colors]);

  // Runs that exist only in this tab (every run when storage never opened).
  const unsaved = useMemo(() => new Set(state.storage.inMemory ? state.runs.map((r) => r.id) : state.storage.unsavedRuns), [state.storage, state.runs]);

  const activeRun = state.activeRunId ? state.runs.find((r) => r.id === state.activeRunId) : undefined;
  const live = activeRun && state.lastStep ? { key: runGroupKey(activeRun), step: state.lastStep.step } : null;

  const shareCode = useMemo(() => {
    try {
      return encodeSetup({ config: plan.baseline, plan: validatePlan(plan) });
    } catch {
      return null;
    }
  }, [plan]);
  const shareUrl = shareUrlFor(shareCode);
  useEffect(() => {
    if (active && `${location.origin}${location.pathname}${location.search}${location.hash}` !== shareUrl) history.replaceState(history.state, '', shareUrl);
  }, [active, shareUrl]);

  return (
    <div className="lab" data-testid="lab-view" data-loaded={state.loaded}>
      <PanelBoundary name="The storage banner">
        <StorageBanner lab={lab} storage={state.storage} runs={state.runs} />
      </PanelBoundary>
      <div className="lab-layout">
        <div className="lab-side">
          <PanelBoundary name="The planner">
            <PlannerPanel
              plan={plan}
              onChange={lab.setPlan}
              runs={runs}
              dataset={training.dataset}
              backend={training.backend}
              teacherRunId={state.teacherRunId}
              onTeacher={lab.setTeacher}
              onQueue={lab.enqueuePlan}
              shareUrl={shareUrl}
              datasetPanel={<LabDatasetPicker client={client} downloads={downloads} training={training} plan={plan} onChange={lab.setPlan} busy={state.activeRunId !== null || ['starting', 'running', 'paused', 'stopping'].includes(training.phase)} />}
            />
          </PanelBoundary>
          <PanelBoundary name="The queue">
            <QueuePanel
              lab={lab}
              runs={runs}
              activeRunId={state.activeRunId}
              queueRunning={state.queueRunning}
              queueOwner={state.queueOwner}
              lastStep={state.lastStep}
              unsaved={unsaved}
              dataset={training.dataset}
              backendName={training.backend?.name ?? null}
            />
          </PanelBoundary>
        </div>
        <div className="lab-main">
          <PanelBoundary name="The import and export bar">
            <ImportExportBar lab={lab} notices={state.notices} runCount={state.runs.length} busy={state.activeRunId !== null} />
          </PanelBoundary>
          {/* The comparison first (as the single-run page's charts): accuracy and loss side by side
              on the first screen, the planned and the trained learning rates after them. */}
          <ComparisonCharts
            groups={groups}
            schedule={
              <PanelBoundary name="The schedule chart">
                <ScheduleChart configs={scheduleConfigs} dataset={training.dataset} live={live} />
              </PanelBoundary>
            }
          />
          <PanelBoundary name="The results table">
            <ResultsTable rows={rows} colors={colors} onReference={lab.setReference} charted={charted} picked={picked} onPick={pick} teachers={teachers} />
          </PanelBoundary>
          {factorial ? (
            <PanelBoundary name="The factorial effects">
              <FactorialResults analysis={factorial} />
            </PanelBoundary>
          ) : null}
          <PanelBoundary name="The inspector">
            <InspectPanel lab={lab} runs={state.runs} />
          </PanelBoundary>
        </div>
      </div>
    </div>
  );
}
