/**
 * Which tricks the plan varies, generated from the trick registry: a checkbox per trick, the
 * chosen ones in order (↑/↓ set the stacking order of a cumulative plan, as the rows of Table 6
 * of He et al. 2019), or, for a custom plan, a list of entries each with its own set of tricks.
 */
import type { Plan, PlanVariant } from '../../engine/lab/plan';
import { TRICK_CATALOG } from '../../engine/tricks/catalog';
import { protocolHref } from '../protocolLink';

export interface TrickChooserProps {
  plan: Plan;
  onChange: (plan: Plan) => void;
  disabled: boolean;
}

const nameOf = (id: string) => TRICK_CATALOG.find((t) => t.id === id)?.name ?? id;

function toggle(list: readonly string[], id: string, on: boolean): string[] {
  return on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id);
}

function VariantRow({ variant, index, onChange, onRemove, disabled }: { variant: PlanVariant; index: number; onChange: (v: PlanVariant) => void; onRemove: () => void; disabled: boolean }) {
  return (
    <li className="lab-variant" data-testid={`lab-variant-${index}`}>
      <input aria-label={`Entry ${index + 1} label`} value={variant.label} maxLength={100} disabled={disabled} onChange={(e) => onChange({ ...variant, label: e.target.value })} />
      <div className="lab-variant-tricks">
        {TRICK_CATALOG.map((t) => (
          <label key={t.id}>
            <input type="checkbox" checked={variant.tricks.includes(t.id)} disabled={disabled} onChange={(e) => onChange({ ...variant, tricks: toggle(variant.tricks, t.id, e.target.checked) })} />
            {t.name}
          </label>
        ))}
      </div>
      <button type="button" onClick={onRemove} disabled={disabled} aria-label={`Remove entry ${index + 1}`}>
        Remove
      </button>
    </li>
  );
}

export function TrickChooser({ plan, onChange, disabled }: TrickChooserProps) {
  if (plan.mode === 'custom') {
    const setVariants = (variants: PlanVariant[]) => onChange({ ...plan, variants, tricks: [] });
    return (
      <div className="lab-tricks">
        <p className="field-hint">Each entry is the baseline plus the tricks ticked on it; the first entry is the reference.</p>
        <ol className="lab-variants">
          {plan.variants.map((v, i) => (
            <VariantRow
              key={i}
              variant={v}
              index={i}
              disabled={disabled}
              onChange={(next) => setVariants(plan.variants.map((x, j) => (j === i ? next : x)))}
              onRemove={() => setVariants(plan.variants.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
        <button type="button" disabled={disabled || plan.variants.length >= 50} onClick={() => setVariants([...plan.variants, { label: plan.variants.length === 0 ? 'baseline' : `config ${plan.variants.length + 1}`, tricks: [] }])}>
          Add entry
        </button>
      </div>
    );
  }
  const move = (i: number, delta: number) => {
    const tricks = [...plan.tricks];
    [tricks[i], tricks[i + delta]] = [tricks[i + delta], tricks[i]];
    onChange({ ...plan, tricks });
  };
  return (
    <div className="lab-tricks">
      <ul className="trick-list" aria-label="Tricks to ablate">
        {TRICK_CATALOG.map((t) => (
          <li key={t.id} className="trick-head">
            <label title={t.explanation}>
              <input type="checkbox" data-testid={`lab-trick-${t.id}`} checked={plan.tricks.includes(t.id)} disabled={disabled} onChange={(e) => onChange({ ...plan, tricks: toggle(plan.tricks, t.id, e.target.checked) })} />{' '}
              {t.name}
            </label>{' '}
            <a className="field-hint trick-protocol" href={protocolHref(t.id)} target="_blank" rel="noopener" aria-label={`How ${t.name} is applied (protocol)`}>
              protocol
            </a>
          </li>
        ))}
      </ul>
      {plan.mode === 'cumulative' && plan.tricks.length > 1 ? (
        <ol className="lab-order" aria-label="Stacking order">
          {plan.tricks.map((id, i) => (
            <li key={id}>
              <span>{nameOf(id)}</span>
              <button type="button" aria-label={`Move ${nameOf(id)} up`} disabled={disabled || i === 0} onClick={() => move(i, -1)}>
                ↑
              </button>
              <button type="button" aria-label={`Move ${nameOf(id)} down`} disabled={disabled || i === plan.tricks.length - 1} onClick={() => move(i, 1)}>
                ↓
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
