// Signing in, and the answer for an account MyMONIT does not know.

import { authErrorMessage } from '../auth-errors.js';
import { h, replace } from '../dom.js';
import { messageBox, notice } from '../notice.js';

export function signInView(root, session) {
  const email = h('input', {
    type: 'email', name: 'email', id: 'signin-email', autocomplete: 'username', required: true,
  });
  const password = h('input', {
    type: 'password', name: 'password', id: 'signin-password', autocomplete: 'current-password', required: true,
  });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, 'Sign in');
  const messages = messageBox();
  const form = h('form', { class: 'card signin', on: { submit: signIn } },
    h('h2', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'The measures of your experiments, for the scientists associated with them.'),
    h('label', { htmlFor: 'signin-email' }, 'Email'), email,
    h('label', { htmlFor: 'signin-password' }, 'Password'), password,
    messages.element, submit);
  replace(root, form);
  email.focus();

  async function signIn(event) {
    event.preventDefault();
    submit.disabled = true;
    messages.show('info', 'Signing in…');
    try {
      await session.signIn(email.value.trim(), password.value);
    } catch (error) {
      messages.show('error', authErrorMessage(error));
      submit.disabled = false;
      password.select();
    }
  }
}

/** Signed in with Firebase, but no MyMONIT user has this account's uid (or it was erased). */
export function unregisteredView(root, session, user, error) {
  replace(root, h('section', { class: 'card' },
    h('h2', {}, 'Account not registered'),
    notice('error', `You are signed in as ${user.email ?? user.uid}, but this account is not registered with MyMONIT.`),
    h('p', {}, 'Ask an administrator to register it. They need your account id: ', h('code', {}, user.uid)),
    h('p', { class: 'muted' }, `The service said: ${error.message}`),
    h('button', { type: 'button', class: 'btn', on: { click: () => session.signOut() } }, 'Sign out')));
}
