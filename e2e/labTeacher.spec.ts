// The lab plans what the paper measures: distillation from a bigger teacher that the plan trains
// first (its students wait for it, learn from its weights and show it beside their Δ), and
// linear scaling through the large-batch design rather than at its reference batch. Tiny runs
// on the tfjs CPU backend, one seed.
import { expect, test } from '@playwright/test';
import { LabPage } from './pages/LabPage';

test('distillation: the plan trains its teacher first, and the table names it beside the Δ', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?backend=cpu');
  await lab.configureTiny({ seeds: 1 });
  await lab.chooseTricks(['distillation']);
  await page.getByTestId('lab-teacher').selectOption('plan');
  await page.getByTestId('lab-teacher-depth').selectOption('14');
  await expect(page.getByTestId('lab-planned-count')).toHaveText('3');
  await expect(page.getByRole('list', { name: 'Planned configs' }).locator('li')).toHaveText(['baseline (reference)', '+ Knowledge distillation', 'teacher ResNet-14 ×0.25']);

  await lab.queuePlan();
  await lab.expectAll('finished', 3, 180_000);
  await expect(page.getByTestId('lab-run').first()).toContainText('teacher ResNet-14 ×0.25');
  const row = lab.resultRows.filter({ hasText: '+ Knowledge distillation' });
  await expect(row.getByTestId('lab-result-teacher')).toHaveText(/^ ?\(teacher ResNet-14 ×0\.25: \d+\.\d% top-1\)$/);

  const { data } = await lab.exportLab();
  const teacher = data.runs.find((r) => r.planKey === 't-s1');
  const student = data.runs.find((r) => r.planKey === 'g1-s1');
  expect(student?.teacherRunId).toBe(teacher?.id);
  expect(student?.teacher?.valTop1).toBe(teacher?.result.final?.valTop1);
});

test('linear scaling: the planner says what its Δ measures at batch 32 and plans the large-batch design', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('?backend=cpu');
  await lab.configureTiny({ seeds: 1, trainLimit: 1024 });
  await lab.chooseTricks(['linearScaling']);
  await expect(page.getByTestId('lab-ls-note')).toContainText("its Δ measures LR 0.0125 vs the baseline's 0.1, not the paper's large-batch rule");
  await page.getByTestId('lab-ls-recipe').selectOption('0.1 per 128');
  await expect(page.getByTestId('lab-ls-note')).toContainText('below its reference batch (0.1 per 128, from He et al. 2016');
  await page.getByTestId('lab-ls-design').click();
  await expect(page.getByRole('list', { name: 'Planned configs' }).locator('li')).toHaveText([
    'batch 128, LR 0.1 (reference batch: the rule changes nothing) (reference)',
    'batch 1024, LR 0.1 (not scaled)',
    'batch 1024, LR 0.8 (linear scaling)',
  ]);
  await expect(page.getByTestId('lab-ls-note')).toHaveCount(0);
});
