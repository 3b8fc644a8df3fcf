// Above the plots: which series to show, by sensor and by tag, from the experiment's series
// (GET /series). Hidden while the experiment has only default series (no sensor, no tags).

import { h, replace } from '../dom.js';
import { isEverything, matches, pickerChoices } from '../selection.js';

/**
 * onSelect({sensor, tags}) is called when the user changes the selection. show(listing,
 * selection) reflects the experiment's series and the current selection.
 */
export function seriesPicker({ onSelect }) {
  const fields = h('div', { class: 'picker-fields' });
  const count = h('span', { class: 'muted series-count', role: 'status' });
  const reset = h('button', { type: 'button', class: 'btn', hidden: true,
    on: { click: () => onSelect({ sensor: null, tags: {} }) } }, 'All series');
  const element = h('div', { class: 'series-picker', role: 'group', aria: { label: 'Series' }, hidden: true },
    fields, reset, count);
  let sensorSelect = null;
  let tagSelects = [];
  let built = '';

  function read() {
    const tags = {};
    for (const select of tagSelects) if (select.value) tags[select.dataset.tag] = select.value;
    return { sensor: sensorSelect?.value || null, tags };
  }

  function changed() {
    onSelect(read());
  }

  function build(choices) {
    sensorSelect = null;
    tagSelects = [];
    const parts = [];
    if (choices.sensors.length > 0) {
      sensorSelect = h('select', { id: 'series-sensor', name: 'sensor', on: { change: changed } },
        h('option', { value: '' }, 'All sensors'), choices.sensors.map((s) => h('option', { value: s }, s)));
      parts.push(h('label', { class: 'picker-field' }, h('span', {}, 'Sensor'), sensorSelect));
    }
    for (const [key, values] of Object.entries(choices.tags)) {
      const select = h('select', { id: `series-tag-${key}`, name: `tag.${key}`, data: { tag: key },
        on: { change: changed } }, h('option', { value: '' }, 'any'), values.map((v) => h('option', { value: v }, v)));
      tagSelects.push(select);
      parts.push(h('label', { class: 'picker-field' }, h('span', {}, key), select));
    }
    replace(fields, parts);
  }

  return {
    element,
    show(listing, selection) {
      const choices = pickerChoices(listing, selection);
      const labelled = choices.sensors.length > 0 || Object.keys(choices.tags).length > 0;
      element.hidden = !labelled;
      if (!labelled) return;
      const wanted = JSON.stringify(choices);
      if (wanted !== built) {
        build(choices);
        built = wanted;
      }
      if (sensorSelect) sensorSelect.value = selection.sensor ?? '';
      for (const select of tagSelects) select.value = selection.tags?.[select.dataset.tag] ?? '';
      reset.hidden = isEverything(selection);
      const chosen = listing.filter((s) => matches(s, selection)).length;
      replace(count, isEverything(selection) ? `${listing.length} series`
        : `${chosen} of ${listing.length} series`);
    },
  };
}
