// Aggregate buckets from /measures/{id}/aggregate turned into plot series, and the names and
// colours of series (measure type, sensor, tags: GET /series). Pure functions.

/**
 * Groups buckets by measure type: Map(type → {x, mean, min, max, count}) with x the middle of each
 * bucket in seconds, sorted by time. Types come out in alphabetical order.
 */
export function seriesByType(aggregate) {
  const half = (Number(aggregate.bucket_seconds) || 0) / 2;
  const groups = new Map();
  for (const bucket of aggregate.buckets ?? []) {
    let group = groups.get(bucket.measure_type);
    if (!group) {
      group = [];
      groups.set(bucket.measure_type, group);
    }
    group.push(bucket);
  }
  const result = new Map();
  for (const type of [...groups.keys()].sort()) {
    const rows = groups.get(type).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    result.set(type, {
      x: rows.map((b) => Date.parse(b.start) / 1000 + half),
      mean: rows.map((b) => b.mean),
      min: rows.map((b) => b.min),
      max: rows.map((b) => b.max),
      count: rows.map((b) => b.count),
    });
  }
  return result;
}

/** Count, min, max and mean of every measure in the series (weighted by bucket counts). */
export function summarize(series) {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  series.count.forEach((n, i) => {
    if (!n || series.mean[i] === null || series.mean[i] === undefined) return; // no bucket of this series here
    count += n;
    sum += series.mean[i] * n;
    min = Math.min(min, series.min[i]);
    max = Math.max(max, series.max[i]);
  });
  if (count === 0) return { count: 0, min: null, max: null, mean: null };
  return { count, min, max, mean: sum / count };
}

/** The summary of several series of one chart, as if they were one. */
export function summarizeLines(lines) {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const line of lines) {
    const part = summarize(line);
    if (part.count === 0) continue;
    count += part.count;
    sum += part.mean * part.count;
    min = Math.min(min, part.min);
    max = Math.max(max, part.max);
  }
  if (count === 0) return { count: 0, min: null, max: null, mean: null };
  return { count, min, max, mean: sum / count };
}

export const DEFAULT_LABEL = 'default';

/** A series without sensor and tags: its measure type's default series. */
export function isDefaultSeries({ sensor = null, tags = {} } = {}) {
  return (sensor === null || sensor === undefined) && Object.keys(tags ?? {}).length === 0;
}

/** The name of a series in a legend: "north · rack=r1, site=a", "site=a", "north", or "default". */
export function seriesLabel({ sensor = null, tags = {} } = {}) {
  const parts = [];
  if (sensor !== null && sensor !== undefined) parts.push(String(sensor));
  const pairs = Object.keys(tags ?? {}).sort().map((key) => `${key}=${tags[key]}`);
  if (pairs.length > 0) parts.push(pairs.join(', '));
  return parts.length > 0 ? parts.join(' · ') : DEFAULT_LABEL;
}

/** What tells the series of one measure type apart: the series id, or its labels when there is none. */
export function seriesKey(series) {
  if (series.series_id !== undefined && series.series_id !== null) return `#${series.series_id}`;
  const tags = series.tags ?? {};
  return JSON.stringify([series.sensor ?? null, Object.keys(tags).sort().map((key) => [key, tags[key]])]);
}

/** Legend order: the default series first, then by series id (the order they were made), then by name. */
export function compareSeries(a, b) {
  const defaults = Number(isDefaultSeries(b)) - Number(isDefaultSeries(a));
  if (defaults !== 0) return defaults;
  const ids = (a.series_id ?? Infinity) - (b.series_id ?? Infinity);
  if (ids !== 0 && !Number.isNaN(ids)) return ids;
  const la = seriesLabel(a);
  const lb = seriesLabel(b);
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/**
 * Buckets of an aggregate with group_by=series as one chart per measure type, each with a line per
 * series: Map(type → {x, lines: [{key, id, sensor, tags, label, mean, min, max, count}]}). x is the
 * middle of every bucket any line of the chart has, sorted; a line has null (count 0) where it has
 * no bucket. Buckets without series_id (an aggregate without group_by) are one default series.
 */
export function linesByType(aggregate) {
  const half = (Number(aggregate.bucket_seconds) || 0) / 2;
  const types = new Map();
  for (const bucket of aggregate.buckets ?? []) {
    let lines = types.get(bucket.measure_type);
    if (!lines) {
      lines = new Map();
      types.set(bucket.measure_type, lines);
    }
    const key = seriesKey(bucket);
    let line = lines.get(key);
    if (!line) {
      line = { key, series_id: bucket.series_id ?? null, sensor: bucket.sensor ?? null, tags: bucket.tags ?? {}, rows: [] };
      lines.set(key, line);
    }
    line.rows.push(bucket);
  }
  const result = new Map();
  for (const type of [...types.keys()].sort()) {
    const lines = [...types.get(type).values()].sort(compareSeries);
    const x = [...new Set(lines.flatMap((l) => l.rows.map((b) => Date.parse(b.start) / 1000 + half)))]
      .sort((a, b) => a - b);
    const position = new Map(x.map((seconds, i) => [seconds, i]));
    result.set(type, {
      x,
      lines: lines.map((line) => {
        const out = {
          key: line.key, id: line.series_id, sensor: line.sensor, tags: line.tags, label: seriesLabel(line),
          mean: x.map(() => null), min: x.map(() => null), max: x.map(() => null), count: x.map(() => 0),
        };
        for (const b of line.rows) {
          const i = position.get(Date.parse(b.start) / 1000 + half);
          out.mean[i] = b.mean;
          out.min[i] = b.min;
          out.max[i] = b.max;
          out.count[i] = b.count;
        }
        return out;
      }),
    });
  }
  return result;
}

/** Line colours: the first is the single-series plot's blue. Past the last, they repeat dashed. */
export const PALETTE = ['#1f5fbf', '#d9480f', '#2b8a3e', '#c2255c', '#7048e8', '#0b7285', '#a36700', '#5f3dc4',
  '#087f5b', '#495057'];

/**
 * A stable style {stroke, dash} for each of `lines` (one chart): the place of its series among
 * `listing` (every series of the chart's measure type from GET /series, whatever the selection),
 * so a series keeps its colour when others are filtered out or the page is reloaded. A line the
 * listing does not know (yet) takes the next place after the listing's.
 */
export function lineStyles(lines, listing = []) {
  const known = [...listing].sort(compareSeries);
  const place = new Map(known.map((s, i) => [seriesKey(s), i]));
  const defaultPlace = known.findIndex((s) => isDefaultSeries(s));
  let next = known.length;
  return lines.map((line) => {
    let i = place.get(line.key);
    if (i === undefined && isDefaultSeries(line) && defaultPlace >= 0) i = defaultPlace;
    if (i === undefined) i = next++;
    return { stroke: PALETTE[i % PALETTE.length], dash: i >= PALETTE.length ? [6, 3] : null };
  });
}

/** '#1f5fbf' at alpha 0.14 → 'rgba(31, 95, 191, 0.14)'. */
export function withAlpha(hex, alpha) {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** A value for people: up to 6 significant digits, no exponent for ordinary magnitudes. */
export function formatValue(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

const COUNT = new Intl.NumberFormat('en-US');

/** A count with thousands separators: 31,536,000. */
export function formatCount(count) {
  return COUNT.format(count);
}

