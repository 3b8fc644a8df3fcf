// An experiment's alerts and alert rules, below its plots: what fires now (firing first), and the
// rules of the experiment with a form to define one or redefine it. Only a scientist associated
// with the experiment opens this page, and such a scientist keeps its rules.

import { h, replace } from '../dom.js';
import { messageOf } from '../problem.js';
import { formatUtc, fromIso } from '../range.js';
import { seriesLabel } from '../series.js';

/** The order alerts are listed in: what needs a look first. */
export const STATE_ORDER = ['firing', 'pending', 'no-data', 'resolved', 'normal'];
const STATISTICS = ['last', 'mean', 'min', 'max'];
const CONDITIONS = ['above', 'below'];
const SEVERITIES = ['info', 'warning', 'critical'];

export function byUrgency(alerts) {
  const rank = (a) => STATE_ORDER.indexOf(a.state);
  return [...alerts].sort((a, b) => rank(a) - rank(b) || a.alert_id - b.alert_id);
}

/** "max of hertz over 60 s above 80 (clear 75), for 30 s" */
export function ruleSummary(rule) {
  const clear = rule.clear === rule.threshold ? '' : ` (clear ${rule.clear})`;
  const held = rule.for ? `, for ${rule.for} s` : '';
  const narrowed = (rule.sensor ?? null) !== null || Object.keys(rule.tags ?? {}).length > 0;
  const chosen = narrowed ? ` [${seriesLabel(rule)}]` : '';
  return `${rule.statistic} of ${rule.measure}${chosen} over ${rule.window} s ${rule.condition} ${rule.threshold}`
    + `${clear}${held}`;
}

/** Where a plot marks its alerts: when each last began firing, and when each resolved. */
export function alertMarks(alerts) {
  const marks = [];
  for (const alert of alerts) {
    if (alert.fired_at) marks.push({ measure: alert.measure, at: fromIso(alert.fired_at), kind: 'fired' });
    if (alert.state === 'resolved') marks.push({ measure: alert.measure, at: fromIso(alert.since), kind: 'resolved' });
  }
  return marks;
}

/** onAlerts(alerts) hears every listing, so the plots can mark them. */
export function alertsPanel(api, experimentId, { measureTypes, onAlerts = () => {} }) {
  const alertsBox = h('div', { class: 'alerts-list' });
  const rulesBox = h('div', { class: 'rules-list' });
  const message = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = ruleForm({ measureTypes, onSubmit: save, onCancel: () => form.reset(null) });
  const element = h('section', { class: 'alerts-panel', aria: { label: 'Alerts' } },
    h('h3', {}, 'Alerts'), alertsBox, h('h3', {}, 'Alert rules'), rulesBox, form.element, message);
  let rules = [];

  async function refresh() {
    try {
      const [alerts, found] = await Promise.all([
        api.get('/alerts/', { experiment_id: experimentId, limit: 1000 }),
        api.get('/alert-rules/', { experiment_id: experimentId }),
      ]);
      rules = found;
      showAlerts(byUrgency(alerts));
      onAlerts(alerts);
      showRules();
    } catch (error) {
      show(messageOf(error));
    }
  }

  function showAlerts(alerts) {
    if (alerts.length === 0) {
      replace(alertsBox, h('p', { class: 'muted' }, 'No alerts: no rule applies to a series yet.'));
      return;
    }
    replace(alertsBox, h('table', { class: 'data alerts' },
      h('thead', {}, h('tr', {}, ['State', 'Rule', 'Series', 'Value', 'Since'].map((t) => h('th', {}, t)))),
      h('tbody', {}, alerts.map((a) => h('tr', { data: { alert: a.alert_id, state: a.state } },
        h('td', {}, h('span', { class: `state state-${a.state}` }, a.state)),
        h('td', {}, a.rule), h('td', {}, seriesLabel(a)),
        h('td', {}, a.value === null ? '—' : String(a.value)),
        h('td', {}, formatUtc(fromIso(a.since))))))));
  }

  function showRules() {
    if (rules.length === 0) {
      replace(rulesBox, h('p', { class: 'muted' }, 'No rules yet: define one below.'));
      return;
    }
    replace(rulesBox, h('ul', { class: 'rules' }, rules.map((rule) => h('li', { data: { rule: rule.rule_id } },
      h('strong', {}, rule.name), ` — ${ruleSummary(rule)} · ${rule.severity}`,
      h('button', { type: 'button', class: 'btn small', on: { click: () => form.reset(rule) } }, 'Edit'),
      h('button', { type: 'button', class: 'btn small danger', on: { click: () => remove(rule) } }, 'Delete')))));
  }

  async function save(body, ruleId) {
    try {
      if (ruleId === null) await api.send('POST', '/alert-rules/', { ...body, experiment_id: experimentId });
      else await api.send('PUT', `/alert-rules/${Number(ruleId)}`, { ...body, experiment_id: experimentId });
      show(null);
      form.reset(null);
      await refresh();
    } catch (error) {
      show(messageOf(error));
    }
  }

  async function remove(rule) {
    try {
      await api.send('DELETE', `/alert-rules/${Number(rule.rule_id)}`);
      show(null);
      await refresh();
    } catch (error) {
      show(messageOf(error));
    }
  }

  function show(text) {
    message.hidden = !text;
    replace(message, text ?? '');
  }

  return { element, refresh };
}

function select(name, options, label) {
  return h('select', { name, aria: { label } }, options.map((o) => h('option', { value: o }, o)));
}

function ruleForm({ measureTypes, onSubmit, onCancel }) {
  const fields = {
    name: h('input', { type: 'text', name: 'name', required: true, maxLength: 255, placeholder: 'too-hot' }),
    measure: select('measure', measureTypes, 'Measure type'),
    sensor: h('input', { type: 'text', name: 'sensor', placeholder: 'every sensor', maxLength: 128 }),
    statistic: select('statistic', STATISTICS, 'Statistic'),
    condition: select('condition', CONDITIONS, 'Condition'),
    threshold: h('input', { type: 'number', name: 'threshold', required: true, step: 'any' }),
    clear: h('input', { type: 'number', name: 'clear', step: 'any', placeholder: 'the threshold' }),
    window: h('input', { type: 'number', name: 'window', required: true, min: 1, max: 86400, value: '60' }),
    for: h('input', { type: 'number', name: 'for', min: 0, max: 86400, value: '0' }),
    severity: select('severity', SEVERITIES, 'Severity'),
    webhook_url: h('input', { type: 'url', name: 'webhook_url', placeholder: 'https://… (optional)' }),
  };
  fields.severity.value = 'warning';
  const title = h('h4', {}, 'Define a rule');
  const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Define');
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true, on: { click: onCancel } }, 'Cancel');
  // Worded apart from the series picker's fields above (its "Sensor"): a label names one field only.
  const labels = { name: 'Rule name', measure: 'Measure', sensor: 'Only from', statistic: 'Statistic',
    condition: 'When', threshold: 'Threshold', clear: 'Clear at', window: 'Window (s)', for: 'For (s)',
    severity: 'Severity', webhook_url: 'Webhook' };
  const element = h('form', { class: 'create rule-form', on: { submit: send } }, title,
    Object.entries(fields).map(([key, input]) => h('label', { class: 'field' }, h('span', {}, labels[key]), input)),
    submit, cancel);
  let editing = null;

  function send(event) {
    event.preventDefault();
    const number = (input) => (input.value === '' ? undefined : Number(input.value));
    onSubmit({
      name: fields.name.value, measure: fields.measure.value, sensor: fields.sensor.value || undefined,
      statistic: fields.statistic.value, condition: fields.condition.value, threshold: number(fields.threshold),
      clear: number(fields.clear), window: number(fields.window), for: number(fields.for) ?? 0,
      severity: fields.severity.value, webhook_url: fields.webhook_url.value || undefined,
      tags: editing?.tags, // not in the form: a redefined rule keeps its tags
    }, editing ? editing.rule_id : null);
  }

  /** Empty to define a rule, or filled with `rule` to redefine it. */
  function reset(rule) {
    editing = rule;
    element.reset();
    fields.severity.value = 'warning';
    fields.window.value = '60';
    fields.for.value = '0';
    if (rule) {
      for (const key of Object.keys(fields)) {
        const value = rule[key];
        fields[key].value = value === null || value === undefined ? '' : String(value);
      }
      // A clear level equal to the threshold is the default: left empty, it follows a new threshold.
      if (rule.clear === rule.threshold) fields.clear.value = '';
    }
    replace(title, rule ? `Redefine “${rule.name}”` : 'Define a rule');
    replace(submit, rule ? 'Save' : 'Define');
    cancel.hidden = !rule;
  }

  return { element, reset };
}
