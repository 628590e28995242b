/**
 * One input for one field of the base config, drawn from its entry in the field table
 * (src/engine/configFields.ts): label, help, range and step come from there, so the single-run
 * form and the lab's baseline fields cannot disagree with the validator. A number field with
 * options is a select unless `freeNumber` is set; a value outside its options is shown as its own
 * option rather than as another model.
 */
import { fieldSpec, getAt, setAt, type BaseConfig, type ConfigPath } from '../engine/configFields';
import { choiceOptions, numberOptions } from './fieldOptions';
import { NumberField } from './NumberField';
import { SelectField } from './SelectField';

export interface ConfigFieldProps<C extends BaseConfig> {
  path: ConfigPath;
  config: C;
  onChange: (config: C) => void;
  testId: string;
  error?: string | null;
  disabled?: boolean;
  /** A number box even where the table offers options (the width multiplier in the full form). */
  freeNumber?: boolean;
}

export function ConfigField<C extends BaseConfig>({ path, config, onChange, testId, error, disabled, freeNumber }: ConfigFieldProps<C>) {
  const spec = fieldSpec(path);
  const value: unknown = getAt(config, path);
  const set = (v: unknown) => onChange(setAt(config, path, v as never));
  const common = { label: spec.label, error, disabled, testId };
  switch (spec.kind) {
    case 'number':
      if (spec.options && !freeNumber) {
        return <SelectField {...common} hint={spec.help} value={value as number} options={numberOptions(spec, value as number)} onChange={set} />;
      }
      return <NumberField {...common} hint={spec.help} value={value as number} min={spec.min} max={spec.max} step={spec.step ?? (spec.integer ? 1 : 'any')} onChange={set} />;
    case 'limit':
      return (
        <NumberField {...common} hint={spec.help} value={value as number | null} min={spec.min} step={1} placeholder="all" onChange={set} onClear={() => set(null)} />
      );
    case 'choice':
      return <SelectField {...common} hint={spec.help} value={value as string} options={choiceOptions(spec, value as string)} onChange={set} />;
    default:
      throw new Error(`${path}: a ${spec.kind} field has no input here yet`);
  }
}
