// A scientist signs in, plots device-vibrations' demo values, zooms, pages, downloads the CSV, and
// cannot reach another team's experiment by URL.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import {
  aggregatesSettled, assertClean, BASE, DEMO, launch, openPage, screenshot, signIn,
} from './support.js';

const DEMO_VALUES = [100, 95, 94, 110, 120, 130, 110, 110, 105, 120];
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a scientist sees the demo values of device-vibrations plotted, zooms in and downloads them', async () => {
  const { page, watch, context } = await openPage(browser);
  const served = await page.goto(`${BASE}/`);
  assert.match(served.headers()['content-security-policy'], /script-src 'self'; style-src 'self'/);
  await screenshot(page, '01-sign-in');
  await signIn(page, DEMO.scientist);
  await page.getByRole('heading', { name: 'My experiments' }).waitFor();
  const link = page.getByRole('link', { name: 'device-vibrations' });
  await link.waitFor();
  assert.equal(await page.getByRole('link', { name: 'black-holes' }).count(), 0);
  await screenshot(page, '02-scientist-experiments');

  await link.click();
  await page.getByRole('heading', { name: 'device-vibrations' }).waitFor();
  await page.locator('#range-from').fill('2022-04-06T06:55:00');
  await page.locator('#range-to').fill('2022-04-06T07:15:00');
  await page.getByRole('button', { name: 'Apply' }).click();
  const chart = page.locator('figure.chart[data-measure="hertz"]');
  await chart.locator('canvas').waitFor();
  await page.waitForFunction(() => document.querySelector('.chart-summary')?.textContent.startsWith('10 measures'));
  assert.match(await chart.locator('.chart-summary').textContent(), /^10 measures · min 94 · max 130 · mean 109\.4$/);
  assert.match(page.url(), /#\/experiments\/1\?from=2022-04-06T06%3A55%3A00.000Z&to=2022-04-06T07%3A15%3A00.000Z$/);

  // The plot was drawn from aggregate buckets holding exactly the demo values, in time order.
  const answers = await aggregatesSettled(page, watch);
  const shown = answers.filter((a) => a.url.searchParams.get('from') === '2022-04-06T06:55:00.000Z').at(-1);
  assert.ok(shown, 'the custom range was fetched as aggregates');
  assert.deepEqual(shown.body.buckets.map((b) => b.mean), DEMO_VALUES);

  // The raw values, newest first.
  const cells = await page.locator('.raw-values tbody td.num').allTextContents();
  assert.deepEqual(cells.map(Number), [...DEMO_VALUES].reverse());
  assert.equal(await page.locator('.raw-values tbody td').first().textContent(), '2022-04-06 07:09:00');
  await screenshot(page, '03-device-vibrations-plot');

  // Dragging across the plot zooms in: a new aggregate request with a narrower range and finer buckets.
  const before = watch.aggregates.length;
  const box = await chart.locator('.u-over').boundingBox();
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.getByRole('button', { name: '⟲ Zoom out' }).waitFor();
  await page.waitForFunction((n) => !document.querySelector('.chart-summary')?.textContent.startsWith('10 '), before);
  const zoomed = (await aggregatesSettled(page, watch)).slice(before).at(-1);
  assert.ok(zoomed, 'zooming fetched new buckets');
  assert.ok(zoomed.bucketSeconds < shown.bucketSeconds, 'the zoomed buckets are finer');
  const summary = await chart.locator('.chart-summary').textContent();
  const count = Number(summary.split(' ')[0]);
  assert.ok(count > 0 && count < 10, `the zoomed plot shows part of the values (${summary})`);
  await screenshot(page, '04-device-vibrations-zoomed');
  await page.getByRole('button', { name: '⟲ Zoom out' }).click();
  await page.waitForFunction(() => document.querySelector('.chart-summary')?.textContent.startsWith('10 measures'));

  // The CSV of the shown range, fetched with the token and saved as a file.
  const [download] = await Promise.all([
    page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  assert.equal(csv[0], 'experiment,measure_type,timestamp,value,sensor,tags');
  assert.deepEqual(csv.slice(1).map((line) => Number(line.split(',')[3])), DEMO_VALUES);
  assert.match(download.suggestedFilename(), /^device-vibrations_2022-04-06T06-55-00.000Z_2022-04-06T07-15-00.000Z.csv$/);
  await page.getByText(/^CSV of .* downloaded/).waitFor();

  await assertClean(watch);
  await context.close();
});

test('a scientist cannot reach black-holes by its URL', async () => {
  const { page, watch, context } = await openPage(browser);
  const measureAnswers = [];
  page.on('response', (response) => {
    if (/\/measures\/2(\/|\?|$)/.test(new URL(response.url()).pathname)) measureAnswers.push(response.status());
  });
  await signIn(page, DEMO.scientist);
  await page.getByRole('link', { name: 'device-vibrations' }).waitFor();
  await page.goto(`${BASE}/#/experiments/2?preset=all`);
  const refusal = page.getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /You are not associated with experiment 2, or it does not exist/);
  assert.equal(await page.locator('figure.chart').count(), 0);
  assert.equal(await page.locator('.raw-values').count(), 0);
  assert.ok(measureAnswers.every((status) => status === 403), 'no measure of experiment 2 was served');
  await screenshot(page, '05-black-holes-refused');
  await assertClean(watch);
  await context.close();
});

test('the policy is enforced: injected markup and inline script are refused', async () => {
  const { page, watch, context } = await openPage(browser);
  await page.goto(`${BASE}/`);
  await page.locator('#signin-email').waitFor();
  const outcome = await page.evaluate(() => {
    const result = {};
    try {
      document.createElement('div').innerHTML = '<img src=x onerror="window.__xss = 1">';
      result.innerHTML = 'accepted';
    } catch (error) {
      result.innerHTML = error.name;
    }
    const script = document.createElement('script');
    try {
      script.textContent = 'window.__inline = 1';
      document.head.append(script);
    } catch (error) {
      result.script = error.name;
    }
    result.ran = window.__inline === 1 || window.__xss === 1;
    return result;
  });
  assert.equal(outcome.innerHTML, 'TypeError', 'Trusted Types refuse a string as markup');
  assert.equal(outcome.ran, false, 'no injected code ran');
  // The securitypolicyviolation events arrive a moment later.
  for (let i = 0; i < 40 && !watch.csp.some((m) => m.startsWith('CSP violation')); i += 1) {
    await page.waitForTimeout(50);
  }
  assert.ok(watch.csp.some((m) => m.startsWith('CSP violation: require-trusted-types-for')), watch.csp.join('\n'));
  await context.close();
});
