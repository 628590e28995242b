// The lab's distillation teacher: the default bigger model, matching a teacher to the student's
// data (each difference named), the line beside the Δ, and the group key that keeps runs taught
// by different teachers apart.
import { describe, expect, it } from 'vitest';
import { fakeResult, labRun } from '../../../test/support/testRuns';
import { makeConfig, type ExperimentConfig } from '../config';
import { groupKey, runGroupKey, summarise } from './summary';
import { defaultTeacherModel, describeTeachers, modelName, needsTeacher, teacherMismatch, teacherRecord, teacherSizeNote, type StudentData } from './teacher';

const student = makeConfig({ data: { dataset: 'cifar10', trainLimit: 5000 }, run: { seed: 1 } });
const teacherOf = (patch: Parameters<typeof makeConfig>[0]): ExperimentConfig => makeConfig({ data: { dataset: 'cifar10', trainLimit: 5000 }, run: { seed: 1 }, model: { depth: 56 }, ...patch });
const data = (heldOut: boolean): StudentData => ({ config: student, numClasses: 10, heldOut });

describe('the distillation teacher', () => {
  it('defaults to a bigger model: ResNet-56 for ResNet-20, ResNet-110 beyond, ResNet-50 for ResNet-18', () => {
    expect(modelName(defaultTeacherModel(student.model))).toBe('ResNet-56');
    expect(defaultTeacherModel({ ...student.model, widthMultiplier: 0.25, se: true })).toEqual({ ...student.model, depth: 56, widthMultiplier: 0.25, se: true });
    expect(modelName(defaultTeacherModel({ ...student.model, depth: 56 }))).toBe('ResNet-110');
    expect(modelName(defaultTeacherModel({ ...student.model, family: 'resnet18' }))).toBe('ResNet-50');
    expect(modelName({ ...student.model, widthMultiplier: 0.25 })).toBe('ResNet-20 ×0.25');
  });

  it('says when the teacher is not bigger (self-distillation)', () => {
    expect(teacherSizeNote({ ...student.model, depth: 56 }, student.model)).toBeNull();
    expect(teacherSizeNote(student.model, student.model)).toBe('The teacher (ResNet-20) is not bigger than the student (ResNet-20): this measures self-distillation, not the paper\'s bigger teacher.');
  });

  it('matches a teacher trained on the same data, whatever its model and seed when there is a test split', () => {
    expect(teacherMismatch({ config: teacherOf({}), numClasses: 10 }, data(true))).toBeNull();
    expect(teacherMismatch({ config: teacherOf({ run: { seed: 7 } }), numClasses: 10 }, data(false))).toBeNull();
    expect(teacherMismatch({ config: teacherOf({ run: { seed: 7 } }), numClasses: null }, data(false))).toBeNull();
  });

  it('refuses another dataset, class count, split or limits, naming each difference', () => {
    const m = (patch: Parameters<typeof makeConfig>[0], numClasses = 10, heldOut = false) => teacherMismatch({ config: teacherOf(patch), numClasses }, data(heldOut));
    expect(m({ data: { dataset: 'cifar100', trainLimit: 5000 } }, 100)).toBe(
      "The teacher does not match this run's data: dataset (teacher cifar100, student cifar10); classes (teacher 100, student 10). A teacher must learn from the student's dataset, classes, split and limits.",
    );
    expect(m({ run: { seed: 2 } }, 10, true)).toContain('split (the validation images are held out by seed: teacher seed 2, student seed 1, so the teacher may have trained on the student\'s validation images)');
    expect(m({ data: { dataset: 'cifar10', trainLimit: 5000, valFraction: 0.2 } }, 10, true)).toContain('split (teacher holds out 0.2 of train, student 0.1)');
    expect(m({ data: { dataset: 'cifar10', trainLimit: null, valLimit: 100 } })).toContain('training images (teacher all, student 5000); validation images (teacher 100, student all)');
    expect(m({ data: { dataset: 'cifar10', trainLimit: 5000, resolution: 16 } })).toContain('resolution (teacher 16, student 32)');
  });

  it('knows which configs need a teacher', () => {
    expect(needsTeacher(student)).toBe(false);
    expect(needsTeacher(makeConfig({ tricks: { distillation: { enabled: true, params: {} } } }))).toBe(true);
  });
});

describe('a run\'s teacher in the results', () => {
  const distil = makeConfig({ name: '+ distillation', tricks: { distillation: { enabled: true, params: {} } } });
  const t56 = labRun('t1', teacherOf({}), fakeResult(teacherOf({}), 0.9234));
  const t56b = labRun('t2', teacherOf({ run: { seed: 2 } }), fakeResult(teacherOf({ run: { seed: 2 } }), 0.9166));
  const t32 = labRun('t3', teacherOf({ model: { depth: 32 } }), fakeResult(teacherOf({ model: { depth: 32 } }), 0.9));

  it('records the teacher run, its config and its final top-1', () => {
    expect(teacherRecord(t56)).toEqual({ runId: 't1', label: t56.label, config: t56.config, valTop1: 0.9234 });
    expect(teacherRecord(labRun('q', teacherOf({}), null)).valTop1).toBeNull();
  });

  it('keys groups by the teacher\'s config, seed and name aside: two seeds of ResNet-56 merge, ResNet-32 does not', () => {
    const a = labRun('a', { ...distil, run: { ...distil.run, seed: 1 } }, fakeResult(distil, 0.8), { teacher: teacherRecord(t56) });
    const b = labRun('b', { ...distil, run: { ...distil.run, seed: 2 } }, fakeResult(distil, 0.82), { teacher: teacherRecord(t56b) });
    const c = labRun('c', distil, fakeResult(distil, 0.81), { teacher: teacherRecord(t32) });
    const none = labRun('d', distil, fakeResult(distil, 0.79));
    expect(runGroupKey(a)).toBe(runGroupKey(b));
    expect(runGroupKey(a)).not.toBe(runGroupKey(c));
    expect(runGroupKey(none)).toBe(groupKey(distil));
    expect(runGroupKey(a)).not.toBe(groupKey(distil));
    expect(summarise([a, b, c, none]).map((r) => r.total)).toEqual([2, 1, 1]);
    // Beside the Δ: the mean of the distinct teachers' final top-1, (92.34 + 91.66) / 2 = 92.0.
    expect(describeTeachers([a, b])).toBe('2 teachers ResNet-56: mean 92.0% top-1');
    expect(describeTeachers([c])).toBe('teacher ResNet-32: 90.0% top-1');
    expect(describeTeachers([none])).toBeNull();
  });
});
