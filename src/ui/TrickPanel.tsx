/**
 * The Bag-of-Tricks toggles (He et al. 2019), generated from the registry: one checkbox per
 * trick (its accessible name is the trick's name as in the paper, its one-line explanation shown
 * under it and read as its description, a link to its section of the protocol) and its declared parameters as number inputs. The panel
 * needs no change when a trick is added to src/engine/tricks/catalog.ts.
 */
import type { ExperimentConfig, TrickSetting } from '../engine/config';
import { TRICK_CATALOG } from '../engine/tricks/catalog';
import { recipeOf, trickParams, type TrickInfo } from '../engine/tricks/types';
import { NumberField } from './NumberField';
import { protocolHref } from './protocolLink';

export interface TrickPanelProps {
  config: ExperimentConfig;
  onChange: (config: ExperimentConfig) => void;
  disabled: boolean;
  tricks?: readonly TrickInfo[];
}

export function TrickPanel({ config, onChange, disabled, tricks = TRICK_CATALOG }: TrickPanelProps) {
  const settingOf = (trick: TrickInfo): TrickSetting => config.tricks[trick.id] ?? { enabled: false, params: {} };
  const setSetting = (trick: TrickInfo, setting: TrickSetting) => onChange({ ...config, tricks: { ...config.tricks, [trick.id]: setting } });

  return (
    <fieldset className="panel trick-panel" disabled={disabled} data-testid="trick-panel">
      <legend>Tricks</legend>
      {tricks.length === 0 ? <p className="field-hint">No tricks registered yet (src/engine/tricks/catalog.ts).</p> : null}
      <ul className="trick-list">
        {tricks.map((trick) => {
          const setting = settingOf(trick);
          const reason = trick.notApplicable?.(config) ?? null;
          return (
            <li key={trick.id} className={setting.enabled ? 'trick trick-on' : 'trick'} data-testid={`trick-${trick.id}`}>
              <div className="trick-head">
                <label title={`${trick.explanation} (${trick.reference})`}>
                  <input
                    type="checkbox"
                    checked={setting.enabled}
                    onChange={(e) => setSetting(trick, { ...setting, enabled: e.target.checked })}
                    aria-describedby={reason ? `trick-${trick.id}-explanation trick-${trick.id}-note` : `trick-${trick.id}-explanation`}
                    data-testid={`trick-${trick.id}-toggle`}
                  />{' '}
                  {trick.name}
                </label>
                <a className="trick-protocol field-hint" href={protocolHref(trick.id)} target="_blank" rel="noopener" title="How it is applied" data-testid={`trick-${trick.id}-protocol`}>
                  protocol
                </a>
              </div>
              {/* One line under the name (the whole of it as its tooltip), all of it while the trick is on. */}
              <p className="trick-explanation field-hint" title={trick.explanation} id={`trick-${trick.id}-explanation`} data-testid={`trick-${trick.id}-explanation`}>
                {trick.explanation}
              </p>
              {/* Under the explanation, indented as it is, and read with the toggle. */}
              {reason ? (
                <p className="trick-note field-hint" id={`trick-${trick.id}-note`} data-testid={`trick-${trick.id}-note`}>
                  not applicable: {reason}
                </p>
              ) : null}
              {setting.enabled && trick.params.length > 0 ? (
                <div className="trick-params">
                  {trick.params.map((p) => (
                    <NumberField
                      key={p.key}
                      label={p.unit ? `${p.label} (${p.unit})` : p.label}
                      value={setting.params[p.key] ?? p.default}
                      min={p.min}
                      max={p.max}
                      step={p.step ?? (p.integer ? 1 : 'any')}
                      onChange={(v) => setSetting(trick, { ...setting, params: { ...setting.params, [p.key]: v } })}
                      testId={`trick-${trick.id}-${p.key}`}
                    />
                  ))}
                  {trick.recipes ? <TrickRecipes trick={trick} config={config} onPick={(params) => setSetting(trick, { ...setting, params: { ...params } })} /> : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** The published settings of a trick's parameters; the one in use (if any) is named. */
function TrickRecipes({ trick, config, onPick }: { trick: TrickInfo; config: ExperimentConfig; onPick: (params: Record<string, number>) => void }) {
  const current = recipeOf(trick, trickParams(trick, config));
  return (
    <p className="field-hint trick-recipes" data-testid={`trick-${trick.id}-recipe`}>
      {current ? `Recipe: ${current.label}, ${current.source}.` : 'A setting of your own.'}{' '}
      {trick.recipes
        ?.filter((r) => r !== current)
        .map((r) => (
          <button key={r.label} type="button" title={r.source} onClick={() => onPick(r.params)}>
            Use {r.label}
          </button>
        ))}
    </p>
  );
}
