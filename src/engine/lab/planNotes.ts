/**
 * What the planner says about a valid plan before it runs, in one list shared by the lab's
 * planner and `npm run ablate`: what linear scaling's Δ would measure at this batch
 * (linearScalingPlan.ts), and a planned teacher that is not bigger than its student.
 */
import { linearScalingNotes } from './linearScalingPlan';
import type { Plan } from './plan';
import { teacherSizeNote } from './teacher';

/** Notes on a valid plan (none when it measures what it says). */
export function planNotes(plan: Plan): string[] {
  const size = plan.teacher ? teacherSizeNote(plan.teacher.model, plan.baseline.model) : null;
  return [...linearScalingNotes(plan), ...(size ? [size] : [])];
}
