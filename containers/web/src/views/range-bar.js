// The controls above the plots: presets, a custom range (UTC), zoom back, live refresh, CSV.

import { h, replace } from '../dom.js';
import { fromInputValue, PRESETS, rangeProblem, toInputValue } from '../range.js';

/**
 * handlers: onPreset(name), onCustom(from, to), onBack(), onLive(on), onDownload().
 * show(spec, shown, zoomDepth) reflects the current range ({preset} or {from, to}) and the range
 * actually drawn.
 */
export function rangeBar(handlers) {
  const presets = PRESETS.map((preset) => h('button', {
    type: 'button', class: 'btn preset', data: { preset: preset.name }, aria: { pressed: 'false' },
    on: { click: () => handlers.onPreset(preset.name) },
  }, preset.label));
  const from = h('input', { type: 'datetime-local', id: 'range-from', step: 1, name: 'from' });
  const to = h('input', { type: 'datetime-local', id: 'range-to', step: 1, name: 'to' });
  const problem = h('span', { class: 'field-error', role: 'alert' });
  const custom = h('form', { class: 'custom-range', on: { submit: applyCustom } },
    h('label', { htmlFor: 'range-from' }, 'From (UTC)'), from,
    h('label', { htmlFor: 'range-to' }, 'to'), to,
    h('button', { type: 'submit', class: 'btn' }, 'Apply'), problem);
  const back = h('button', { type: 'button', class: 'btn', hidden: true, on: { click: () => handlers.onBack() } },
    '⟲ Zoom out');
  const live = h('input', { type: 'checkbox', id: 'live', checked: true,
    on: { change: () => handlers.onLive(live.checked) } });
  const liveLabel = h('label', { class: 'live', htmlFor: 'live' }, live, ' Live');
  const download = h('button', { type: 'button', class: 'btn', on: { click: () => handlers.onDownload() } },
    'Download CSV');
  const element = h('div', { class: 'toolbar' },
    h('div', { class: 'presets', role: 'group', aria: { label: 'Time range' } }, presets),
    custom, h('div', { class: 'toolbar-end' }, back, liveLabel, download));

  function applyCustom(event) {
    event.preventDefault();
    const start = fromInputValue(from.value);
    const end = fromInputValue(to.value);
    const wrong = rangeProblem(start, end);
    replace(problem, wrong ?? '');
    if (!wrong) handlers.onCustom(start, end);
  }

  return {
    element,
    live: () => live.checked && !live.disabled,
    show(spec, shown, zoomDepth) {
      for (const button of presets) button.setAttribute('aria-pressed', String(button.dataset.preset === spec.preset));
      if (document.activeElement !== from && document.activeElement !== to) {
        from.value = toInputValue(shown.from);
        to.value = toInputValue(shown.to);
      }
      back.hidden = zoomDepth === 0;
      live.disabled = !spec.preset;
      liveLabel.title = spec.preset ? 'Redraw every few seconds while measures arrive'
        : 'Live refresh follows the presets, not a fixed range';
    },
    busy(on) {
      download.disabled = on;
      replace(download, on ? 'Preparing CSV…' : 'Download CSV');
    },
  };
}
