import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alignedBuckets, bucketsFor, formatDuration, formatUtc, fromInputValue, MAX_BUCKETS, MIN_BUCKETS, presetRange, rangeFromQuery,
  rangeProblem, rangeToQuery, tickLabels, toInputValue,
} from '../src/range.js';

const NOW = Date.parse('2026-03-01T12:00:00Z') / 1000;
const at = (text) => Date.parse(text) / 1000;

test('presets end now and reach back their length', () => {
  assert.deepEqual(presetRange('hour', NOW), { from: NOW - 3600, to: NOW });
  assert.deepEqual(presetRange('week', NOW), { from: NOW - 604_800, to: NOW });
  assert.deepEqual(presetRange('year', NOW), { from: NOW - 31_536_000, to: NOW });
});

test('"all" spans the data with a margin, and falls back to the last hour without data', () => {
  const extent = { first: at('2022-04-06T07:00:00Z'), last: at('2022-04-06T07:09:00Z') };
  const range = presetRange('all', NOW, extent);
  assert.equal(range.from, extent.first - 10.8);
  assert.equal(range.to, extent.last + 10.8);
  const single = presetRange('all', NOW, { first: 100, last: 100 });
  assert.deepEqual(single, { from: 99, to: 101 });
  assert.deepEqual(presetRange('all', NOW, null), { from: NOW - 3600, to: NOW });
  assert.throws(() => presetRange('decade', NOW), /unknown range preset/);
});

test('a view asks for about one bucket per 1.5 pixels, never more than MAX_BUCKETS', () => {
  assert.equal(bucketsFor(1200), 800);
  assert.equal(bucketsFor(100_000), MAX_BUCKETS);
  assert.equal(bucketsFor(0), MIN_BUCKETS);
  assert.equal(bucketsFor(undefined), MIN_BUCKETS);
  assert.ok(MAX_BUCKETS <= 2000);
});

test('custom ranges are read as UTC and checked', () => {
  assert.equal(fromInputValue('2022-04-06T07:00'), at('2022-04-06T07:00:00Z'));
  assert.equal(fromInputValue('2022-04-06T07:00:30'), at('2022-04-06T07:00:30Z'));
  assert.ok(Number.isNaN(fromInputValue('')));
  assert.ok(Number.isNaN(fromInputValue('2022-04-06T07:00Z; drop')));
  assert.equal(toInputValue(at('2022-04-06T07:00:30.5Z')), '2022-04-06T07:00:30');
  assert.equal(rangeProblem(1, 2), null);
  assert.match(rangeProblem(2, 2), /after the start/);
  assert.match(rangeProblem(Number.NaN, 2), /both/);
});

test('the range round-trips through the address', () => {
  const custom = { from: at('2022-04-06T06:55:00Z'), to: at('2022-04-06T07:15:00Z') };
  assert.deepEqual(rangeFromQuery(rangeToQuery(custom)), custom);
  assert.deepEqual(rangeFromQuery(rangeToQuery({ preset: 'day' })), { preset: 'day' });
  assert.deepEqual(rangeFromQuery(new URLSearchParams('preset=nonsense')), { preset: 'all' });
  assert.deepEqual(rangeFromQuery(new URLSearchParams('from=2022-01-02&to=2022-01-01')), { preset: 'all' });
});

test('times and durations read well', () => {
  assert.equal(formatUtc(at('2022-04-06T07:00:00Z')), '2022-04-06 07:00:00 UTC');
  assert.equal(formatUtc(at('2022-04-06T07:00:00.25Z')), '2022-04-06 07:00:00.250 UTC');
  assert.equal(formatDuration(0.6), '600 ms');
  assert.equal(formatDuration(1.5), '1.5 s');
  assert.equal(formatDuration(39_420), '10.9 h');
  assert.equal(formatDuration(0.000002), '2 µs');
});

test('axis labels are as precise as the tick spacing and show the date once a day', () => {
  const minutes = [at('2022-04-06T23:58:00Z'), at('2022-04-06T23:59:00Z'), at('2022-04-07T00:00:00Z')];
  assert.deepEqual(tickLabels(minutes, 60), ['23:58\n2022-04-06', '23:59', '00:00\n2022-04-07']);
  assert.deepEqual(tickLabels([at('2025-01-01T00:00:00Z'), at('2025-02-01T00:00:00Z')], 31 * 86_400),
    ['2025-01', '2025-02']);
  assert.deepEqual(tickLabels([at('2025-12-31T00:00:00Z'), at('2026-01-01T00:00:00Z')], 86_400),
    ['12-31\n2025', '01-01\n2026']);
  assert.deepEqual(tickLabels([at('2025-01-01T00:00:00.5Z')], 0.5), ['00:00:00.500\n2025-01-01']);
});

test('plot buckets are whole minutes or hours, so the service answers from its rollups', () => {
  const year = alignedBuckets({ from: at('2025-03-01T12:34:56.789Z'), to: at('2026-03-01T12:34:56.789Z') }, 1000);
  assert.deepEqual(year, { from: at('2025-03-01T12:00:00Z'), to: at('2026-03-01T18:00:00Z'), buckets: 974 });
  const day = alignedBuckets({ from: at('2026-03-01T12:00:30Z'), to: at('2026-03-02T12:00:30Z') }, 750);
  assert.deepEqual(day, { from: at('2026-03-01T12:00:00Z'), to: at('2026-03-02T12:02:00Z'), buckets: 721 });
  const minute = { from: at('2026-03-01T12:00:30Z'), to: at('2026-03-01T12:01:30Z') };
  assert.deepEqual(alignedBuckets(minute, 50), { ...minute, buckets: 50 });
});

test('aligned buckets cover the range, never more than asked, whatever the range', () => {
  let seed = 7;
  const random = () => { seed = (seed * 48_271) % 2_147_483_647; return seed / 2_147_483_647; };
  for (let i = 0; i < 2000; i += 1) {
    const from = 1.6e9 + random() * 1e8;
    const range = { from, to: from + 10 ** (random() * 8) };
    const wanted = 1 + Math.floor(random() * MAX_BUCKETS);
    const asked = alignedBuckets(range, wanted);
    const width = (asked.to - asked.from) / asked.buckets;
    assert.ok(asked.buckets >= 1 && asked.buckets <= wanted, `${asked.buckets} buckets for ${wanted}`);
    assert.ok(asked.from <= range.from && asked.to >= range.to - 1e-6);
    // Over an hour, whole hours; from a minute, whole minutes (an hour exactly may be either).
    const unit = width > 3600 ? 3600 : width >= 60 ? 60 : 0;
    if (unit && wanted > 2) {
      assert.equal(asked.from % unit, 0);
      assert.ok(Math.abs(width / unit - Math.round(width / unit)) < 1e-9, `width ${width}`);
      assert.ok(range.from - asked.from < unit);
    }
  }
});
