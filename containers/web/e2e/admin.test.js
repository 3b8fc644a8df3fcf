// An admin manages experiments, users and associations; the scientist they register and associate
// then sees the experiment. An account MyMONIT does not know is told so in words. The run deletes
// its experiment at the end, so it leaves none behind in the demo database.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertClean, BASE, DEMO, emulatorAccount, launch, openPage, screenshot, signIn, signOut,
} from './support.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an admin creates an experiment and associates a new scientist, who then sees it', async () => {
  const account = await emulatorAccount('scientist');
  const staffId = `E${account.suffix}`.slice(0, 30);
  // Markup in a name stays text (the original page rendered names with innerHTML).
  const experiment = `e2e-${account.suffix} <img src=x onerror="window.__xss = 1">`;
  const { page, watch, context } = await openPage(browser);

  // Before an admin registers it, the account is told it is not registered.
  await signIn(page, account.email, account.password);
  const refusal = page.getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /this account is not registered with MyMONIT/);
  assert.match(await page.locator('main').textContent(), new RegExp(account.uid));
  await screenshot(page, '06-unregistered-account');
  await signOut(page);

  await signIn(page, DEMO.admin);
  await page.getByRole('heading', { name: 'Administration' }).waitFor();
  const users = page.locator('#users');
  await users.locator('tr[data-user="S001"]').waitFor();
  assert.equal(await page.locator('figure.chart').count(), 0);
  await screenshot(page, '07-admin');

  const experiments = page.locator('#experiments');
  await experiments.getByLabel('Experiment name').fill(experiment);
  await experiments.getByRole('button', { name: 'Create' }).click();
  await page.getByText(`Experiment “${experiment}” created.`).waitFor();
  await experiments.locator('tbody tr', { hasText: experiment }).waitFor();
  const id = await experiments.locator('tbody tr', { hasText: experiment }).getAttribute('data-experiment');
  const row = experiments.locator(`tbody tr[data-experiment="${id}"]`);

  // A duplicate name: the service's problem, in words.
  await experiments.getByLabel('Experiment name').fill(experiment);
  await experiments.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').filter({ hasText: /^Conflict: / }).waitFor();

  await row.getByRole('button', { name: 'Rename' }).click();
  await row.getByLabel('New name').fill(`${experiment}-renamed`);
  await row.getByRole('button', { name: 'Save' }).click();
  await experiments.locator('tbody tr', { hasText: `${experiment}-renamed` }).waitFor();

  const register = users.locator('form.create');
  await register.getByLabel('Staff id').fill(staffId);
  await register.getByLabel('Name').fill(`E2E Scientist ${account.suffix}`);
  await register.getByLabel('Email').fill(account.email);
  await register.getByLabel('Firebase uid').fill(account.uid);
  await register.getByRole('button', { name: 'Register' }).click();
  await users.locator(`tr[data-user="${staffId}"]`).waitFor();

  const associations = page.locator('#associations');
  const grant = associations.locator('form.create');
  await grant.getByLabel('Experiment').selectOption({ label: `${experiment}-renamed` });
  await grant.getByLabel('Scientist').selectOption(staffId);
  await grant.getByRole('button', { name: 'Grant' }).click();
  await associations.locator(`.chip[data-user="${staffId}"]`).waitFor();
  await screenshot(page, '08-admin-created-and-granted');

  assert.equal(await page.locator('main img').count(), 0, 'a name never becomes markup');
  assert.equal(await page.evaluate(() => window.__xss), undefined);

  // Admins see no measures, even by URL.
  await page.goto(`${BASE}/#/experiments/1`);
  await page.getByText('Administrators manage experiments but cannot read their measures').waitFor();
  await signOut(page);

  // The scientist sees the new experiment, and only it.
  await signIn(page, account.email, account.password);
  await page.getByRole('heading', { name: 'My experiments' }).waitFor();
  const links = page.locator('ul.experiment-list a');
  await links.first().waitFor();
  assert.deepEqual(await links.allTextContents(), [`${experiment}-renamed`]);
  await links.first().click();
  await page.getByRole('heading', { name: `${experiment}-renamed` }).waitFor();
  await page.getByText('No measures in this range.').waitFor();
  assert.equal(await page.locator('main img').count(), 0);
  await screenshot(page, '09-new-scientist-sees-experiment');
  await signOut(page);

  // The admin revokes the association and erases the user, after a confirmation.
  await signIn(page, DEMO.admin);
  const chip = page.locator(`#associations .chip[data-user="${staffId}"]`);
  await chip.getByRole('button', { name: `Revoke ${staffId}` }).click();
  await page.getByText(`${staffId} may no longer read`).waitFor();
  const userRow = page.locator(`#users tr[data-user="${staffId}"]`);
  await userRow.getByRole('button', { name: 'Erase' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await screenshot(page, '10-erase-confirmation', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await userRow.getByRole('button', { name: 'Erase' }).count(), 1, 'cancel keeps the user');
  await userRow.getByRole('button', { name: 'Erase' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Erase' }).click();
  await page.getByText(`User ${staffId} erased.`).waitFor();
  await page.locator('#users details.erased-users summary').click();
  await page.locator(`#users tr.erased[data-user="${staffId}"]`).waitFor();
  await signOut(page);

  // An experiment that holds measures is kept, in words; the run's own, empty one is deleted.
  await signIn(page, DEMO.admin);
  await page.locator('#experiments tr[data-experiment="1"]').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  const kept = page.getByRole('alert').filter({ hasText: /^Conflict: experiment 1 holds measures/ });
  await kept.waitFor();
  await kept.scrollIntoViewIfNeeded();
  await screenshot(page, '14-experiment-with-measures-kept', { fullPage: false });
  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText(`Experiment ${id} deleted.`).waitFor();
  assert.equal(await row.count(), 0, 'the deleted experiment left the table');
  await signOut(page);

  // An erased account is no longer registered.
  await signIn(page, account.email, account.password);
  await page.getByRole('alert').filter({ hasText: 'this account is not registered with MyMONIT' }).waitFor();

  await assertClean(watch);
  await context.close();
});
