// One uPlot chart per measure type. One series: the mean of each bucket as a line, min and max as
// a band. Several series (sensors, tags): one mean line per series, in a stable colour, named in
// the legend. uPlot styles its elements through the CSSOM (el.style.x = ...), which a CSP without
// 'unsafe-inline' allows; it never writes style attributes or markup.

import uPlot from 'uplot';
import { axisSize } from './axis.js';
import { h, replace } from './dom.js';
import { formatUtc, tickLabels } from './range.js';
import {
  formatCount, formatValue, isDefaultSeries, lineStyles, PALETTE, summarizeLines, withAlpha,
} from './series.js';

const HEIGHT = 240;
const MEAN = PALETTE[0];
const EDGE = '#86a9dd';
const BAND = 'rgba(31, 95, 191, 0.14)';
/** Lines drawn at most per chart; past that the legend would bury the plot: choose a sensor or tag. */
export const MAX_LINES = 20;

/** The width of the value axis from the labels uPlot is about to draw (axis.js). */
export function valueAxisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  if (cycleNum > 1 && axis._size) return axis._size; // settled: do not let the layout oscillate
  u.ctx.font = axis.font?.[0] ?? u.ctx.font;
  const ratio = uPlot.pxRatio || 1;
  return axisSize(values, (text) => u.ctx.measureText(text).width / ratio);
}

/** uPlot series (after the x series), bands and y arrays for the lines of one chart. */
function layout(lines, styles) {
  const value = (u, v) => formatValue(v);
  if (lines.length === 1) {
    const [line] = lines;
    const [{ stroke }] = styles;
    const blue = stroke === MEAN;
    return {
      series: [
        { label: isDefaultSeries(line) ? 'mean' : `${line.label} (mean)`, stroke, width: 1.5, value },
        { label: 'min', stroke: blue ? EDGE : withAlpha(stroke, 0.55), width: 1, value },
        { label: 'max', stroke: blue ? EDGE : withAlpha(stroke, 0.55), width: 1, value },
      ],
      bands: [{ series: [3, 2], fill: blue ? BAND : withAlpha(stroke, 0.14) }],
      ys: [line.mean, line.min, line.max],
    };
  }
  return {
    series: lines.map((line, i) => ({
      label: line.label, stroke: styles[i].stroke, width: 1.5, dash: styles[i].dash ?? undefined, spanGaps: true,
      value,
    })),
    bands: [],
    ys: lines.map((line) => line.mean),
  };
}

const MARK_COLOURS = { fired: '#c0392b', resolved: '#1e8449' };

/** The alert marks inside the plotted range, as dashed lines across the plot area. */
function drawMarks(u, marks) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.lineWidth = 2;
  ctx.setLineDash([6, 4]);
  for (const { at, kind } of marks) {
    const x = Math.round(u.valToPos(at, 'x', true));
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.strokeStyle = MARK_COLOURS[kind];
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * A chart in `parent`. onZoom(from, to) is called with the range the user selected by dragging
 * across the plot (seconds). setData(chart, range, listing) draws {x, lines} (series.js
 * linesByType) with the x axis fixed to range {from, to}; listing is every series of the measure
 * type (GET /series), which fixes each line's colour.
 */
export function createChart(parent, { type, symbol, onZoom }) {
  const summary = h('span', { class: 'chart-summary' });
  const plotBox = h('div', { class: 'chart-plot' });
  const figure = h('figure', { class: 'chart', data: { measure: type, series: 0 } },
    h('figcaption', {}, h('strong', {}, type), symbol ? ` (${symbol})` : '', ' ', summary), plotBox);
  parent.append(figure);

  let range = { from: 0, to: 1 };
  let plot = null;
  let shape = '';
  let marks = [];

  const options = (width, drawn) => ({
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true, range: () => [range.from, range.to] } },
    series: [{ label: 'time (UTC)', value: (u, ts) => (ts === null ? '—' : formatUtc(ts)) }, ...drawn.series],
    bands: drawn.bands,
    axes: [{ values: (u, splits, axis, space, incr) => tickLabels(splits, incr), size: 56 }, { size: valueAxisSize }],
    cursor: { drag: { x: true, y: false, setScale: false } },
    hooks: { setSelect: [(u) => selected(u)], draw: [(u) => drawMarks(u, marks)] },
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
    setData(chart, shown, listing = []) {
      range = shown;
      const lines = chart.lines.slice(0, MAX_LINES);
      const styles = lineStyles(lines, listing);
      const drawn = layout(lines, styles);
      const data = [chart.x, ...drawn.ys];
      // Other series (a new selection, a new sensor): a new plot; the same ones: new data only.
      const wanted = JSON.stringify([drawn.series.map((s) => [s.label, s.stroke, s.dash]), drawn.bands]);
      if (plot && wanted === shape) plot.setData(data);
      else {
        plot?.destroy();
        plot = new uPlot(options(width(), drawn), data, plotBox);
        shape = wanted;
      }
      figure.dataset.series = String(lines.length);
      const total = summarizeLines(chart.lines);
      const measures = `${formatCount(total.count)} measure${total.count === 1 ? '' : 's'}`;
      const count = chart.lines.length;
      replace(summary, `${measures} · min ${formatValue(total.min)} · max ${formatValue(total.max)}`
        + ` · mean ${formatValue(total.mean)}`, count > 1 ? ` · ${count} series` : '',
      count > MAX_LINES ? ` (the first ${MAX_LINES} drawn: choose a sensor or tag)` : '');
    },
    /** Vertical marks at {at (seconds), kind: 'fired' | 'resolved'}: when this type's alerts fired and resolved. */
    setMarks(wanted) {
      marks = wanted;
      figure.dataset.marks = String(wanted.filter((m) => m.at >= range.from && m.at <= range.to).length);
      plot?.redraw(false, false);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      figure.remove();
    },
  };
}
