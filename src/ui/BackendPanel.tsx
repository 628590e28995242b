/**
 * What the run trains on: the tfjs backend, the GPU adapter behind it and the throughput, with
 * a banner whenever training is not on WebGPU (and why), since CPU/WebGL numbers are not
 * comparable with WebGPU ones.
 */
import type { BackendInfo } from '../engine/events';

export interface BackendPanelProps {
  backend: BackendInfo | null;
  initError: string | null;
  imagesPerSecond: number | null;
}

export function FallbackBanner({ backend, initError }: Omit<BackendPanelProps, 'imagesPerSecond'>) {
  if (initError) {
    return (
      <div className="banner banner-error" role="alert" data-testid="init-error">
        No training backend could start: {initError}
      </div>
    );
  }
  if (!backend || backend.name === 'webgpu') return null;
  return (
    <div className="banner banner-warning" role="alert" data-testid="fallback-banner">
      Training on <strong>{backend.name}</strong>, not WebGPU: it will be much slower and its timings are not comparable.{' '}
      {backend.fallbackReason ? `Why: ${backend.fallbackReason}.` : 'WebGPU was not requested.'}
    </div>
  );
}

export function BackendPanel({ backend, imagesPerSecond }: BackendPanelProps) {
  const adapter = backend?.adapter;
  return (
    <dl className="backend-panel" aria-label="Backend">
      <div>
        <dt>Backend</dt>
        <dd data-testid="backend-name">{backend ? backend.name : 'starting…'}</dd>
      </div>
      <div>
        <dt>Adapter</dt>
        <dd data-testid="adapter-info" data-fallback-adapter={adapter ? String(adapter.isFallbackAdapter === true) : undefined} title={adapter?.description || undefined}>
          {adapter ? (
            <>
              <span data-testid="adapter-vendor">{adapter.vendor || '?'}</span> / <span data-testid="adapter-architecture">{adapter.architecture || '?'}</span>
              {adapter.description ? (
                <>
                  {' '}
                  (<span data-testid="adapter-description">{adapter.description}</span>)
                </>
              ) : null}
              {adapter.isFallbackAdapter ? <span className="adapter-software"> (software)</span> : null}
            </>
          ) : (
            '–'
          )}
        </dd>
      </div>
      <div>
        <dt>Throughput</dt>
        <dd className="throughput" data-testid="images-per-second">{imagesPerSecond === null ? '–' : `${imagesPerSecond.toFixed(1)} img/s`}</dd>
      </div>
    </dl>
  );
}
