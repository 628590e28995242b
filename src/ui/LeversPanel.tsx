/**
 * The architecture levers (network, activation, SE, skip connections, ResNet-B/C/D of He et al.
 * 2019 §4.1, and depth, width, resolution), generated from src/engine/model/levers.ts: a
 * checkbox for an on/off lever, a select for the others, each named by the lever's name, its
 * explanation shown on hover and focus. A lever that does not apply to the chosen network is
 * disabled and says why beside it. `omit` leaves out levers another panel already shows.
 */
import { useId } from 'react';
import type { ExperimentConfig } from '../engine/config';
import { leverValue, LEVERS, withLever, type Lever, type LeverOption, type LeverValue } from '../engine/model/levers';
import './LeversPanel.css';

export interface LeversPanelProps {
  config: ExperimentConfig;
  onChange: (config: ExperimentConfig) => void;
  disabled: boolean;
  /** Lever ids not to render here (e.g. depth, width, resolution in the run settings). */
  omit?: readonly string[];
  levers?: readonly Lever[];
}

const isOnOff = (lever: Lever): boolean => lever.options.every((o) => typeof o.value === 'boolean');

/** The options, plus the current value when the config holds one the lever does not list (e.g. depth 8). */
function optionsWithCurrent(lever: Lever, current: LeverValue): LeverOption[] {
  return lever.options.some((o) => o.value === current) ? lever.options : [{ value: current, label: String(current) }, ...lever.options];
}

function LeverControl({ lever, config, onChange }: { lever: Lever; config: ExperimentConfig; onChange: (c: ExperimentConfig) => void }) {
  const id = useId();
  const reason = lever.notApplicable(config);
  const current = leverValue(config, lever);
  const tip = `${lever.explanation} (${lever.reference})`;
  const describedBy = [`${id}-explanation`, reason ? `${id}-reason` : null].filter(Boolean).join(' ');
  // Values not in the lever's list (kept only for display) are set directly.
  const set = (value: LeverValue) => {
    const known = lever.options.some((o) => o.value === value);
    onChange(known ? withLever(config, lever, value) : config);
  };

  const control = isOnOff(lever) ? (
    <label htmlFor={id} title={tip}>
      <input
        id={id}
        type="checkbox"
        checked={current === true}
        disabled={reason !== null}
        aria-describedby={describedBy}
        data-testid={`lever-${lever.id}`}
        onChange={(e) => set(e.target.checked)}
      />{' '}
      {lever.name}
    </label>
  ) : (
    <>
      <label htmlFor={id} title={tip}>
        {lever.name}
      </label>
      <select
        id={id}
        title={tip}
        value={String(current)}
        disabled={reason !== null}
        aria-describedby={describedBy}
        data-testid={`lever-${lever.id}`}
        onChange={(e) => {
          const chosen = optionsWithCurrent(lever, current).find((o) => String(o.value) === e.target.value);
          if (chosen) set(chosen.value);
        }}
      >
        {optionsWithCurrent(lever, current).map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );

  return (
    <li className={isOnOff(lever) ? 'lever lever-toggle' : 'field lever'} data-testid={`lever-${lever.id}-row`}>
      {control}
      <span id={`${id}-explanation`} className="lever-explanation field-hint">
        {tip}
      </span>
      {reason ? (
        <span id={`${id}-reason`} className="field-hint" data-testid={`lever-${lever.id}-reason`}>
          not applicable: {reason}
        </span>
      ) : null}
    </li>
  );
}

export function LeversPanel({ config, onChange, disabled, omit = [], levers = LEVERS }: LeversPanelProps) {
  const shown = levers.filter((l) => !omit.includes(l.id));
  return (
    <fieldset className="panel levers-panel" disabled={disabled} data-testid="levers-panel">
      <legend>Architecture</legend>
      <ul className="trick-list">
        {shown.map((lever) => (
          <LeverControl key={lever.id} lever={lever} config={config} onChange={onChange} />
        ))}
      </ul>
    </fieldset>
  );
}
