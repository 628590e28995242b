/**
 * What a config field's select offers. The table's options are suggestions, not the range: a
 * config from a file or a link may hold any value the validator allows (ResNet-1202, width ×8),
 * and the select must show that value rather than silently display another. So a value outside
 * the list becomes one more option, in order, labelled as coming from the config.
 */
import type { ChoiceFieldSpec, NumberFieldSpec } from '../engine/configFields';

export interface FieldOption<T extends string | number> {
  value: T;
  label: string;
}

/** Marks an option that is in the config but not among the field's usual choices. */
export const FROM_CONFIG = ' (from the config)';

/** A number field's options, with `value` added in order when it is not among them. */
export function numberOptions(spec: NumberFieldSpec, value: number, options: readonly number[] = spec.options ?? []): FieldOption<number>[] {
  const label = spec.optionLabel ?? String;
  const list = options.map((v) => ({ value: v, label: label(v) }));
  if (options.includes(value)) return list;
  const at = list.findIndex((o) => o.value > value);
  list.splice(at < 0 ? list.length : at, 0, { value, label: `${label(value)}${FROM_CONFIG}` });
  return list;
}

/** A choice field's options, with an unknown `value` shown last (the validator refuses it on start). */
export function choiceOptions<V extends string>(spec: ChoiceFieldSpec<V>, value: V): FieldOption<V>[] {
  const list = spec.choices.map((c) => ({ value: c.value, label: c.label }));
  return list.some((o) => o.value === value) ? list : [...list, { value, label: `${value}${FROM_CONFIG}` }];
}
