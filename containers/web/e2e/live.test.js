// A measure published through the broker, as an adapter does, appears on the plot of a scientist
// who is watching: the consumer stores it and the page's live refresh draws it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertClean, BASE, cliHas, DEMO, launch, openPage, runPython, screenshot, signIn } from './support.js';

function consumerMissing() {
  return cliHas('consume') ? false
    : '`mymonit consume` does not exist yet (the ingest issue adds it): nothing would store the published measure';
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a measure published through an adapter appears on the live plot', { skip: consumerMissing() }, async () => {
  const { page, watch, context } = await openPage(browser);
  await signIn(page, DEMO.scientist);
  await page.getByRole('link', { name: 'device-vibrations' }).waitFor();
  await page.goto(`${BASE}/#/experiments/1?preset=hour`);
  await page.locator('.range-status').filter({ hasText: 'live' }).waitFor();

  const seconds = Math.floor(Date.now() / 1000);
  const body = { experiment: 'device-vibrations', measure: 'hertz', value: 123.0, timestamp: seconds };
  runPython('publish.py', JSON.stringify(body));

  const shownAs = new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', '');
  const row = page.locator('.raw-values tbody tr', { hasText: shownAs }).filter({ hasText: '123' });
  await row.waitFor({ timeout: 30_000 }).catch(() => {
    throw new Error('the published measure did not appear within 30 s: is the consumer running?');
  });
  await Promise.all(watch.pending);
  const drawn = watch.aggregates.at(-1).body;
  const bucket = drawn.buckets.find((b) => {
    const start = Date.parse(b.start) / 1000;
    return start <= seconds && seconds < start + drawn.bucket_seconds && b.min <= 123 && 123 <= b.max;
  });
  assert.ok(bucket, 'the plot was redrawn with a bucket holding the new measure');
  await screenshot(page, '13-published-measure-on-the-plot');
  await assertClean(watch);
  await context.close();
});
