import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatCount, formatValue, isDefaultSeries, lineStyles, linesByType, PALETTE, seriesByType, seriesLabel, summarize,
  summarizeLines, withAlpha,
} from '../src/series.js';

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

const bySeries = {
  bucket_seconds: 2,
  buckets: [
    { measure_type: 'hertz', start: '2022-04-06T07:00:00.000000Z', count: 2, min: 1, max: 3, mean: 2,
      series_id: 9, sensor: 'north', tags: { site: 'a' } },
    { measure_type: 'hertz', start: '2022-04-06T07:00:02.000000Z', count: 1, min: 5, max: 5, mean: 5,
      series_id: 4, sensor: null, tags: {} },
    { measure_type: 'hertz', start: '2022-04-06T07:00:00.000000Z', count: 1, min: 4, max: 4, mean: 4,
      series_id: 4, sensor: null, tags: {} },
    { measure_type: 'volt', start: '2022-04-06T07:00:00.000000Z', count: 1, min: 7, max: 7, mean: 7,
      series_id: 12, sensor: 'south', tags: {} },
  ],
};

test('series are named by sensor and tags, "default" without either', () => {
  assert.equal(seriesLabel({ sensor: null, tags: {} }), 'default');
  assert.equal(seriesLabel({}), 'default');
  assert.equal(seriesLabel({ sensor: 'north', tags: {} }), 'north');
  assert.equal(seriesLabel({ sensor: null, tags: { site: 'a' } }), 'site=a');
  assert.equal(seriesLabel({ sensor: 'north', tags: { site: 'a', rack: 'r1' } }), 'north · rack=r1, site=a');
  assert.equal(isDefaultSeries({ sensor: null, tags: {} }), true);
  assert.equal(isDefaultSeries({ sensor: 'x', tags: {} }), false);
});

test('buckets per series become aligned lines per measure type, the default series first', () => {
  const charts = linesByType(bySeries);
  assert.deepEqual([...charts.keys()], ['hertz', 'volt']);
  const start = Date.parse('2022-04-06T07:00:00Z') / 1000;
  const hertz = charts.get('hertz');
  assert.deepEqual(hertz.x, [start + 1, start + 3]);
  assert.deepEqual(hertz.lines.map((l) => l.label), ['default', 'north · site=a']);
  assert.deepEqual(hertz.lines[0].mean, [4, 5]);
  assert.deepEqual(hertz.lines[1].mean, [2, null], 'a line has a gap where its series has no bucket');
  assert.deepEqual(hertz.lines[1].count, [2, 0]);
  assert.deepEqual(summarizeLines(hertz.lines), { count: 4, min: 1, max: 5, mean: (4 + 5 + 2 * 2) / 4 });
  // Without group_by (or from an older service): one default line, as before.
  const merged = linesByType(aggregate);
  assert.deepEqual(merged.get('hertz').lines.map((l) => [l.label, l.mean]), [['default', [100, 102]]]);
});

test('a series keeps its colour whatever else is shown; the default series keeps the plot blue', () => {
  const listing = [
    { series_id: 9, measure_type: 'hertz', sensor: 'north', tags: { site: 'a' } },
    { series_id: 4, measure_type: 'hertz', sensor: null, tags: {} },
    { series_id: 11, measure_type: 'hertz', sensor: 'south', tags: {} },
  ];
  const all = linesByType(bySeries).get('hertz').lines;
  assert.deepEqual(lineStyles(all, listing).map((s) => s.stroke), [PALETTE[0], PALETTE[1]]);
  const north = all.filter((l) => l.label !== 'default');
  assert.deepEqual(lineStyles(north, listing).map((s) => s.stroke), [PALETTE[1]], 'filtered, north stays orange');
  const unknown = [{ key: '#30', sensor: 'west', tags: {} }];
  assert.deepEqual(lineStyles(unknown, listing).map((s) => s.stroke), [PALETTE[3]], 'a new series takes the next colour');
  const many = Array.from({ length: PALETTE.length + 1 }, (_, i) => ({ key: `#${100 + i}`, sensor: `s${i}`, tags: {} }));
  const styles = lineStyles(many, []);
  assert.equal(styles.at(-1).stroke, PALETTE[0]);
  assert.deepEqual(styles.at(-1).dash, [6, 3], 'past the palette, colours repeat dashed');
  assert.equal(styles[0].dash, null);
  assert.equal(withAlpha('#1f5fbf', 0.14), 'rgba(31, 95, 191, 0.14)');
});
