// One uPlot chart per measure type: the mean of each bucket as a line, min and max as a band.
// uPlot styles its elements through the CSSOM (el.style.x = ...), which a CSP without
// 'unsafe-inline' allows; it never writes style attributes or markup.

import uPlot from 'uplot';
import { h, replace } from './dom.js';
import { formatUtc, tickLabels } from './range.js';
import { formatCount, formatValue, summarize } from './series.js';

const HEIGHT = 240;
const MEAN = '#1f5fbf';
const EDGE = '#86a9dd';
const BAND = 'rgba(31, 95, 191, 0.14)';

/**
 * A chart in `parent`. onZoom(from, to) is called with the range the user selected by dragging
 * across the plot (seconds). setData(series, range) draws {x, mean, min, max, count} with the x
 * axis fixed to range {from, to}.
 */
export function createChart(parent, { type, symbol, onZoom }) {
  const summary = h('span', { class: 'chart-summary' });
  const plotBox = h('div', { class: 'chart-plot' });
  const figure = h('figure', { class: 'chart', data: { measure: type } },
    h('figcaption', {}, h('strong', {}, type), symbol ? ` (${symbol})` : '', ' ', summary), plotBox);
  parent.append(figure);

  let range = { from: 0, to: 1 };
  let plot = null;

  const options = (width) => ({
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true, range: () => [range.from, range.to] } },
    series: [
      { label: 'time (UTC)', value: (u, ts) => (ts === null ? '—' : formatUtc(ts)) },
      { label: 'mean', stroke: MEAN, width: 1.5, value: (u, v) => formatValue(v) },
      { label: 'min', stroke: EDGE, width: 1, value: (u, v) => formatValue(v) },
      { label: 'max', stroke: EDGE, width: 1, value: (u, v) => formatValue(v) },
    ],
    bands: [{ series: [3, 2], fill: BAND }],
    axes: [{ values: (u, splits, axis, space, incr) => tickLabels(splits, incr), size: 56 }, { size: 60 }],
    cursor: { drag: { x: true, y: false, setScale: false } },
    hooks: { setSelect: [(u) => selected(u)] },
  });

  function selected(u) {
    const { left, width } = u.select;
    if (width < 3) return;
    const from = u.posToVal(left, 'x');
    const to = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    if (to > from) onZoom(from, to);
  }

  function width() {
    return Math.max(300, Math.floor(plotBox.clientWidth || parent.clientWidth || 800));
  }

  const resize = new ResizeObserver(() => {
    if (plot && Math.abs(plot.width - width()) > 2) plot.setSize({ width: width(), height: HEIGHT });
  });
  resize.observe(plotBox);

  return {
    element: figure,
    setData(series, shown) {
      range = shown;
      const data = [series.x, series.mean, series.min, series.max];
      if (plot) plot.setData(data);
      else plot = new uPlot(options(width()), data, plotBox);
      const total = summarize(series);
      const measures = `${formatCount(total.count)} measure${total.count === 1 ? '' : 's'}`;
      replace(summary, `${measures} · min ${formatValue(total.min)} · max ${formatValue(total.max)}`
        + ` · mean ${formatValue(total.mean)}`);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      figure.remove();
    },
  };
}
