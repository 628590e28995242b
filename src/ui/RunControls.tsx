/** Start, Copy link (the setup as a URL), Pause/Resume, Stop, and the download of the finished run's results JSON. */
import type { RunPhase } from '../client/trainingClient';
import { CopyLinkButton } from './CopyLinkButton';

export interface RunControlsProps {
  phase: RunPhase;
  canStart: boolean;
  hasResult: boolean;
  onStart: () => void;
  onPause: () => void;
  onResume: () => void;
  onStop: () => void;
  onDownload: () => void;
  /** The setup as a link (null while the settings are not valid). */
  link?: string | null;
}

export function RunControls({ phase, canStart, hasResult, onStart, onPause, onResume, onStop, onDownload, link = null }: RunControlsProps) {
  const live = phase === 'starting' || phase === 'running' || phase === 'paused';
  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      <button type="button" className="primary" onClick={onStart} disabled={!canStart} data-testid="run-start">
        Start
      </button>
      <CopyLinkButton link={link} />
      {phase === 'paused' ? (
        <button type="button" onClick={onResume} data-testid="run-resume">
          Resume
        </button>
      ) : (
        <button type="button" onClick={onPause} disabled={!live} data-testid="run-pause">
          Pause
        </button>
      )}
      <button type="button" onClick={onStop} disabled={!live} data-testid="run-stop">
        Stop
      </button>
      <button type="button" onClick={onDownload} disabled={!hasResult} data-testid="download-results">
        Download results JSON
      </button>
    </div>
  );
}
