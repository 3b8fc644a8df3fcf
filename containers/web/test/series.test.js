import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCount, formatValue, seriesByType, summarize } from '../src/series.js';

const aggregate = {
  bucket_seconds: 2,
  buckets: [
    { measure_type: 'kelvin', start: '2022-04-06T07:00:02.000000Z', count: 1, min: 3, max: 3, mean: 3 },
    { measure_type: 'hertz', start: '2022-04-06T07:00:02.000000Z', count: 2, min: 94, max: 110, mean: 102 },
    { measure_type: 'hertz', start: '2022-04-06T07:00:00.000000Z', count: 1, min: 100, max: 100, mean: 100 },
  ],
};

test('buckets become one time-ordered series per measure type, x in the middle of each bucket', () => {
  const series = seriesByType(aggregate);
  assert.deepEqual([...series.keys()], ['hertz', 'kelvin']);
  const start = Date.parse('2022-04-06T07:00:00Z') / 1000;
  assert.deepEqual(series.get('hertz'), {
    x: [start + 1, start + 3], mean: [100, 102], min: [100, 94], max: [100, 110], count: [1, 2],
  });
  assert.equal(seriesByType({ bucket_seconds: 0, buckets: [] }).size, 0);
});

test('the summary weighs each bucket by its count', () => {
  const total = summarize(seriesByType(aggregate).get('hertz'));
  assert.deepEqual(total, { count: 3, min: 94, max: 110, mean: (100 + 2 * 102) / 3 });
  assert.deepEqual(summarize({ x: [], mean: [], min: [], max: [], count: [] }),
    { count: 0, min: null, max: null, mean: null });
});

test('values and counts read well', () => {
  assert.equal(formatValue(109.4), '109.4');
  assert.equal(formatValue(1 / 3), '0.333333');
  assert.equal(formatValue(6.02e23), '6.0200e+23');
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(null), '—');
  assert.equal(formatCount(31_536_000), '31,536,000');
});
