/**
 * A labelled number input that lets the user type freely ('0.', '', '1e-') and reports a number
 * only when the text parses; an optional `onClear` makes an empty box mean "no limit".
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
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
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
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={testId}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === '') onClear?.();
          else if (Number.isFinite(Number(t))) onChange(Number(t));
        }}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
