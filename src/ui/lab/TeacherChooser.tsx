/**
 * Who teaches the plan's distillation runs (He et al. 2019, §5.3): a bigger model the plan trains
 * first on the same data (by default ResNet-56 for a ResNet-20 student), or a finished run of
 * this lab. A chosen run that learnt from other data is refused here, naming what differs.
 */
import type { Plan } from '../../engine/lab/plan';
import { defaultTeacherModel, modelName, teacherSizeNote } from '../../engine/lab/teacher';
import type { LabRun } from '../../engine/lab/types';
import { queueProblem } from '../../lab/labRuns';
import type { DatasetInfo } from '../../worker/protocol';
import { SelectField } from '../SelectField';

export interface TeacherChooserProps {
  plan: Plan;
  onChange: (plan: Plan) => void;
  runs: readonly LabRun[];
  dataset: DatasetInfo | null;
  teacherRunId: string | null;
  onTeacher: (runId: string | null) => void;
}

const PLANNED = 'plan';
const DEPTHS = [8, 14, 20, 32, 44, 56, 110];

/** Why the plan cannot be queued with its teacher choice, or null (the planner disables Queue). */
export function teacherBlock(plan: Plan, runs: readonly LabRun[], teacherRunId: string | null, dataset: DatasetInfo | null): string | null {
  return queueProblem(plan, runs.find((r) => r.id === teacherRunId) ?? null, dataset);
}

export function TeacherChooser({ plan, onChange, runs, dataset, teacherRunId, onTeacher }: TeacherChooserProps) {
  const finished = runs.filter((r) => r.hasWeights && r.status === 'finished');
  const student = plan.baseline.model;
  const planned = plan.teacher ?? null;
  const choose = (value: string) => {
    if (value === PLANNED) {
      onChange({ ...plan, teacher: { model: defaultTeacherModel(student) } });
      return;
    }
    if (planned) onChange({ ...plan, teacher: null });
    onTeacher(value === '' ? null : value);
  };
  const options = [
    { value: PLANNED, label: `Train a teacher first (${modelName(planned?.model ?? defaultTeacherModel(student))}, once per seed)` },
    { value: '', label: finished.length ? 'a finished run: choose one' : 'a finished run (none with weights yet)' },
    ...finished.map((t) => ({ value: t.id, label: `${t.label} (seed ${t.config.run.seed})` })),
  ];
  const note = planned ? teacherSizeNote(planned.model, student) : null;
  const problem = planned ? null : teacherBlock(plan, runs, teacherRunId, dataset);
  return (
    <div className="lab-teacher" data-testid="lab-teacher-chooser">
      <SelectField label="Teacher for distillation" value={planned ? PLANNED : (teacherRunId ?? '')} options={options} testId="lab-teacher" onChange={choose} error={problem} />
      {planned && student.family === 'cifar-resnet' ? (
        <SelectField
          label="Teacher depth"
          value={planned.model.depth}
          options={DEPTHS.map((d) => ({ value: d, label: `ResNet-${d}` }))}
          testId="lab-teacher-depth"
          hint="Trained on the same data and seed before that seed's configs; its final weights teach the distillation runs."
          onChange={(depth) => onChange({ ...plan, teacher: { model: { ...planned.model, depth } } })}
        />
      ) : null}
      {note ? <p className="field-hint">{note}</p> : null}
    </div>
  );
}
