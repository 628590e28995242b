/**
 * The page's two views as tabs: the single run (App) and the ablation lab (LabView). The single
 * run stays mounted (its form keeps what was typed); the fragment (`#view=lab`) says which
 * view a link opens.
 */
import { lazy, Suspense, useState } from 'react';
import { clientLoaders, createDownloadSession } from './downloadSession';
import { PlanFollowsDataset } from './lab/usePlanFollowsDataset';
import type { BackendName } from '../engine/config';
import type { LabController } from '../lab/labController';
import { App } from './App';
import { PageHeader } from './PageHeader';
import type { TrainingClient } from '../client/trainingClient';
import type { ConfigFromLink } from './useConfigLink';
// The tabs' own styles live in the lab's stylesheet; the page needs them before the lab is opened.
import './lab/lab.css';

export type View = 'single' | 'lab';

export interface ShellProps {
  client: TrainingClient;
  lab: LabController;
  backend: 'auto' | BackendName;
  initialView: View;
  /** The single-run config a `#config=` link carries (or why it could not be read). */
  configLink?: ConfigFromLink;
}

/** The view a URL fragment asks for. */
export function viewFromHash(hash: string): View {
  return new URLSearchParams(hash.replace(/^#/, '')).get('view') === 'lab' ? 'lab' : 'single';
}

/** The lab's view is its own chunk, loaded when first shown: the page at load parses only the single run's code. */
const LabView = lazy(() => import('./lab/LabView').then((m) => ({ default: m.LabView })));

export function Shell({ client, lab, backend, initialView, configLink }: ShellProps) {
  const [view, setView] = useState<View>(initialView);
  // The lab's dataset download outlives its view: leaving the tab does not cancel it, and its
  // progress or result is there on return; the plan records a set that arrives meanwhile.
  const [labDownloads] = useState(() => createDownloadSession(location.origin, clientLoaders(client)));
  const choose = (next: View) => {
    // Each view opens at its top: "Compare in the lab", far down the single-run page, left the
    // lab scrolled past its planner.
    if (next !== view) window.scrollTo(0, 0);
    setView(next);
    // The lab writes its own fragment (with the plan); the single run writes its config (App).
    if (next === 'single') history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  };
  const tabs = (
    <nav className="shell-tabs" role="tablist" aria-label="Views">
      <button type="button" role="tab" aria-selected={view === 'single'} onClick={() => choose('single')} data-testid="tab-single">
        Single run
      </button>
      <button type="button" role="tab" aria-selected={view === 'lab'} onClick={() => choose('lab')} data-testid="tab-lab">
        Ablation lab
      </button>
    </nav>
  );
  return (
    <>
      {/* One header for both tabs: the name, the tabs, the backend and its banner. */}
      <PageHeader client={client} lab={lab} view={view} tabs={tabs} />
      <PlanFollowsDataset lab={lab} client={client} />
      <div role="tabpanel" hidden={view !== 'single'}>
        <App
          client={client}
          backend={backend}
          active={view === 'single'}
          initialConfig={configLink?.config}
          linkProblem={configLink?.problem}
          onSendToLab={(plan) => {
            lab.setPlan(plan);
            choose('lab');
          }}
        />
      </div>
      {/* The lab's state lives in its controller (the queue runs on while it is hidden) and its
          download session (labDownloads); its view mounts only when shown, so the single-run
          page's controls stay the only ones. */}
      {view === 'lab' ? (
        <div role="tabpanel">
          <Suspense fallback={<p className="field-hint">Loading the lab…</p>}>
            <LabView lab={lab} client={client} downloads={labDownloads} active />
          </Suspense>
        </div>
      ) : null}
    </>
  );
}
