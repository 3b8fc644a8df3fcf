import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_BUCKETS, rangeFromQuery, rangeToQuery } from '../src/range.js';
import { parseHash } from '../src/router.js';
import {
  bucketsForSeries, EVERYTHING, isEverything, matches, MAX_ROWS, pickerChoices, sameSelection, selectionFromQuery,
  selectionParams, selectionToQuery, seriesOfType,
} from '../src/selection.js';

const LISTING = [
  { series_id: 3, measure_type: 'hertz', sensor: 'south', tags: { site: 'b' } },
  { series_id: 1, measure_type: 'hertz', sensor: null, tags: {} },
  { series_id: 2, measure_type: 'hertz', sensor: 'north', tags: { site: 'a', rack: 'r1' } },
  { series_id: 4, measure_type: 'pascal', sensor: 'north', tags: {} },
];

test('the selection is read from the address, next to the range', () => {
  const { params } = parseHash('#/experiments/4?preset=day&sensor=north&tag.site=a&tag.rack=r%201');
  assert.deepEqual(selectionFromQuery(params), { sensor: 'north', tags: { site: 'a', rack: 'r 1' } });
  assert.deepEqual(rangeFromQuery(params), { preset: 'day' });
  assert.deepEqual(selectionFromQuery(new URLSearchParams('preset=all')), { sensor: null, tags: {} });
});

test('what the service would refuse is left out of the selection', () => {
  const params = new URLSearchParams('sensor=&tag.Site=a&tag.ok=&tag.x%01=y&tag.good=v%01&tag.fine=yes&tag.fine=twice');
  assert.deepEqual(selectionFromQuery(params), { sensor: null, tags: { fine: 'yes' } });
  const long = new URLSearchParams({ sensor: 'x'.repeat(129) });
  assert.equal(selectionFromQuery(long).sensor, null);
  const nine = new URLSearchParams(Array.from({ length: 9 }, (_, i) => [`tag.k${i}`, 'v']));
  assert.equal(Object.keys(selectionFromQuery(nine).tags).length, 8, 'at most 8 tags');
});

test('the selection is written to the address after the range, tags in key order, and read back', () => {
  const selection = { sensor: 'north', tags: { site: 'a', rack: 'r 1' } };
  const query = selectionToQuery(selection, rangeToQuery({ preset: 'hour' }));
  assert.equal(query.toString(), 'preset=hour&sensor=north&tag.rack=r+1&tag.site=a');
  const { params } = parseHash(`#/experiments/4?${query}`);
  assert.ok(sameSelection(selectionFromQuery(params), selection));
  assert.equal(selectionToQuery(EVERYTHING, rangeToQuery({ preset: 'all' })).toString(), 'preset=all');
});

test('the selection as API parameters', () => {
  assert.deepEqual(selectionParams({ sensor: 'north', tags: { site: 'a' } }), { sensor: 'north', 'tag.site': 'a' });
  assert.deepEqual(selectionParams({ sensor: null, tags: { b: '2', a: '1' } }), { 'tag.a': '1', 'tag.b': '2' });
  assert.deepEqual(selectionParams(EVERYTHING), {});
  assert.equal(isEverything(EVERYTHING), true);
  assert.equal(isEverything({ sensor: null, tags: { site: 'a' } }), false);
});

test('a selection matches series as the service does: sensor and every tag', () => {
  const chosen = (selection) => LISTING.filter((s) => matches(s, selection)).map((s) => s.series_id);
  assert.deepEqual(chosen(EVERYTHING), [3, 1, 2, 4]);
  assert.deepEqual(chosen({ sensor: 'north', tags: {} }), [2, 4]);
  assert.deepEqual(chosen({ sensor: 'north', tags: { site: 'a' } }), [2]);
  assert.deepEqual(chosen({ sensor: null, tags: { site: 'b' } }), [3]);
  assert.deepEqual(chosen({ sensor: 'west', tags: {} }), []);
});

test('the picker offers every sensor and tag value, and keeps what a link names', () => {
  assert.deepEqual(pickerChoices(LISTING), {
    sensors: ['north', 'south'], tags: { rack: ['r1'], site: ['a', 'b'] },
  });
  assert.deepEqual(pickerChoices(LISTING, { sensor: 'west', tags: { zone: 'z' } }), {
    sensors: ['north', 'south', 'west'], tags: { rack: ['r1'], site: ['a', 'b'], zone: ['z'] },
  });
  assert.deepEqual(pickerChoices([{ series_id: 1, measure_type: 'hertz', sensor: null, tags: {} }]),
    { sensors: [], tags: {} }, 'only default series: nothing to pick');
  assert.deepEqual(seriesOfType(LISTING, 'hertz').map((s) => s.series_id), [1, 2, 3]);
});

test('many series ask for fewer buckets each, never fewer than MIN_BUCKETS', () => {
  assert.equal(bucketsForSeries(800, 1), 800);
  assert.equal(bucketsForSeries(800, 0), 800);
  assert.equal(bucketsForSeries(800, 3), 800);
  assert.equal(bucketsForSeries(800, 100), MAX_ROWS / 100);
  assert.equal(bucketsForSeries(800, 10_000), MIN_BUCKETS);
});
