/**
 * A labelled number input that lets the user type freely ('0.', '', '1e-') and reports a number
 * only when the text parses; an optional `onClear` makes an empty box mean "no limit". A number
 * outside the field's range (or not whole where the step is 1) is said beside it as it is typed,
 * in the validator's words, before Start or Queue would refuse it; an error from outside (the
 * worker's, the planner's) takes precedence.
 */
import { useId, useState } from 'react';

export interface NumberFieldProps {
  label: string;
  value: number | null;
  onChange: (value: number) => void;
  /** When given, clearing the box calls it (the value becomes null, e.g. "all images"). */
  onClear?: () => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  placeholder?: string;
  /** Shown under the input in red, and marks it invalid for assistive technology. */
  error?: string | null;
  hint?: string;
  disabled?: boolean;
  testId: string;
}

const show = (v: number | null) => (v === null ? '' : String(v));

/** What is wrong with the typed `text` for a field of this range and step, or null (also for an empty or unparsed box). */
export function rangeProblem(text: string, min?: number, max?: number, step: number | 'any' = 'any'): string | null {
  if (text.trim() === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) return null;
  const low = min !== undefined && v < min;
  const high = max !== undefined && v > max;
  if ((low || high) && min !== undefined && max !== undefined) return `must be between ${min} and ${max} (got ${text.trim()})`;
  if (low) return `must be at least ${min} (got ${text.trim()})`;
  if (high) return `must be at most ${max} (got ${text.trim()})`;
  if (step === 1 && !Number.isInteger(v)) return `must be a whole number (got ${text.trim()})`;
  return null;
}

export function NumberField(props: NumberFieldProps) {
  const { label, value, onChange, onClear, min, max, step = 'any', placeholder, error, hint, disabled, testId } = props;
  const id = useId();
  const [text, setText] = useState(show(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The value changed from outside (a reset, a loaded config): show it unless the text means it already.
    setShown(value);
    if (text.trim() === '' ? value !== null : Number(text) !== value) setText(show(value));
  }
  const problem = error ?? rangeProblem(text, min, max, step);
  const describedBy = problem ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={text}
        min={min}
        max={max}
        step={step}
        placeholder={placeholder}
        disabled={disabled}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy}
        data-testid={testId}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === '') onClear?.();
          else if (Number.isFinite(Number(t))) onChange(Number(t));
        }}
      />
      {problem ? (
        <span id={`${id}-error`} className="field-error">
          {problem}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
