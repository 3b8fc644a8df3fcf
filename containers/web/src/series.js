// Aggregate buckets from /measures/{id}/aggregate turned into plot series. Pure functions.

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
    count += n;
    sum += series.mean[i] * n;
    min = Math.min(min, series.min[i]);
    max = Math.max(max, series.max[i]);
  });
  if (count === 0) return { count: 0, min: null, max: null, mean: null };
  return { count, min, max, mean: sum / count };
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

