// One year of one-second data (31.5 million measures) for one measure type stays interactive: the
// page never asks for more than MAX_BUCKETS buckets per view, whatever the range, and a zoom
// fetches finer buckets of the narrower range. The service's aggregate answers are played by the
// test (exactly what it would answer for such data), so the demo database is not filled with a
// year of rows; the service's own aggregation is covered by its integration tests and bench/.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_BUCKETS } from '../src/range.js';
import { assertClean, BASE, DEMO, launch, openPage, screenshot, signIn } from './support.js';

const YEAR_START = Date.parse('2025-01-01T00:00:00Z') / 1000;
const YEAR_END = Date.parse('2026-01-01T00:00:00Z') / 1000;

/** The service's answer for one measure every second over the year, split into `buckets`. */
function yearOfSeconds(url) {
  const from = Math.max(Date.parse(url.searchParams.get('from')) / 1000, YEAR_START);
  const to = Math.min(Date.parse(url.searchParams.get('to')) / 1000, YEAR_END);
  const buckets = Number(url.searchParams.get('buckets'));
  const width = Math.max(1, Math.ceil((to - from) / buckets));
  const rows = [];
  for (let start = from; start < to; start += width) {
    const day = (start - YEAR_START) / 86_400;
    const mean = 100 + 20 * Math.sin(day / 58) + 5 * Math.sin(day * 6.28);
    const count = Math.max(1, Math.round(Math.min(width, to - start)));
    rows.push({ measure_type: 'hertz', start: new Date(start * 1000).toISOString(), count,
      min: mean - 8, max: mean + 8, mean });
  }
  return { experiment: 'device-vibrations', start: url.searchParams.get('from'), end: url.searchParams.get('to'),
    bucket_seconds: width, buckets: rows };
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a year of one-second data is plotted from at most a few thousand buckets per view', async () => {
  const { page, watch, context } = await openPage(browser);
  await page.route(/\/measures\/1\/aggregate\?/, (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: JSON.stringify(yearOfSeconds(new URL(route.request().url()))),
  }));
  await signIn(page, DEMO.scientist);
  await page.getByRole('link', { name: 'device-vibrations' }).waitFor();

  const started = Date.now();
  await page.goto(`${BASE}/#/experiments/1?from=2025-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z`);
  await page.waitForFunction(() => /^31,\d{3},\d{3} measures/.test(document.querySelector('.chart-summary')?.textContent));
  const drawnIn = Date.now() - started;
  const summary = await page.locator('.chart-summary').textContent();
  assert.match(summary, /^31,536,000 measures/, 'the year holds 365 × 86,400 measures');
  await screenshot(page, '11-one-year-of-seconds');

  await Promise.all(watch.pending);
  const year = watch.aggregates.at(-1);
  assert.ok(year.asked <= MAX_BUCKETS, `asked for ${year.asked} buckets`);
  assert.ok(year.got <= MAX_BUCKETS, `received ${year.got} buckets`);
  assert.ok(year.bucketSeconds >= 31_536_000 / MAX_BUCKETS, 'each bucket summarises thousands of measures');
  assert.ok(drawnIn < 5000, `the year was drawn in ${drawnIn} ms`);

  // Zoom into about a tenth of the year: finer buckets, still at most MAX_BUCKETS of them.
  const before = watch.aggregates.length;
  const box = await page.locator('.u-over').boundingBox();
  const zoomStarted = Date.now();
  await page.mouse.move(box.x + box.width * 0.40, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.50, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((s) => document.querySelector('.chart-summary')?.textContent !== s, summary);
  const zoomedIn = Date.now() - zoomStarted;
  await Promise.all(watch.pending);
  const zoom = watch.aggregates.slice(before).at(-1);
  assert.ok(zoom.asked <= MAX_BUCKETS && zoom.got <= MAX_BUCKETS, `zoom fetched ${zoom.got} buckets`);
  assert.ok(zoom.bucketSeconds < year.bucketSeconds / 5, 'the zoomed view has finer buckets');
  assert.ok(zoomedIn < 3000, `the zoom was redrawn in ${zoomedIn} ms`);
  await screenshot(page, '12-one-year-zoomed');

  const points = watch.aggregates.map((a) => a.got);
  assert.ok(Math.max(...points) <= MAX_BUCKETS, `buckets per request: ${points.join(', ')}`);
  console.log(`year drawn in ${drawnIn} ms from ${year.got} buckets of ${year.bucketSeconds} s; `
    + `zoom redrawn in ${zoomedIn} ms from ${zoom.got} buckets of ${zoom.bucketSeconds} s`);
  await assertClean(watch);
  await context.close();
});
