import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertMarks, byUrgency, ruleSummary } from '../src/views/alerts-panel.js';

test('alerts are listed firing first, then pending and no-data, resolved and normal last', () => {
  const alerts = [{ alert_id: 1, state: 'normal' }, { alert_id: 2, state: 'firing' }, { alert_id: 3, state: 'no-data' },
    { alert_id: 4, state: 'firing' }, { alert_id: 5, state: 'pending' }, { alert_id: 6, state: 'resolved' }];
  assert.deepEqual(byUrgency(alerts).map((a) => a.alert_id), [2, 4, 5, 3, 6, 1]);
});

test('a rule reads as its condition, with its series, clear level and hold time only when they say something', () => {
  const rule = { statistic: 'max', measure: 'hertz', sensor: 'north', tags: { site: 'a' }, window: 60,
    condition: 'above', threshold: 80, clear: 75, for: 30 };
  assert.equal(ruleSummary(rule), 'max of hertz [north · site=a] over 60 s above 80 (clear 75), for 30 s');
  assert.equal(ruleSummary({ ...rule, sensor: null, tags: {}, clear: 80, for: 0 }), 'max of hertz over 60 s above 80');
});

test('a plot marks when each alert last fired and, once resolved, when it resolved', () => {
  const alerts = [
    { measure: 'hertz', state: 'firing', fired_at: '2026-01-01T00:00:10.000000Z', since: '2026-01-01T00:00:10.000000Z' },
    { measure: 'hertz', state: 'resolved', fired_at: '2026-01-01T00:00:20.000000Z', since: '2026-01-01T00:00:30.000000Z' },
    { measure: 'pascal', state: 'normal', fired_at: null, since: '2026-01-01T00:00:00.000000Z' },
  ];
  const t0 = Date.parse('2026-01-01T00:00:00Z') / 1000;
  assert.deepEqual(alertMarks(alerts), [
    { measure: 'hertz', at: t0 + 10, kind: 'fired' },
    { measure: 'hertz', at: t0 + 20, kind: 'fired' },
    { measure: 'hertz', at: t0 + 30, kind: 'resolved' },
  ]);
});
