// Users: register, edit, erase (GDPR: personal fields removed, the id kept for the audit trail).

import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';

const ROLES = ['SCIENTIST', 'ADMIN'];

export function usersSection(box, admin) {
  const active = admin.data.users.filter((user) => !user.erased);
  const erased = admin.data.users.filter((user) => user.erased);
  replace(box, h('h3', {}, 'Users'),
    h('table', { class: 'data users' },
      h('thead', {}, h('tr', {}, ['ID', 'Name', 'Email', 'Firebase uid', 'Role', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, active.map((user) => userRow(user, admin)))),
    erased.length ? erasedUsers(erased) : null,
    createForm(admin));
}

// Erased users keep their id for the audit trail: listed apart, folded, so they do not crowd the others.
function erasedUsers(users) {
  return h('details', { class: 'erased-users' },
    h('summary', {}, `${users.length} erased ${users.length === 1 ? 'user' : 'users'} (ids kept for the audit trail)`),
    h('table', { class: 'data users' },
      h('tbody', {}, users.map((user) => h('tr', { class: 'erased', data: { user: user.user_id } },
        h('td', {}, user.user_id), h('td', { class: 'muted' }, 'erased'), h('td', {}, user.role))))));
}

function userRow(user, admin) {
  const row = h('tr', { data: { user: user.user_id } });
  const edit = h('button', { type: 'button', class: 'btn', on: { click: () => editRow(row, user, admin) } }, 'Edit');
  const erase = h('button', { type: 'button', class: 'btn danger', on: { click: () => eraseUser(user, admin) } },
    'Erase');
  const self = user.user_id === admin.me.user_id;
  return replace(row, h('td', {}, user.user_id), h('td', {}, user.name), h('td', {}, user.email),
    h('td', {}, h('code', {}, user.username)), h('td', {}, user.role),
    h('td', { class: 'actions' }, edit, self ? null : erase));
}

function editRow(row, user, admin) {
  const name = input('name', user.name, 'Name');
  const email = input('email', user.email, 'Email', 'email');
  const uid = input('username', user.username, 'Firebase uid');
  const role = roleSelect(user.role);
  const save = async () => {
    const body = { name: name.value, email: email.value, username: uid.value, role: role.value };
    await admin.change(() => admin.api.send('PUT', `/users/${encodeURIComponent(user.user_id)}`, body),
      `User ${user.user_id} updated.`);
  };
  const saveButton = h('button', { type: 'button', class: 'btn primary', on: { click: save } }, 'Save');
  const cancel = h('button', {
    type: 'button', class: 'btn', on: { click: () => row.replaceWith(userRow(user, admin)) },
  }, 'Cancel');
  replace(row, h('td', {}, user.user_id), h('td', {}, name), h('td', {}, email), h('td', {}, uid), h('td', {}, role),
    h('td', { class: 'actions' }, saveButton, cancel));
  name.focus();
}

async function eraseUser(user, admin) {
  const sure = await confirmDialog({
    title: `Erase ${user.user_id}?`,
    message: `${user.name} (${user.email}) will lose every association; their name, email and Firebase uid are `
      + 'removed for good. The id stays so the audit trail keeps its meaning. This cannot be undone.',
    confirm: 'Erase',
    danger: true,
  });
  if (sure) {
    await admin.change(() => admin.api.send('DELETE', `/users/${encodeURIComponent(user.user_id)}`),
      `User ${user.user_id} erased.`);
  }
}

function createForm(admin) {
  const id = input('user_id', '', 'Staff id', 'text', 'S003');
  const name = input('name', '', 'Name');
  const email = input('email', '', 'Email', 'email');
  const uid = input('username', '', 'Firebase uid');
  const role = roleSelect('SCIENTIST');
  const form = h('form', { class: 'create', on: { submit: create } },
    h('h4', {}, 'Register a user'),
    field('Staff id', id), field('Name', name), field('Email', email), field('Firebase uid', uid), field('Role', role),
    h('button', { type: 'submit', class: 'btn primary' }, 'Register'));
  async function create(event) {
    event.preventDefault();
    const body = { user_id: id.value.trim(), name: name.value, username: uid.value.trim(), email: email.value.trim(),
      role: role.value };
    await admin.change(() => admin.api.send('POST', '/users/', body), `User ${body.user_id} registered.`);
  }
  return form;
}

function input(name, value, label, type = 'text', placeholder = '') {
  return h('input', { type, name, value: value ?? '', required: true, placeholder, aria: { label } });
}

function roleSelect(current) {
  return h('select', { name: 'role', aria: { label: 'Role' } },
    ROLES.map((r) => h('option', { value: r, selected: r === current }, r)));
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}
