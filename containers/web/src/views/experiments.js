// A scientist's start page: the experiments they are associated with, each with its number of
// series, the time of its last measure and a sparkline of its most recent day, so what is alive
// shows at a glance. The list is drawn at once; each card's figures are read when it comes into
// view, at most GLANCES_AT_ONCE experiments at a time (two requests each: GET /series, then a
// coarse aggregate of one measure type).

import { h, replace } from '../dom.js';
import { notice } from '../notice.js';
import { messageOf } from '../problem.js';
import { formatUtc, fromIso, iso } from '../range.js';
import { seriesByType } from '../series.js';
import { createLimiter, relativeTime, SPARK_BUCKETS, sparklinePath, sparkWindow } from '../sparkline.js';

export const GLANCES_AT_ONCE = 4;
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 240; // the path's box; the SVG stretches it across the card (styles.css)
const HEIGHT = 32;

export function experimentsView(root, { api }) {
  replace(root, h('h2', {}, 'My experiments'), h('p', { class: 'muted' }, 'Loading…'));
  let gone = false;
  let observer = null;
  const limit = createLimiter(GLANCES_AT_ONCE);
  api.get('/experiments/').then((experiments) => {
    if (gone) return;
    if (experiments.length === 0) {
      replace(root, h('h2', {}, 'My experiments'),
        notice('info', 'You are not associated with any experiment yet: ask an administrator.'));
      return;
    }
    const cards = experiments.map((e) => experimentCard(e));
    replace(root, h('h2', {}, 'My experiments'), h('ul', { class: 'experiment-list' }, cards.map((c) => c.element)));
    const load = (card) => limit(() => (gone ? null : card.load(api, () => gone)));
    if (typeof IntersectionObserver === 'function') {
      observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          load(cards.find((c) => c.element === entry.target));
        }
      }, { rootMargin: '200px' });
      for (const card of cards) observer.observe(card.element);
    } else {
      for (const card of cards) load(card);
    }
  }).catch((error) => {
    if (!gone) replace(root, h('h2', {}, 'My experiments'), notice('error', messageOf(error)));
  });
  return () => {
    gone = true;
    observer?.disconnect();
  };
}

function experimentCard(experiment) {
  const id = Number(experiment.experiment_id);
  const meta = h('p', { class: 'experiment-meta muted' }, 'Reading its series…');
  const spark = h('div', { class: 'sparkline-box' });
  const element = h('li', { class: 'experiment-card', data: { experiment: id, state: 'loading' } },
    h('a', { href: `#/experiments/${id}` }, experiment.name), meta, spark);

  async function load(api, gone) {
    try {
      const glance = await readGlance(api, id, Date.now() / 1000, gone);
      if (gone() || !glance) return;
      show(glance);
      element.dataset.state = 'loaded';
    } catch (error) {
      if (gone()) return;
      replace(meta, 'Its series could not be read.');
      meta.title = messageOf(error);
      element.dataset.state = 'failed';
    }
  }

  function show({ count, last, type, window, series }) {
    element.dataset.series = String(count);
    const counted = `${count} series`;
    if (last === null) {
      replace(meta, counted, ' · no measure yet');
      return;
    }
    const when = h('time', { title: formatUtc(last) }, relativeTime(last, Date.now() / 1000));
    when.dateTime = iso(last);
    replace(meta, counted, ' · last measure ', when);
    replace(spark, sparkline(type, window, series));
  }

  return { element, load };
}

/**
 * {count, last, type, window, series}: the experiment's number of series, its last measure
 * (seconds, or null), and for the measure type measured last the aggregate of its sparkline window.
 */
async function readGlance(api, id, now, gone) {
  const listing = await api.get(`/series/${id}`);
  const measured = listing.filter((s) => s.last);
  if (measured.length === 0) return { count: listing.length, last: null };
  const latest = measured.reduce((a, b) => (fromIso(b.last) > fromIso(a.last) ? b : a));
  const type = latest.measure_type;
  const ofType = measured.filter((s) => s.measure_type === type);
  const first = Math.min(...ofType.map((s) => fromIso(s.first)));
  const last = Math.max(...measured.map((s) => fromIso(s.last)));
  const window = sparkWindow(first, Math.max(...ofType.map((s) => fromIso(s.last))), now);
  if (gone()) return null;
  const aggregate = await api.get(`/measures/${id}/aggregate`, {
    from: iso(window.from), to: iso(window.to), buckets: SPARK_BUCKETS, measure: type,
  });
  const series = seriesByType(aggregate).get(type) ?? { x: [], mean: [] };
  return { count: listing.length, last, type, window, series };
}

function svg(tag, attributes = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  for (const child of children) el.append(child);
  return el;
}

/** An inline SVG of the bucket means; styled by styles.css (.sparkline), no style attribute. */
function sparkline(type, window, series) {
  const d = sparklinePath(series.x, series.mean, { from: window.from, to: window.to, width: WIDTH, height: HEIGHT });
  const text = `${type}: mean of ${formatUtc(window.from)} → ${formatUtc(window.to)}`;
  return svg('svg', {
    class: 'sparkline', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': text, 'data-measure': type,
  }, svg('title', {}, text), svg('path', { d }));
}
