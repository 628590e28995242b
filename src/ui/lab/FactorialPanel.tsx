/**
 * The factorial design in the lab: under the planner, what the fraction is (its generators,
 * which trick each letter stands for, what its resolution can and cannot separate); beside the
 * results, each trick's main effect on final top-1 with its 95% interval over seeds and the
 * largest two-trick interactions (with their aliases at resolution IV).
 */
import type { Effect, FactorialAnalysis } from '../../engine/lab/factorialEffects';
import { FACTOR_LETTERS, factorialDesign } from '../../engine/lab/factorialDesign';
import { factorialResolution, type Plan } from '../../engine/lab/plan';
import { formatDelta } from './ResultsTable';

/** Interactions listed beside the main effects. */
const TOP_INTERACTIONS = 5;

const RESOLUTION_TEXT = {
  4: 'Resolution IV: each main effect is clear of two-trick interactions; two-trick interactions are confounded with one another.',
  5: 'Resolution V: main effects and two-trick interactions are all clear of one another.',
} as const;

/** The planner's note on a factorial plan (nothing for other designs or an invalid plan). */
export function FactorialNote({ plan }: { plan: Plan }) {
  const resolution = factorialResolution(plan.mode);
  if (resolution === null) return null;
  let design;
  try {
    design = factorialDesign(plan.tricks.length, resolution);
  } catch {
    return null;
  }
  const full = design.generators.length === 0;
  return (
    <p className="field-hint" data-testid="lab-factorial-note">
      {full ? `Full 2^${design.factors} factorial (${design.rows.length} configs). ` : `2^(${design.factors}−${design.generators.length}) fraction, ${design.rows.length} configs, generators ${design.generators.join(', ')}. `}
      {plan.tricks.map((id, i) => `${FACTOR_LETTERS[i]} = ${id}`).join(', ')}. {RESOLUTION_TEXT[resolution]} Effects are estimated per seed, so use 2 or more seeds for an interval.
    </p>
  );
}

function interval(e: Effect): string {
  return e.low === null || e.high === null ? '1 seed: no interval' : `[${formatDelta(e.low)}, ${formatDelta(e.high)}]`;
}

function EffectRow({ e, testId }: { e: Effect; testId: string }) {
  const name = e.tricks.join(' × ');
  return (
    <tr data-testid={testId} data-excludes-zero={e.excludesZero}>
      <th scope="row">
        {name}
        {e.aliases.length ? <span className="field-hint"> (= {e.aliases.map((a) => a.join(' × ')).join(' = ')})</span> : null}
      </th>
      <td className={e.excludesZero ? (e.mean > 0 ? 'delta-up' : 'delta-down') : 'delta-unclear'}>
        {formatDelta(e.mean)}
        {e.excludesZero ? ' ✱' : ''}
      </td>
      <td>{interval(e)}</td>
      <td>{e.n}</td>
    </tr>
  );
}

/** Main effects and the largest interactions of a factorial plan's runs. */
export function FactorialResults({ analysis }: { analysis: FactorialAnalysis }) {
  const { completeSeeds, incompleteSeeds, mainEffects, interactions, design } = analysis;
  return (
    <section className="panel lab-factorial" aria-label="Factorial effects" data-testid="lab-factorial">
      <h2>Factorial effects</h2>
      <p className="field-hint">
        Effect of a trick = mean final top-1 with it on − with it off, over all {design.rows.length} configs; interaction A × B = half of (A&apos;s effect with B on − with B
        off). In points, mean over {completeSeeds.length} complete seed{completeSeeds.length === 1 ? '' : 's'} with a 95% interval; ✱: the interval excludes 0.
        {incompleteSeeds.length
          ? ` Left out: ${incompleteSeeds.map((s) => `seed ${s.seed} (${s.missing} config${s.missing === 1 ? '' : 's'} not finished)`).join(', ')}.`
          : ''}
      </p>
      {mainEffects.length === 0 ? (
        <p data-testid="lab-factorial-empty">Effects appear when every config of the design has finished a seed.</p>
      ) : (
        <table className="lab-table">
          <thead>
            <tr>
              <th>Trick / interaction</th>
              <th>Effect (points)</th>
              <th>95% CI</th>
              <th>n</th>
            </tr>
          </thead>
          <tbody>
            {mainEffects.map((e) => (
              <EffectRow key={e.tricks.join()} e={e} testId="lab-factorial-main" />
            ))}
            {interactions.slice(0, TOP_INTERACTIONS).map((e) => (
              <EffectRow key={e.tricks.join()} e={e} testId="lab-factorial-interaction" />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
