// Which series an experiment's page shows: a sensor and tags, as the API's `sensor=` and
// `tag.<key>=<value>` filters take them, kept in the page's address next to the range
// (#/experiments/1?preset=day&sensor=north&tag.site=a). Pure functions: tested with node --test.

import { compareSeries, isDefaultSeries } from './series.js';
import { MIN_BUCKETS } from './range.js';

// The service's rules (domain/series.py): a sensor or tag value is 1–128 characters without
// control characters (nor bidirectional overrides); a key is lower case; at most 8 tags.
export const TAG_KEY = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_TAGS = 8;
const LABEL = /^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]{1,128}$/u;

export const EVERYTHING = Object.freeze({ sensor: null, tags: Object.freeze({}) });

/** A sensor or tag value the service would accept. */
export function validLabel(text) {
  return typeof text === 'string' && LABEL.test(text);
}

/** {sensor, tags} from the address' parameters; what the service would refuse is left out. */
export function selectionFromQuery(params) {
  const sensor = params.get('sensor');
  const tags = {};
  for (const [name, value] of params) {
    if (!name.startsWith('tag.')) continue;
    const key = name.slice(4);
    if (TAG_KEY.test(key) && validLabel(value) && !(key in tags) && Object.keys(tags).length < MAX_TAGS) {
      tags[key] = value;
    }
  }
  return { sensor: validLabel(sensor) ? sensor : null, tags };
}

/** Appends the selection to `params` (a URLSearchParams), tags in key order; returns params. */
export function selectionToQuery(selection, params = new URLSearchParams()) {
  for (const [name, value] of Object.entries(selectionParams(selection))) params.set(name, value);
  return params;
}

/** The selection as API query parameters: {sensor: 'north', 'tag.site': 'a'} (nothing for everything). */
export function selectionParams(selection) {
  const params = {};
  if (selection?.sensor) params.sensor = selection.sensor;
  for (const key of Object.keys(selection?.tags ?? {}).sort()) params[`tag.${key}`] = selection.tags[key];
  return params;
}

export function isEverything(selection) {
  return !selection?.sensor && Object.keys(selection?.tags ?? {}).length === 0;
}

export function sameSelection(a, b) {
  return JSON.stringify(selectionParams(a)) === JSON.stringify(selectionParams(b));
}

/** Whether a series (from GET /series) is one the selection chooses, as the service decides. */
export function matches(series, selection) {
  if (selection?.sensor && series.sensor !== selection.sensor) return false;
  return Object.entries(selection?.tags ?? {}).every(([key, value]) => series.tags?.[key] === value);
}

/**
 * The picker's choices from an experiment's series: {sensors: [...], tags: {key: [values]}},
 * sorted, with what the selection names kept even when no series has it (a link from elsewhere).
 */
export function pickerChoices(listing, selection = EVERYTHING) {
  const sensors = new Set();
  const tags = new Map();
  const addTag = (key, value) => {
    if (!tags.has(key)) tags.set(key, new Set());
    tags.get(key).add(value);
  };
  for (const series of listing) {
    if (series.sensor !== null && series.sensor !== undefined) sensors.add(series.sensor);
    for (const [key, value] of Object.entries(series.tags ?? {})) addTag(key, value);
  }
  if (selection.sensor) sensors.add(selection.sensor);
  for (const [key, value] of Object.entries(selection.tags ?? {})) addTag(key, value);
  const sorted = (set) => [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    sensors: sorted(sensors),
    tags: Object.fromEntries(sorted(tags.keys()).map((key) => [key, sorted(tags.get(key))])),
  };
}

/** Whether an experiment's series are only the default series of its measure types. */
export function onlyDefaultSeries(listing) {
  return listing.every((s) => isDefaultSeries(s));
}

/** The series of one measure type in legend order. */
export function seriesOfType(listing, type) {
  return listing.filter((s) => s.measure_type === type).sort(compareSeries);
}

// Every series gets its own buckets with group_by=series: keep an answer near this many rows.
export const MAX_ROWS = 30_000;

/**
 * Buckets to ask for when `count` series are drawn: those the plot's width wants (`wanted`), fewer
 * when many series would make the answer large, never fewer than MIN_BUCKETS.
 */
export function bucketsForSeries(wanted, count) {
  const lines = Math.max(1, Number(count) || 1);
  return Math.max(MIN_BUCKETS, Math.min(wanted, Math.floor(MAX_ROWS / lines)));
}
