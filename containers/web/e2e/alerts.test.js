// Alerts in the browser: a scientist defines a rule on their experiment in the page's form; the
// stack's evaluator (`mymonit alerts`, every 10 s) makes its alert fire, and the page shows it;
// the plot marks when it fired; redefined above the values, the alert resolves; the rule is
// deleted. The test makes its own experiment and removes it, with its measures, at the end.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiAs, assertClean, cliHas, DEMO, launch, openPage, ownExperiment, removeExperiment, runPython, screenshot, signIn,
  waitUntil,
} from './support.js';

const EVALUATED = 45_000; // two of the stack's ALERT_INTERVAL (10 s), the page's poll (5 s) and margin

const skip = cliHas('alerts') ? false : '`mymonit alerts` does not exist: nothing would evaluate the rule';
let browser;
let admin;
let scientist;
let experiment = null;

before(async () => {
  if (skip) return;
  browser = await launch();
  admin = await apiAs(DEMO.admin);
  scientist = await apiAs(DEMO.scientist);
  experiment = await ownExperiment(admin, 'e2e-alerts');
  const now = Math.floor(Date.now() / 1000);
  const rows = [0, 1, 2].map((i) => ({ experiment: experiment.name, measure: 'hertz', value: 40 + i, timestamp: now - 60 * i,
    id: `e2e-alert-${i}` }));
  runPython('publish.py', JSON.stringify(rows));
  await waitUntil(async () => {
    const listed = await scientist.call('GET', `/series/${experiment.experiment_id}`);
    return listed.status === 200 && listed.body.length === 1 && Date.parse(listed.body[0].last) / 1000 === now;
  }, { what: 'the consumer to store the published measures' });
});

after(async () => {
  if (experiment) await removeExperiment(admin, experiment);
  await admin?.dispose();
  await scientist?.dispose();
  await browser?.close();
});

test('a scientist defines a rule, sees its alert fire, redefines it to resolve, and deletes it', { skip },
  async () => {
    const { page, watch } = await openPage(browser);
    await signIn(page, DEMO.scientist);
    await page.locator(`li.experiment-card[data-experiment="${experiment.experiment_id}"] a`).click();
    const panel = page.locator('section.alerts-panel');
    await panel.getByText('No rules yet: define one below.').waitFor();

    const form = panel.locator('form.rule-form');
    await form.locator('input[name="name"]').fill('too-fast');
    await form.locator('select[name="measure"]').selectOption('hertz');
    await form.locator('select[name="statistic"]').selectOption('max');
    await form.locator('input[name="threshold"]').fill('30');
    await form.locator('input[name="window"]').fill('3600');
    await form.getByRole('button', { name: 'Define' }).click();
    const rule = panel.locator('ul.rules li');
    await rule.getByText('too-fast').waitFor();
    assert.match(await rule.textContent(), /max of hertz over 3600 s above 30 · warning/);

    await panel.locator('tr[data-state="firing"]').waitFor({ timeout: EVALUATED });
    assert.equal(await panel.locator('tr[data-state="firing"] td').nth(1).textContent(), 'too-fast');
    // The plot marks when it fired (the range, "All", ends at the last measure: look at the last hour).
    await page.getByRole('button', { name: 'Last hour' }).click();
    await page.locator('figure.chart[data-measure="hertz"][data-marks="1"]').waitFor();
    await screenshot(page, '30-alert-firing');

    await rule.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await form.locator('input[name="threshold"]').inputValue(), '30');
    await form.locator('input[name="threshold"]').fill('100');
    await form.getByRole('button', { name: 'Save' }).click();
    await rule.getByText('above 100').waitFor();
    await panel.locator('tr[data-state="resolved"]').waitFor({ timeout: EVALUATED });

    await rule.getByRole('button', { name: 'Delete' }).click();
    await panel.getByText('No rules yet: define one below.').waitFor();
    await panel.getByText('No alerts: no rule applies to a series yet.').waitFor();
    await assertClean(watch);
  });
