// Experiments: create, rename, and delete one created by mistake (the service refuses one with measures).

import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';

export function experimentsSection(box, admin) {
  const rows = admin.data.experiments.map((e) => experimentRow(e, admin));
  replace(box, h('h3', {}, 'Experiments'),
    h('table', { class: 'data experiments' },
      h('thead', {}, h('tr', {}, h('th', {}, 'ID'), h('th', {}, 'Name'), h('th', {}, 'Scientists'), h('th', {}))),
      h('tbody', {}, rows)),
    createForm(admin));
}

function experimentRow(experiment, admin) {
  const row = h('tr', { data: { experiment: experiment.experiment_id } });
  const scientists = admin.data.associations[String(experiment.experiment_id)]?.users.length ?? 0;
  const rename = h('button', { type: 'button', class: 'btn', on: { click: () => renameRow(row, experiment, admin) } },
    'Rename');
  const remove = h('button', { type: 'button', class: 'btn danger',
    on: { click: () => deleteExperiment(experiment, admin) } }, 'Delete');
  return replace(row, h('td', {}, String(experiment.experiment_id)), h('td', {}, experiment.name),
    h('td', {}, String(scientists)), h('td', { class: 'actions' }, rename, remove));
}

async function deleteExperiment(experiment, admin) {
  const sure = await confirmDialog({
    title: `Delete experiment ${experiment.experiment_id}?`,
    message: `“${experiment.name}” and its associations will be deleted. Only an experiment that holds no `
      + 'measures can be: the service refuses any other.',
    confirm: 'Delete',
    danger: true,
  });
  if (sure) {
    await admin.change(() => admin.api.send('DELETE', `/experiments/${Number(experiment.experiment_id)}`),
      `Experiment ${experiment.experiment_id} deleted.`);
  }
}

function renameRow(row, experiment, admin) {
  const name = h('input', { type: 'text', name: 'name', value: experiment.name, required: true,
    aria: { label: 'New name' } });
  const save = async () => {
    await admin.change(() => admin.api.send('PUT', `/experiments/${Number(experiment.experiment_id)}`,
      { name: name.value }), `Experiment ${experiment.experiment_id} renamed.`);
  };
  name.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') save();
  });
  replace(row, h('td', {}, String(experiment.experiment_id)), h('td', {}, name), h('td', {}),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'btn primary', on: { click: save } }, 'Save'),
      h('button', {
        type: 'button', class: 'btn', on: { click: () => row.replaceWith(experimentRow(experiment, admin)) },
      }, 'Cancel')));
  name.focus();
}

function createForm(admin) {
  const name = h('input', { type: 'text', name: 'name', required: true, placeholder: 'gravitational-waves',
    aria: { label: 'Experiment name' } });
  return h('form', { class: 'create', on: { submit: create } },
    h('h4', {}, 'Create an experiment'),
    h('label', { class: 'field' }, h('span', {}, 'Name'), name),
    h('button', { type: 'submit', class: 'btn primary' }, 'Create'));
  async function create(event) {
    event.preventDefault();
    const wanted = name.value;
    await admin.change(() => admin.api.send('POST', '/experiments/', { name: wanted }),
      `Experiment “${wanted.trim()}” created.`);
  }
}
