/**
 * Loads a named recipe (src/engine/presets.ts) into the form: the paper's baseline, the Bag of
 * Tricks on top of it, or a quick run; each shows the accuracy it should reach on CIFAR-10 and
 * where that number comes from. The form stays editable afterwards; the user's backend,
 * kernels, seed and log interval are kept.
 */
import { memo, useId, useState } from 'react';
import type { ExperimentConfig } from '../engine/config';
import { PRESETS, presetConfig } from '../engine/presets';
import './PresetPicker.css';

export interface PresetPickerProps {
  config: ExperimentConfig;
  onLoad: (config: ExperimentConfig) => void;
  disabled: boolean;
}

/** Memoised: it re-renders on its own state and props, not on the training's progress ticks. */
export const PresetPicker = memo(function PresetPicker({ config, onLoad, disabled }: PresetPickerProps) {
  const id = useId();
  const [presetId, setPresetId] = useState(PRESETS[0].id);
  const preset = PRESETS.find((p) => p.id === presetId) ?? PRESETS[0];
  const { top1, kind, source } = preset.expected;

  return (
    <section className="panel preset-picker" aria-labelledby={`${id}-title`} data-testid="preset-picker">
      <h2 id={`${id}-title`}>Recipes</h2>
      <div className="field">
        <label htmlFor={`${id}-preset`}>Preset</label>
        <select id={`${id}-preset`} value={presetId} onChange={(e) => setPresetId(e.target.value as typeof presetId)} data-testid="preset-select">
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <p>{preset.description}</p>
      <p data-testid="preset-expected">
        Expected: <strong>{top1}%</strong> top-1 on the CIFAR-10 test set ({kind === 'reported' ? 'reported' : 'estimate'}).{' '}
        <span className="field-hint">{source}</span>
      </p>
      <button type="button" onClick={() => onLoad(presetConfig(preset, config.run))} disabled={disabled} data-testid="preset-load">
        Load “{preset.name}”
      </button>
    </section>
  );
});
