// The experiments page's glance at each experiment: a sparkline of its most recent day, the time
// of its last measure in words, and a bound on the requests it sends at once. Pure functions.

import { formatUtc } from './range.js';

export const DAY = 86_400;
export const SPARK_BUCKETS = 48;

/**
 * The window a sparkline shows, in seconds: the last 24 h when the experiment measured within
 * them, else the last day it measured ([last − 24 h, last]); never before its first measure,
 * at least a minute. `to` is one second past `last`, as the aggregate's end is exclusive.
 */
export function sparkWindow(first, last, now) {
  const end = now - last < DAY ? Math.max(now, last + 1) : last + 1;
  let start = end - DAY;
  if (Number.isFinite(first)) start = Math.max(start, first);
  start = Math.min(start, end - 60);
  return { from: Math.floor(start), to: Math.ceil(end) };
}

/**
 * An SVG path through the points (xs[i], ys[i]) (seconds, values), x across [from, to] and y
 * across the values' range, in a width × height box inset by pad. Null values break the line.
 * A single point is a short dash; a flat series is drawn halfway up. '' without points.
 */
export function sparklinePath(xs, ys, { from, to, width = 120, height = 28, pad = 2 } = {}) {
  const points = [];
  for (let i = 0; i < xs.length; i += 1) {
    if (ys[i] !== null && ys[i] !== undefined && Number.isFinite(ys[i])) points.push([xs[i], ys[i]]);
    else points.push(null);
  }
  const values = points.filter(Boolean).map((p) => p[1]);
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = to - from || 1;
  const px = (x) => round(pad + ((x - from) / span) * (width - 2 * pad));
  const py = (y) => round(high === low ? height / 2 : pad + (1 - (y - low) / (high - low)) * (height - 2 * pad));
  const parts = [];
  let drawing = false;
  for (const point of points) {
    if (!point) {
      drawing = false;
      continue;
    }
    parts.push(`${drawing ? 'L' : 'M'}${px(point[0])} ${py(point[1])}`);
    drawing = true;
  }
  // A lone point (one bucket, or between two gaps) becomes a dash so it shows.
  return parts.map((part, i) => {
    const next = parts[i + 1];
    if (part.startsWith('M') && (!next || next.startsWith('M'))) {
      const [x, y] = part.slice(1).split(' ').map(Number);
      return `M${round(Math.max(0, x - 1.5))} ${y}L${round(Math.min(width, x + 1.5))} ${y}`;
    }
    return part;
  }).join('');
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** When something happened, in words: "just now", "5 min ago", "3 h ago", "2 days ago", "3 years ago". */
export function relativeTime(seconds, now) {
  const ago = now - seconds;
  if (ago < -60) return `in the future (${formatUtc(seconds)})`;
  if (ago < 60) return 'just now';
  const units = [[365 * DAY, 'year'], [30 * DAY, 'month'], [7 * DAY, 'week'], [DAY, 'day'], [3600, 'h'],
    [60, 'min']];
  for (const [size, unit] of units) {
    if (ago >= size) {
      const n = Math.floor(ago / size);
      const short = unit === 'h' || unit === 'min';
      return `${n} ${unit}${!short && n > 1 ? 's' : ''} ago`;
    }
  }
  return 'just now';
}

/**
 * At most `limit` tasks at a time: limiter(task) runs task() when a place is free and resolves
 * to its result. Tasks start in the order they were given.
 */
export function createLimiter(limit) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= limit || waiting.length === 0) return;
    running += 1;
    const { task, resolve, reject } = waiting.shift();
    Promise.resolve().then(task).then(resolve, reject).finally(() => {
      running -= 1;
      next();
    });
  };
  const run = (task) => new Promise((resolve, reject) => {
    waiting.push({ task, resolve, reject });
    next();
  });
  run.active = () => running;
  run.waiting = () => waiting.length;
  return run;
}
