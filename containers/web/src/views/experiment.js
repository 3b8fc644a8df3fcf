// One experiment: a plot per measure type over the chosen range, drawn from aggregate buckets (at
// most MAX_BUCKETS per request, whatever the range) with a line per series, a picker of the series
// by sensor and tag, zoom by dragging, the raw values, CSV export and live refresh. The range and
// the selection live in the page's address, so a link reproduces the view. Below, the experiment's
// alerts and its alert rules (views/alerts-panel.js).

import { createChart } from '../chart.js';
import { h, replace } from '../dom.js';
import { messageBox, notice } from '../notice.js';
import { messageOf } from '../problem.js';
import {
  alignedBuckets, bucketsFor, formatDuration, formatUtc, fromIso, iso, presetRange, rangeFromQuery, rangeToQuery,
} from '../range.js';
import { safeFileName, saveBlob } from '../save.js';
import {
  bucketsForSeries, isEverything, matches, selectionFromQuery, selectionParams, selectionToQuery, seriesOfType,
} from '../selection.js';
import { linesByType, seriesLabel } from '../series.js';
import { alertMarks, alertsPanel } from './alerts-panel.js';
import { measureTable } from './measure-table.js';
import { rangeBar } from './range-bar.js';
import { seriesPicker } from './series-picker.js';

export const POLL_MS = 5000;

export function experimentView(root, { api, symbols }, id, params) {
  const state = {
    spec: rangeFromQuery(params), selection: selectionFromQuery(params), listing: [], zooms: [], shown: null,
    generation: 0, disposed: false, name: '',
  };
  const charts = new Map();
  const title = h('h2', {}, `Experiment ${id}`);
  const messages = messageBox();
  const status = h('p', { class: 'muted range-status', role: 'status' });
  const empty = h('p', { class: 'notice info empty', hidden: true }, 'No measures in this range.');
  const chartsBox = h('div', { class: 'charts' });
  const table = measureTable(api, id);
  const bar = rangeBar({ onPreset, onCustom, onBack, onLive: (on) => on && refresh({ live: true }), onDownload });
  const picker = seriesPicker({ onSelect });
  let alerts = null;
  let marks = [];
  replace(root, title, messages.element);

  const timer = setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    if (bar.live()) refresh({ live: true });
    alerts?.refresh();
  }, POLL_MS);
  start();
  return () => {
    state.disposed = true;
    clearInterval(timer);
    for (const chart of charts.values()) chart.destroy();
  };

  async function start() {
    try {
      const [experiment, listing] = await Promise.all([api.get(`/experiments/${id}`), api.get(`/series/${id}`)]);
      state.name = experiment.name;
      state.listing = listing;
    } catch (error) {
      if (!state.disposed) refuse(error);
      return;
    }
    if (state.disposed) return;
    replace(title, state.name);
    const hint = h('p', { class: 'muted hint' }, 'Drag across a plot to zoom in; times are UTC.');
    picker.show(state.listing, state.selection);
    alerts = alertsPanel(api, id, { measureTypes: [...(await symbols()).keys()], onAlerts: mark });
    if (state.disposed) return;
    root.append(bar.element, picker.element, status, empty, chartsBox, hint, table.element, alerts.element);
    alerts.refresh();
    await refresh();
  }

  /** Neither this scientist's experiment nor one that exists: the service does not say which. */
  function refuse(error) {
    clearInterval(timer);
    for (const chart of charts.values()) chart.destroy();
    charts.clear();
    if (error.status === 403 || error.status === 404) {
      replace(root, h('h2', {}, `Experiment ${id}`), notice('error',
        `You are not associated with experiment ${id}, or it does not exist. `
        + 'Ask an administrator if you need to see its measures.'),
      h('p', { class: 'muted' }, `The service said: ${error.message}`),
      h('p', {}, h('a', { href: '#/' }, 'Back to my experiments')));
    } else {
      messages.show('error', messageOf(error));
    }
  }

  async function refresh({ live = false } = {}) {
    const generation = ++state.generation;
    const stale = () => state.disposed || generation !== state.generation;
    try {
      const wanted = await resolve(state.spec);
      if (stale()) return;
      const chosen = state.listing.filter((s) => matches(s, state.selection)).length;
      // Whole minutes or hours where the buckets are that wide, so that the service answers from its
      // rollups; the plot, its summary and the table show that range, a little wider than asked.
      const { buckets, ...range } = alignedBuckets(wanted, bucketsForSeries(bucketsFor(chartsBox.clientWidth), chosen));
      const aggregate = await api.get(`/measures/${id}/aggregate`, {
        from: iso(range.from), to: iso(range.to), buckets,
        group_by: 'series', ...selectionParams(state.selection),
      });
      if (stale()) return;
      await learnSeries(aggregate);
      if (stale()) return;
      state.shown = range;
      await draw(aggregate, range);
      bar.show(state.spec, range, state.zooms.length);
      picker.show(state.listing, state.selection);
      describe(range, aggregate);
      await table.update(range, { live, selection: state.selection });
      if (!stale()) messages.clear();
    } catch (error) {
      if (stale()) return;
      if (error.status === 403) refuse(error);
      else messages.show('error', messageOf(error));
    }
  }

  /** A preset is relative to now; 'all' spans the first to the last measure. */
  async function resolve(spec) {
    const now = Date.now() / 1000;
    if (!spec.preset) return { from: spec.from, to: spec.to };
    if (spec.preset !== 'all') return presetRange(spec.preset, now);
    const chosen = selectionParams(state.selection);
    const [first] = await api.get(`/measures/${id}`, { limit: 1, order: 'asc', ...chosen });
    const [last] = await api.get(`/measures/${id}`, { limit: 1, order: 'desc', ...chosen });
    const extent = first && last ? { first: fromIso(first.timestamp), last: fromIso(last.timestamp) } : null;
    return presetRange('all', now, extent);
  }

  /** A series the listing does not know yet (a new sensor while live): read the listing again. */
  async function learnSeries(aggregate) {
    const known = new Set(state.listing.map((s) => s.series_id));
    if (!aggregate.buckets.some((b) => b.series_id !== undefined && b.series_id !== null && !known.has(b.series_id))) {
      return;
    }
    try {
      state.listing = await api.get(`/series/${id}`);
    } catch {
      // The plot is drawn all the same; only a new line's colour may change once the listing is read.
    }
  }

  async function draw(aggregate, range) {
    const byType = linesByType(aggregate);
    const symbolOf = await symbols();
    for (const [type, chart] of charts) {
      if (!byType.has(type)) {
        chart.destroy();
        charts.delete(type);
      }
    }
    for (const [type, series] of byType) {
      if (!charts.has(type)) charts.set(type, createChart(chartsBox, { type, symbol: symbolOf.get(type), onZoom }));
      charts.get(type).setData(series, range, seriesOfType(state.listing, type));
      charts.get(type).setMarks(marks.filter((m) => m.measure === type));
      chartsBox.append(charts.get(type).element);
    }
    replace(empty, isEverything(state.selection) ? 'No measures in this range.'
      : 'No measures of the chosen series in this range.');
    empty.hidden = byType.size > 0;
  }

  /** Every plot marks when its measure type's alerts fired and resolved. */
  function mark(listed) {
    marks = alertMarks(listed);
    for (const [type, chart] of charts) chart.setMarks(marks.filter((m) => m.measure === type));
  }

  function describe(range, aggregate) {
    const width = Number(aggregate.bucket_seconds);
    replace(status, `${formatUtc(range.from)} → ${formatUtc(range.to)}`,
      width > 0 ? ` · buckets of ${formatDuration(width)}` : '',
      ` · ${aggregate.buckets.length} buckets`,
      state.spec.preset && bar.live() ? ` · live, updated ${formatUtc(Date.now() / 1000).slice(11)}` : '');
  }

  function show(spec, { zoom = false } = {}) {
    if (!zoom) state.zooms = [];
    state.spec = spec;
    history.replaceState(null, '', `#/experiments/${id}?${selectionToQuery(state.selection, rangeToQuery(spec))}`);
    refresh();
  }

  /** Another sensor or tag: the same range (and zoom), other series. */
  function onSelect(selection) {
    state.selection = selection;
    picker.show(state.listing, selection);
    show(state.spec, { zoom: true });
  }

  function onPreset(name) {
    show({ preset: name });
  }

  function onCustom(from, to) {
    show({ from, to });
  }

  function onZoom(from, to) {
    state.zooms.push(state.spec);
    show({ from, to }, { zoom: true });
  }

  function onBack() {
    const previous = state.zooms.pop();
    if (previous) show(previous, { zoom: true });
  }

  async function onDownload() {
    if (!state.shown) return;
    const { from, to } = state.shown;
    bar.busy(true);
    try {
      const { blob } = await api.file(`/measures/${id}/export`, {
        from: iso(from), to: iso(to), ...selectionParams(state.selection),
      });
      const chosen = isEverything(state.selection) ? '' : `_${seriesLabel(state.selection)}`;
      saveBlob(blob, safeFileName(`${state.name}${chosen}_${iso(from)}_${iso(to)}.csv`));
      messages.show('ok', `CSV of ${formatUtc(from)} → ${formatUtc(to)} downloaded (${blob.size} bytes).`);
    } catch (error) {
      messages.show('error', `The CSV could not be downloaded: ${messageOf(error)}`);
    } finally {
      bar.busy(false);
    }
  }
}
