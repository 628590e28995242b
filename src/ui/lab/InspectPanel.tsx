/**
 * Inspecting a finished run: the worker rebuilds its saved weights and predicts the validation
 * split, giving the confusion matrix (rows: true class, columns: predicted) and a grid of the
 * first validation images with their true and predicted labels.
 */
import { useEffect, useRef, useState } from 'react';
import type { Predictions } from '../../engine/lab/predict';
import type { LabRun } from '../../engine/lab/types';
import type { LabController } from '../../lab/labController';
import { PEAK_LABEL } from './ResultsTable';
import { errorMessage } from '../../engine/errorMessage';

export interface InspectPanelProps {
  lab: LabController;
  runs: readonly LabRun[];
}

const SAMPLES = 24;

function Thumbnail({ images, index }: { images: Uint8Array; index: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const data = ctx.createImageData(32, 32);
    const offset = index * 32 * 32 * 3;
    for (let p = 0; p < 32 * 32; p++) {
      data.data[4 * p] = images[offset + 3 * p];
      data.data[4 * p + 1] = images[offset + 3 * p + 1];
      data.data[4 * p + 2] = images[offset + 3 * p + 2];
      data.data[4 * p + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
  }, [images, index]);
  return <canvas ref={canvas} width={32} height={32} className="lab-thumb" />;
}

function ConfusionMatrix({ p }: { p: Predictions }) {
  const max = Math.max(1, ...p.confusion.flat());
  return (
    <table className="lab-confusion" data-testid="lab-confusion" aria-label="Confusion matrix: rows are true classes, columns predicted">
      <thead>
        <tr>
          <th>true \ predicted</th>
          {p.classNames.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {p.confusion.map((row, i) => (
          <tr key={p.classNames[i] ?? i}>
            <th scope="row">{p.classNames[i]}</th>
            {row.map((n, j) => (
              <td key={j} className={i === j ? 'lab-diagonal' : undefined} style={{ background: `rgba(37, 99, 235, ${(0.85 * n) / max})`, color: n / max > 0.5 ? '#fff' : undefined }}>
                {n}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InspectPanel({ lab, runs }: InspectPanelProps) {
  const choices = runs.filter((r) => r.hasWeights && r.status === 'finished');
  const [runId, setRunId] = useState<string>('');
  const [result, setResult] = useState<{ runId: string; p: Predictions } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = choices.find((r) => r.id === runId) ?? choices[0];
  const inspect = () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    lab.predict(chosen.id, SAMPLES).then(
      (p) => setResult({ runId: chosen.id, p }),
      (err: unknown) => setError(errorMessage(err)),
    ).finally(() => setBusy(false));
  };
  const p = result?.p;
  return (
    <section className="panel lab-inspect" aria-label="Inspect a run">
      <h2>Inspect a run</h2>
      <div className="run-controls">
        <select aria-label="Run to inspect" value={chosen?.id ?? ''} onChange={(e) => setRunId(e.target.value)} disabled={choices.length === 0} data-testid="lab-inspect-run">
          {choices.length === 0 ? <option value="">no finished run with saved weights</option> : null}
          {choices.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}, seed {r.config.run.seed}
            </option>
          ))}
        </select>
        <button type="button" onClick={inspect} disabled={!chosen || busy} data-testid="lab-inspect">
          {busy ? 'Predicting…' : 'Inspect'}
        </button>
      </div>
      {chosen?.result?.final ? (
        <p className="field-hint" data-testid="lab-inspect-accuracy">
          Final top-1 {(100 * chosen.result.final.valTop1).toFixed(1)}% · {PEAK_LABEL.toLowerCase()} {(100 * chosen.result.final.bestValTop1).toFixed(1)}%
        </p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
      {p ? (
        <div className="lab-inspect-body">
          <p data-testid="lab-inspect-summary">
            {p.correct} of {p.total} validation images right ({((100 * p.correct) / Math.max(1, p.total)).toFixed(1)}%).
          </p>
          <ConfusionMatrix p={p} />
          <ul className="lab-grid" aria-label="Validation images with true and predicted labels" data-testid="lab-image-grid">
            {p.samples.labels.map((label, i) => {
              const predicted = p.samples.predicted[i];
              return (
                <li key={i} className={predicted === label ? 'lab-right' : 'lab-wrong'}>
                  <Thumbnail images={p.samples.images} index={i} />
                  <span>true: {p.classNames[label]}</span>
                  <span>pred: {p.classNames[predicted]}</span>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
