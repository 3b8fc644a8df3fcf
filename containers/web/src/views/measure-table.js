// The raw values of the shown range and series, newest first, 50 per page, following the Link
// header; each row names its series (sensor and tags, or "default").

import { withParams } from '../api.js';
import { h, replace } from '../dom.js';
import { iso } from '../range.js';
import { selectionParams } from '../selection.js';
import { formatValue, seriesLabel } from '../series.js';

const PAGE = 50;

export function measureTable(api, experimentId) {
  const rows = h('tbody');
  const info = h('span', { class: 'muted page-info' });
  const newer = h('button', { type: 'button', class: 'btn', disabled: true, on: { click: () => load(index - 1) } },
    '← Newer');
  const older = h('button', { type: 'button', class: 'btn', disabled: true, on: { click: () => load(index + 1) } },
    'Older →');
  const element = h('section', { class: 'card raw-values' },
    h('div', { class: 'table-head' }, h('h3', {}, 'Raw values'), h('div', { class: 'table-nav' }, newer, info, older)),
    h('table', { class: 'data' },
      h('thead', {}, h('tr', {},
        h('th', {}, 'Time (UTC)'), h('th', {}, 'Measure'), h('th', {}, 'Series'), h('th', { class: 'num' }, 'Value'))),
      rows));

  let pages = []; // the request path of each page seen so far; pages[0] is the newest
  let index = 0;

  async function load(wanted) {
    const page = await api.page(pages[wanted]);
    index = wanted;
    pages = pages.slice(0, wanted + 1);
    if (page.next) pages.push(page.next);
    replace(rows, page.rows.map((m) => h('tr', {}, h('td', {}, timeText(m.timestamp)), h('td', {}, m.measure_type),
      h('td', { class: 'series-name' }, seriesLabel(m)), h('td', { class: 'num' }, formatValue(m.value)))));
    if (page.rows.length === 0) {
      replace(rows, h('tr', {}, h('td', { class: 'muted', colSpan: 4 }, 'No values in this range.')));
    }
    const count = page.rows.length;
    replace(info, count ? `Page ${index + 1} · ${count} value${count === 1 ? '' : 's'}` : '');
    newer.disabled = index === 0;
    older.disabled = !page.next;
  }

  return {
    element,
    /**
     * Shows the newest page of `shown` and of the selection's series; a live update leaves a
     * reader of older pages alone.
     */
    async update(shown, { live = false, selection = null } = {}) {
      if (live && index > 0) return;
      pages = [withParams(`/measures/${experimentId}`, {
        from: iso(shown.from), to: iso(shown.to), limit: PAGE, order: 'desc', ...selectionParams(selection),
      })];
      await load(0);
    },
  };
}

/** 2022-04-06 07:00:00 or 2022-04-06 07:00:00.250000: the service's microseconds, without zeros. */
export function timeText(timestamp) {
  return String(timestamp).replace('T', ' ').replace('Z', '').replace(/\.0+$/, '');
}
