import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLimiter, DAY, relativeTime, sparklinePath, sparkWindow } from '../src/sparkline.js';

const NOW = Date.parse('2026-03-01T12:00:00Z') / 1000;

test('a sparkline spans its window: points placed by time, values across the height', () => {
  const d = sparklinePath([0, 50, 100], [1, 3, 2], { from: 0, to: 100, width: 104, height: 24, pad: 2 });
  assert.equal(d, 'M2 22L52 2L102 12');
});

test('gaps break the line; a lone point is a dash; a flat series is drawn halfway up; no points, no path', () => {
  const gap = sparklinePath([0, 25, 50, 100], [1, null, 2, 3], { from: 0, to: 100, width: 104, height: 24, pad: 2 });
  assert.equal(gap, 'M0.5 22L3.5 22M52 12L102 2');
  const flat = sparklinePath([0, 100], [5, 5], { from: 0, to: 100, width: 104, height: 24, pad: 2 });
  assert.equal(flat, 'M2 12L102 12');
  assert.equal(sparklinePath([], [], { from: 0, to: 1 }), '');
  assert.equal(sparklinePath([1], [null], { from: 0, to: 1 }), '');
  assert.equal(sparklinePath([50], [7], { from: 0, to: 100, width: 104, height: 24 }), 'M50.5 12L53.5 12');
});

test('the sparkline window: the last 24 h of a live experiment, else its last day of data', () => {
  assert.deepEqual(sparkWindow(NOW - 10 * DAY, NOW - 600, NOW), { from: NOW - DAY, to: NOW });
  const last = Date.parse('2022-04-06T07:09:00Z') / 1000;
  assert.deepEqual(sparkWindow(last - 540, last, NOW), { from: last - 540, to: last + 1 },
    'never before the first measure');
  assert.deepEqual(sparkWindow(last - 5 * DAY, last, NOW), { from: last + 1 - DAY, to: last + 1 });
  assert.deepEqual(sparkWindow(last, last, NOW), { from: last + 1 - 60, to: last + 1 }, 'at least a minute');
});

test('the last measure in words', () => {
  assert.equal(relativeTime(NOW - 5, NOW), 'just now');
  assert.equal(relativeTime(NOW - 5 * 60, NOW), '5 min ago');
  assert.equal(relativeTime(NOW - 3 * 3600 - 59, NOW), '3 h ago');
  assert.equal(relativeTime(NOW - DAY, NOW), '1 day ago');
  assert.equal(relativeTime(NOW - 9 * DAY, NOW), '1 week ago');
  assert.equal(relativeTime(NOW - 60 * DAY, NOW), '2 months ago');
  assert.equal(relativeTime(NOW - 4 * 365 * DAY, NOW), '4 years ago');
  assert.match(relativeTime(NOW + 3600, NOW), /^in the future \(2026-03-01 13:00:00 UTC\)$/);
});

test('the limiter runs at most N tasks at once, in order, and passes results and errors on', async () => {
  const limit = createLimiter(2);
  const started = [];
  let peak = 0;
  const gates = [];
  const task = (i) => () => new Promise((resolve, reject) => {
    started.push(i);
    peak = Math.max(peak, limit.active());
    gates[i] = { resolve, reject };
  });
  const results = [0, 1, 2, 3].map((i) => limit(task(i)));
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limit.waiting(), 2);
  gates[1].resolve('one');
  assert.equal(await results[1], 'one');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [0, 1, 2]);
  gates[0].reject(new Error('nope'));
  await assert.rejects(results[0], /nope/);
  await new Promise((resolve) => setImmediate(resolve));
  gates[2].resolve(2);
  gates[3].resolve(3);
  assert.deepEqual(await Promise.all([results[2], results[3]]), [2, 3]);
  assert.equal(peak, 2);
  assert.equal(limit.active(), 0);
});
