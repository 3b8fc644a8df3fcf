// Time ranges of the plots, in Unix seconds (UTC). Pure functions: tested with node --test.

export const PRESETS = [
  { name: 'hour', label: 'Last hour', seconds: 3600 },
  { name: 'day', label: 'Last day', seconds: 86_400 },
  { name: 'week', label: 'Last week', seconds: 7 * 86_400 },
  { name: 'year', label: 'Last year', seconds: 365 * 86_400 },
  { name: 'all', label: 'All', seconds: null },
];

export const MIN_BUCKETS = 50;
export const MAX_BUCKETS = 1500;

/**
 * The range of a preset at `now`. 'all' needs the extent of the data ({first, last} in seconds,
 * or null when there is none) and pads it by 2% (at least a second) so the edges stay visible.
 */
export function presetRange(name, now, extent = null) {
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) throw new Error(`unknown range preset: ${name}`);
  if (preset.seconds !== null) return { from: now - preset.seconds, to: now };
  if (!extent) return { from: now - 3600, to: now };
  const pad = Math.max((extent.last - extent.first) * 0.02, 1);
  return { from: extent.first - pad, to: extent.last + pad };
}

/** One bucket per couple of pixels of plot width, within [MIN_BUCKETS, MAX_BUCKETS]. */
export function bucketsFor(widthPx) {
  const wanted = Math.round((Number(widthPx) || 0) / 1.5);
  return Math.min(MAX_BUCKETS, Math.max(MIN_BUCKETS, wanted));
}

/**
 * The buckets to ask the aggregate for, so that the service can answer from its rollups
 * (docs/api.md, Aggregate): at most `wanted` buckets covering [from, to). Buckets of a minute or
 * more are whole minutes (an hour or more: whole hours) and start on one; shorter ones, which the
 * service reads raw anyway, are the range split in `wanted`. Returns {from, to, buckets}; the
 * aligned range may start up to a unit before `from` and end up to a bucket after `to`.
 */
export function alignedBuckets(range, wanted) {
  const count = Math.max(1, Math.floor(wanted));
  // Two buckets spare: the start moves back by less than a unit (at most a bucket), the end
  // rounds up to a whole bucket.
  const rough = (range.to - range.from) / (count - 2);
  const unit = [3600, 60].find((size) => count > 2 && rough >= size);
  if (!unit) return { from: range.from, to: range.to, buckets: count };
  const width = Math.ceil(rough / unit) * unit;
  const from = Math.floor(range.from / unit) * unit;
  const buckets = Math.ceil((range.to - from) / width);
  return { from, to: from + buckets * width, buckets };
}

/** ISO-8601 UTC, as the API takes it. */
export function iso(seconds) {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

/** Seconds from an ISO-8601 string, or NaN. */
export function fromIso(text) {
  return Date.parse(text) / 1000;
}

/** The value of an <input type="datetime-local">, read as UTC: 2022-04-06T07:00 */
export function toInputValue(seconds) {
  return iso(seconds).slice(0, 19);
}

/** Seconds from an <input type="datetime-local"> value read as UTC, or NaN when empty or invalid. */
export function fromInputValue(text) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text ?? '')) return Number.NaN;
  return Date.parse(`${text}Z`) / 1000;
}

/** A range checked for a custom form: an error message, or null when it is usable. */
export function rangeProblem(from, to) {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Give both the start and the end (UTC).';
  if (to <= from) return 'The end must be after the start.';
  return null;
}

/** 2022-04-06 07:00:05 UTC (milliseconds only when there are some). */
export function formatUtc(seconds) {
  const text = iso(seconds).replace('T', ' ').replace('Z', '');
  return `${text.endsWith('.000') ? text.slice(0, -4) : text} UTC`;
}

/** A duration in words: 0.6 s, 3.6 min, 1.2 h, 8.8 d. */
export function formatDuration(seconds) {
  const units = [[86_400, 'd'], [3600, 'h'], [60, 'min'], [1, 's'], [0.001, 'ms']];
  for (const [size, unit] of units) {
    if (seconds >= size) return `${trim(seconds / size)} ${unit}`;
  }
  return `${trim(seconds * 1e6)} µs`;
}

function trim(value) {
  return String(Number(value.toPrecision(3)));
}

/**
 * The range in the page's address: #/experiments/1?preset=day or ?from=...&to=... (ISO-8601).
 * Returns {preset} or {from, to}; the default is the whole data ('all').
 */
export function rangeFromQuery(params) {
  const preset = params.get('preset');
  if (preset && PRESETS.some((p) => p.name === preset)) return { preset };
  const from = fromIso(params.get('from') ?? '');
  const to = fromIso(params.get('to') ?? '');
  if (rangeProblem(from, to) === null) return { from, to };
  return { preset: 'all' };
}

export function rangeToQuery(range) {
  const params = new URLSearchParams();
  if (range.preset) params.set('preset', range.preset);
  else {
    params.set('from', iso(range.from));
    params.set('to', iso(range.to));
  }
  return params;
}

/**
 * Labels of the time axis, in UTC, 24-hour: only as precise as the tick spacing (`incr` seconds)
 * needs, with the date under the first tick of each day (or the year under each new year).
 */
export function tickLabels(splits, incr) {
  let previous = null;
  return splits.map((seconds) => {
    const text = iso(seconds);
    const day = text.slice(0, 10);
    let label;
    if (incr >= 360 * 86_400) label = text.slice(0, 4);
    else if (incr >= 28 * 86_400) label = text.slice(0, 7);
    else if (incr >= 86_400) label = text.slice(5, 10);
    else if (incr >= 60) label = text.slice(11, 16);
    else if (incr >= 1) label = text.slice(11, 19);
    else label = text.slice(11, 23);
    if (incr < 86_400 && day !== previous) label += `\n${day}`;
    else if (incr >= 86_400 && incr < 28 * 86_400 && day.slice(0, 4) !== previous?.slice(0, 4)) {
      label += `\n${day.slice(0, 4)}`;
    }
    previous = day;
    return label;
  });
}
