// Associations: which scientists may read which experiment's measures. Grant and revoke.

import { h, replace } from '../dom.js';

export function associationsSection(box, admin) {
  const { users, experiments, associations } = admin.data;
  const byId = new Map(users.map((u) => [u.user_id, u]));
  const rows = experiments.map((experiment) => {
    const ids = associations[String(experiment.experiment_id)]?.users ?? [];
    const chips = ids.map((userId) => chip(experiment, byId.get(userId) ?? { user_id: userId }, admin));
    return h('tr', { data: { experiment: experiment.experiment_id } }, h('td', {}, experiment.name),
      h('td', {}, chips.length ? chips : h('span', { class: 'muted' }, 'nobody')));
  });
  replace(box, h('h3', {}, 'Associations'),
    h('table', { class: 'data associations' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Experiment'), h('th', {}, 'Scientists who may read its measures'))),
      h('tbody', {}, rows)),
    grantForm(admin));
}

function chip(experiment, user, admin) {
  const who = user.name ? `${user.user_id} ${user.name}` : user.user_id;
  const revoke = async () => {
    await admin.change(() => admin.api.send('DELETE',
      `/scientists-experiments/${Number(experiment.experiment_id)}/${encodeURIComponent(user.user_id)}`),
    `${user.user_id} may no longer read ${experiment.name}.`);
  };
  return h('span', { class: 'chip', data: { user: user.user_id } }, who,
    h('button', { type: 'button', class: 'btn small', aria: { label: `Revoke ${user.user_id}` },
      on: { click: revoke } }, 'Revoke'));
}

function grantForm(admin) {
  const { users, experiments } = admin.data;
  const experiment = h('select', { name: 'experiment', aria: { label: 'Experiment' } },
    experiments.map((e) => h('option', { value: String(e.experiment_id) }, e.name)));
  const scientists = users.filter((u) => u.role === 'SCIENTIST' && !u.erased);
  const scientist = h('select', { name: 'scientist', aria: { label: 'Scientist' } },
    scientists.map((u) => h('option', { value: u.user_id }, `${u.user_id} ${u.name}`)));
  return h('form', { class: 'create', on: { submit: grant } },
    h('h4', {}, 'Grant access'),
    h('label', { class: 'field' }, h('span', {}, 'Experiment'), experiment),
    h('label', { class: 'field' }, h('span', {}, 'Scientist'), scientist),
    h('button', { type: 'submit', class: 'btn primary', disabled: !scientists.length || !experiments.length },
      'Grant'));
  async function grant(event) {
    event.preventDefault();
    const label = experiment.selectedOptions[0]?.textContent ?? experiment.value;
    await admin.change(() => admin.api.send('POST',
      `/scientists-experiments/${Number(experiment.value)}/${encodeURIComponent(scientist.value)}`),
    `${scientist.value} may now read ${label}.`);
  }
}
