/**
 * The teacher of knowledge distillation in the lab (He et al. 2019, §5.3: a ResNet-152 teacher
 * distilled into a ResNet-50; Hinton et al. 2015). A plan can train its own teacher first — a
 * bigger model on the same data, by default ResNet-56 for a ResNet-20 student — or use a
 * finished run. Either way the teacher must have learnt from exactly the student's data (same
 * dataset, classes, held-out split and limits), else the Δ of distillation mixes in other data,
 * or worse the student's validation images; a teacher that differs is refused with a message
 * naming what differs. Each run records its teacher (run, config and accuracy), and the config
 * of the teacher is part of the run's group, so runs taught by different teachers never merge.
 */
import type { ExperimentConfig, ModelConfig } from '../config';
import { TRICK_CATALOG } from '../tricks/catalog';
import { isEnabled } from '../tricks/types';
import type { LabRun } from './types';

/** The teacher a run distilled from, as recorded in the run and its export. */
export interface TeacherRecord {
  /** The lab run whose final weights teach. */
  runId: string;
  label: string;
  /** The teacher's config (the group key of its students includes it, seed and name aside). */
  config: ExperimentConfig;
  /** The teacher's final top-1 on the held-out split (fraction), or null before it finished. */
  valTop1: number | null;
}

/** Depths of the CIFAR ResNet (6n + 2) of He et al. 2016, Table 6. */
const CIFAR_DEPTHS = [20, 32, 44, 56, 110];

/** Whether a config has a trick on that needs a teacher (knowledge distillation). */
export function needsTeacher(config: ExperimentConfig): boolean {
  return TRICK_CATALOG.some((t) => t.needsTeacher !== undefined && isEnabled(t, config));
}

/** "ResNet-56", "ResNet-20 ×0.25", "ResNet-50". */
export function modelName(m: ModelConfig): string {
  const base = m.family === 'cifar-resnet' ? `ResNet-${m.depth}` : m.family === 'resnet18' ? 'ResNet-18' : 'ResNet-50';
  return m.widthMultiplier === 1 ? base : `${base} ×${m.widthMultiplier}`;
}

/**
 * The default teacher of a student: ResNet-56 for a CIFAR ResNet shallower than 56 (ResNet-20's
 * teacher, as ResNet-152 is ResNet-50's in the paper), ResNet-110 beyond; ResNet-50 for
 * ResNet-18. Everything else (width, activation, levers) as the student's.
 */
export function defaultTeacherModel(student: ModelConfig): ModelConfig {
  if (student.family === 'resnet18') return { ...student, family: 'resnet50' };
  if (student.family !== 'cifar-resnet') return { ...student };
  return { ...student, depth: student.depth < 56 ? 56 : CIFAR_DEPTHS[CIFAR_DEPTHS.length - 1] };
}

/** Layers of a model, for "is the teacher bigger": depth, or 18/50 for the ImageNet ResNets. */
const layers = (m: ModelConfig): number => (m.family === 'cifar-resnet' ? m.depth : m.family === 'resnet18' ? 18 : 50);

/** A note when the teacher is not bigger than the student (then distillation is self-distillation). */
export function teacherSizeNote(teacher: ModelConfig, student: ModelConfig): string | null {
  if (layers(teacher) > layers(student) || teacher.widthMultiplier > student.widthMultiplier) return null;
  return `The teacher (${modelName(teacher)}) is not bigger than the student (${modelName(student)}): this measures self-distillation, not the paper's bigger teacher.`;
}

/** What the matching knows of a teacher: its config and, when it ran, its data's class count. */
export interface TeacherSource {
  config: ExperimentConfig;
  numClasses: number | null;
}

/** What the matching knows of the student's data. */
export interface StudentData {
  config: ExperimentConfig;
  numClasses: number;
  /** The dataset has no test split: the validation images are held out of train by the seed. */
  heldOut: boolean;
}

const orAll = (n: number | null): string => (n === null ? 'all' : String(n));

/** What differs between the teacher's data and the student's, or null when they match. */
export function teacherMismatch(teacher: TeacherSource, student: StudentData): string | null {
  const t = teacher.config.data;
  const s = student.config.data;
  const diffs: string[] = [];
  if (t.dataset !== s.dataset) diffs.push(`dataset (teacher ${t.dataset}, student ${s.dataset})`);
  if (teacher.numClasses !== null && teacher.numClasses !== student.numClasses) diffs.push(`classes (teacher ${teacher.numClasses}, student ${student.numClasses})`);
  if (student.heldOut && t.valFraction !== s.valFraction) diffs.push(`split (teacher holds out ${t.valFraction} of train, student ${s.valFraction})`);
  else if (student.heldOut && teacher.config.run.seed !== student.config.run.seed) {
    diffs.push(`split (the validation images are held out by seed: teacher seed ${teacher.config.run.seed}, student seed ${student.config.run.seed}, so the teacher may have trained on the student's validation images)`);
  }
  if (t.trainLimit !== s.trainLimit) diffs.push(`training images (teacher ${orAll(t.trainLimit)}, student ${orAll(s.trainLimit)})`);
  if (t.valLimit !== s.valLimit) diffs.push(`validation images (teacher ${orAll(t.valLimit)}, student ${orAll(s.valLimit)})`);
  if (t.resolution !== s.resolution) diffs.push(`resolution (teacher ${t.resolution}, student ${s.resolution})`);
  if (diffs.length === 0) return null;
  return `The teacher does not match this run's data: ${diffs.join('; ')}. A teacher must learn from the student's dataset, classes, split and limits.`;
}

/** The record of `teacher` (a lab run) as its students keep it. */
export function teacherRecord(teacher: LabRun): TeacherRecord {
  return { runId: teacher.id, label: teacher.label, config: teacher.config, valTop1: teacher.result?.final?.valTop1 ?? null };
}

/**
 * The teachers of a group of runs in one line, for the results table beside the Δ:
 * "teacher ResNet-56: 92.1% top-1", "3 teachers ResNet-56: mean 92.1% top-1", or null when no
 * run of the group has one.
 */
export function describeTeachers(runs: readonly LabRun[]): string | null {
  const byRun = new Map<string, TeacherRecord>();
  for (const r of runs) if (r.teacher) byRun.set(r.teacher.runId, r.teacher);
  const teachers = [...byRun.values()];
  if (teachers.length === 0) return null;
  const names = [...new Set(teachers.map((t) => modelName(t.config.model)))].join(', ');
  const accs = teachers.map((t) => t.valTop1).filter((a): a is number => a !== null && Number.isFinite(a));
  const mean = accs.length ? `${((100 * accs.reduce((s, a) => s + a, 0)) / accs.length).toFixed(1)}% top-1` : 'not finished';
  return teachers.length === 1 ? `teacher ${names}: ${mean}` : `${teachers.length} teachers ${names}: ${accs.length ? `mean ${mean}` : mean}`;
}
