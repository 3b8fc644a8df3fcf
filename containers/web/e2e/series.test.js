// Series in the browser: measures published with sensors and tags, as an adapter does, are drawn
// as one line per series with a legend; the picker filters by sensor and by tag, in the address
// (a link reproduces the view) and in the CSV; values in the millions keep whole axis labels; the
// experiments page shows each experiment's series count, last measure and a sparkline. The test
// makes its own experiment and removes it, with its measures, at the end.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { formatUtc } from '../src/range.js';
import {
  aggregatesSettled, apiAs, assertClean, BASE, cliHas, DEMO, launch, openPage, ownExperiment, removeExperiment,
  runPython, screenshot, signIn, waitUntil,
} from './support.js';

const MINUTE = 60;
const POINTS = 12;

/** Three hertz series (default, north site=a, south site=b) and pascal in the millions, every 4 min. */
function measures(experiment, end) {
  const rows = [];
  const series = [
    { measure: 'hertz', base: 100 },
    { measure: 'hertz', base: 200, sensor: 'north', tags: { site: 'a' } },
    { measure: 'hertz', base: 300, sensor: 'south', tags: { site: 'b' } },
    { measure: 'pascal', base: 5_000_000 },
  ];
  for (const [s, { measure, base, sensor, tags }] of series.entries()) {
    for (let i = 0; i < POINTS; i += 1) {
      const value = measure === 'pascal' ? base + 100_000 * (i % 4) : base + 10 * (i % 3);
      rows.push({ experiment, measure, value, timestamp: end - (POINTS - 1 - i) * 4 * MINUTE, id: `e2e-${s}-${i}`,
        ...(sensor ? { sensor } : {}), ...(tags ? { tags } : {}) });
    }
  }
  return rows;
}

const skip = cliHas('consume') ? false : '`mymonit consume` does not exist: nothing would store the published measures';
let browser;
let admin;
let scientist;
let experiment = null;
const last = Math.floor(Date.now() / 1000) - MINUTE;

before(async () => {
  if (skip) return;
  browser = await launch();
  admin = await apiAs(DEMO.admin);
  scientist = await apiAs(DEMO.scientist);
  experiment = await ownExperiment(admin, 'e2e-series');
  runPython('publish.py', JSON.stringify(measures(experiment.name, last)));
  // The consumer stores the message in one go: wait until all four series hold their last measure.
  await waitUntil(async () => {
    const listed = await scientist.call('GET', `/series/${experiment.experiment_id}`);
    return listed.status === 200 && listed.body.length === 4
      && listed.body.every((s) => Date.parse(s.last) / 1000 === last);
  }, { what: 'the consumer to store the published measures' });
});

after(async () => {
  if (experiment) await removeExperiment(admin, experiment);
  await admin?.dispose();
  await scientist?.dispose();
  await browser?.close();
});

/** The labels of a chart's legend, the time column first. */
function legend(chart) {
  return chart.locator('.u-legend .u-series .u-label').allTextContents();
}

/** How many pixels of the chart's canvas are drawn in each line colour of its legend. */
function inkPerLine(chart) {
  return chart.evaluate((figure) => {
    const canvas = figure.querySelector('canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const colours = [...figure.querySelectorAll('.u-legend .u-series')].slice(1).map((row) => {
      const [r, g, b] = getComputedStyle(row.querySelector('.u-marker')).borderColor.match(/\d+/g).map(Number);
      return [r, g, b];
    });
    return colours.map(([r, g, b]) => {
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 60) {
          count += 1;
        }
      }
      return count;
    });
  });
}

/** Drawn pixels in the leftmost `columns` of the canvas: a clipped axis label leaves some there. */
function inkAtLeftEdge(chart, columns = 4) {
  return chart.evaluate((figure, width) => {
    const canvas = figure.querySelector('canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, width, canvas.height);
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
    return count;
  }, columns);
}

test('a scientist sees a line per series, filters by sensor and tag, and each experiment at a glance', { skip },
  async () => {
    const id = experiment.experiment_id;
    const { page, watch, context } = await openPage(browser);
    await signIn(page, DEMO.scientist);

    // The experiments page: series count, last measure (exact time as title) and a sparkline.
    const card = page.locator(`li.experiment-card[data-experiment="${id}"]`);
    await card.scrollIntoViewIfNeeded();
    await page.locator(`li.experiment-card[data-experiment="${id}"][data-state="loaded"]`).waitFor();
    assert.match(await card.locator('.experiment-meta').textContent(), /^4 series · last measure (\d+ min ago|just now)$/);
    assert.equal(await card.locator('time').getAttribute('title'), formatUtc(last));
    assert.match(await card.locator('svg.sparkline path').getAttribute('d'), /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){5,}/);
    const demo = page.locator('li.experiment-card[data-experiment="1"]');
    await page.locator('li.experiment-card[data-experiment="1"][data-state="loaded"]').waitFor();
    assert.equal(await demo.locator('svg.sparkline path').count(), 1);
    assert.match(await demo.locator('.experiment-meta').textContent(), /^\d+ series · last measure (.+ ago|just now)$/);
    await screenshot(page, '15-experiments-at-a-glance');

    // One line per series, in its own colour, named in the legend; pascal keeps the single-series plot.
    await card.getByRole('link').click();
    const hertz = page.locator('figure.chart[data-measure="hertz"]');
    const pascal = page.locator('figure.chart[data-measure="pascal"]');
    await page.locator('figure.chart[data-measure="hertz"][data-series="3"] canvas').waitFor();
    await pascal.locator('canvas').waitFor();
    assert.deepEqual(await legend(hertz), ['time (UTC)', 'default', 'north · site=a', 'south · site=b']);
    assert.equal(await hertz.locator('.chart-summary').textContent(), '36 measures · min 100 · max 320 · mean 210 · 3 series');
    const ink = await inkPerLine(hertz);
    assert.ok(ink.every((n) => n > 20), `every series is drawn in its legend colour (pixels: ${ink})`);
    assert.deepEqual(await legend(pascal), ['time (UTC)', 'mean', 'min', 'max']);
    assert.equal(await pascal.locator('.chart-summary').textContent(),
      '12 measures · min 5000000 · max 5300000 · mean 5150000');

    // Values in the millions: the value axis is wide enough for 5,000,000, nothing is cut at the left.
    const axisWidth = await pascal.locator('.u-axis').nth(1).evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(axisWidth > 60, `the value axis grew past 60 px (${axisWidth})`);
    assert.equal(await inkAtLeftEdge(pascal), 0, 'no axis label is clipped at the left edge');
    assert.equal(await inkAtLeftEdge(hertz), 0);

    // The picker, from the series: every sensor and tag value.
    const sensor = page.getByLabel('Sensor');
    const site = page.getByLabel('site');
    assert.deepEqual(await sensor.locator('option').allTextContents(), ['All sensors', 'north', 'south']);
    assert.deepEqual(await site.locator('option').allTextContents(), ['any', 'a', 'b']);
    await screenshot(page, '16-series-lines-and-legend');

    // Filter by sensor: the address, the aggregate, the plot, the raw values and the CSV follow.
    await sensor.selectOption('north');
    await page.locator('figure.chart[data-measure="hertz"][data-series="1"]').waitFor();
    await pascal.waitFor({ state: 'detached' });
    assert.match(page.url(), new RegExp(`#/experiments/${id}\\?preset=all&sensor=north$`));
    assert.deepEqual(await legend(hertz), ['time (UTC)', 'north · site=a (mean)', 'min', 'max']);
    const answers = await aggregatesSettled(page, watch);
    const asked = answers.at(-1).url.searchParams;
    assert.equal(asked.get('sensor'), 'north');
    assert.equal(asked.get('group_by'), 'series');
    assert.ok(answers.at(-1).body.buckets.every((b) => b.sensor === 'north'));
    await page.locator('.raw-values tbody td.series-name').first().waitFor();
    await waitUntil(async () => {
      const names = await page.locator('.raw-values tbody td.series-name').allTextContents();
      return names.length === POINTS && names.every((n) => n === 'north · site=a');
    }, { what: 'the raw values of north only' });
    const [download] = await Promise.all([
      page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'experiment,measure_type,timestamp,value,sensor,tags');
    assert.equal(csv.length, 1 + POINTS);
    assert.ok(csv.slice(1).every((line) => line.split(',')[4] === 'north'), 'the CSV holds north only');
    assert.match(download.suggestedFilename(), new RegExp(`^${experiment.name}_north_.*\\.csv$`));
    await screenshot(page, '17-series-filtered-by-sensor');

    // The link reproduces the view.
    await page.reload();
    await page.locator('figure.chart[data-measure="hertz"][data-series="1"] canvas').waitFor();
    assert.equal(await page.getByLabel('Sensor').inputValue(), 'north');
    assert.deepEqual(await legend(hertz), ['time (UTC)', 'north · site=a (mean)', 'min', 'max']);

    // Filter by tag instead.
    await page.getByRole('button', { name: 'All series' }).click();
    await page.locator('figure.chart[data-measure="hertz"][data-series="3"]').waitFor();
    await page.getByLabel('site').selectOption('b');
    await page.locator('figure.chart[data-measure="hertz"][data-series="1"]').waitFor();
    assert.match(page.url(), /\?preset=all&tag\.site=b$/);
    assert.deepEqual(await legend(hertz), ['time (UTC)', 'south · site=b (mean)', 'min', 'max']);
    assert.equal(await page.locator('.series-count').textContent(), '1 of 4 series');
    await screenshot(page, '18-series-filtered-by-tag');

    await assertClean(watch);
    await context.close();
  });
