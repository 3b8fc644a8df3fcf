// The shell: who is signed in, the header, and which view fills the page.

import { h, replace } from './dom.js';
import { notice } from './notice.js';
import { messageOf } from './problem.js';
import { matchRoute, parseHash } from './router.js';
import { adminView } from './views/admin.js';
import { experimentView } from './views/experiment.js';
import { experimentsView } from './views/experiments.js';
import { signInView, unregisteredView } from './views/signin.js';

export class App {
  /** session: from startAuth(); api: from createApi(); header and main: the page's regions. */
  constructor(session, api, { header, main }) {
    this.session = session;
    this.api = api;
    this.header = header;
    this.main = main;
    this.uid = undefined;
    this.me = null;
    this.cleanup = null;
    this.measureTypes = null;
    window.addEventListener('hashchange', () => this.route());
    session.onChange((user) => this.userChanged(user));
  }

  /** Sign-in, sign-out, another account, or only a refreshed token (then nothing changes). */
  async userChanged(user) {
    const uid = user ? user.uid : null;
    if (uid === this.uid) return;
    this.uid = uid;
    this.me = null;
    this.leaveView();
    if (!user) {
      this.header.replaceChildren(brand());
      this.mount((root) => signInView(root, this.session));
      return;
    }
    this.mount((root) => replace(root, h('p', { class: 'muted' }, 'Loading your profile…')));
    try {
      const me = await this.api.get('/users/me');
      if (this.uid !== uid) return;
      this.me = me;
    } catch (error) {
      if (this.uid !== uid) return;
      if (error.status === 403) this.mount((root) => unregisteredView(root, this.session, user, error));
      else this.mount((root) => replace(root, notice('error', messageOf(error)), signOutButton(this.session)));
      return;
    }
    this.renderHeader();
    this.route();
  }

  renderHeader() {
    const admin = this.me.role === 'ADMIN';
    const nav = h('nav', { aria: { label: 'Main' } },
      admin ? h('a', { href: '#/admin' }, 'Administration') : h('a', { href: '#/' }, 'My experiments'));
    const who = h('span', { class: 'who' }, h('span', { class: 'who-name' }, this.me.name ?? this.me.user_id),
      ' ', h('span', { class: 'role' }, this.me.role));
    replace(this.header, brand(), nav, h('div', { class: 'user' }, who, signOutButton(this.session)));
  }

  route() {
    if (!this.me) return;
    const { path, params } = parseHash(location.hash);
    const route = matchRoute(path);
    const admin = this.me.role === 'ADMIN';
    const context = { api: this.api, me: this.me, symbols: () => this.symbols() };
    if (route.name === 'home' && admin) {
      history.replaceState(null, '', '#/admin');
      this.mount((root) => adminView(root, context));
    } else if (route.name === 'home') {
      this.mount((root) => experimentsView(root, context));
    } else if (route.name === 'admin' && admin) {
      this.mount((root) => adminView(root, context));
    } else if (route.name === 'admin') {
      this.mount((root) => replace(root, h('h2', {}, 'Administration'),
        notice('error', 'Only administrators can open this page.')));
    } else if (route.name === 'experiment' && admin) {
      this.mount((root) => replace(root, h('h2', {}, `Experiment ${route.id}`),
        notice('info', 'Administrators manage experiments but cannot read their measures: only the scientists '
          + 'associated with an experiment can.')));
    } else if (route.name === 'experiment') {
      this.mount((root) => experimentView(root, context, route.id, params));
    } else {
      this.mount((root) => replace(root, h('h2', {}, 'Page not found'),
        h('p', {}, h('a', { href: '#/' }, 'Back to the start page'))));
    }
  }

  /** Measure type name → symbol, read once per page load. */
  symbols() {
    this.measureTypes ??= this.api.get('/measure-types/')
      .then((types) => new Map(types.map((t) => [t.name, t.symbol])))
      .catch(() => new Map());
    return this.measureTypes;
  }

  mount(view) {
    this.leaveView();
    const root = h('section', { class: 'view' });
    replace(this.main, root);
    const cleanup = view(root);
    this.cleanup = typeof cleanup === 'function' ? cleanup : null;
  }

  leaveView() {
    this.cleanup?.();
    this.cleanup = null;
  }
}

function brand() {
  return h('a', { class: 'brand', href: '#/' }, 'MyMONIT');
}

function signOutButton(session) {
  return h('button', { type: 'button', class: 'btn', on: { click: () => session.signOut() } }, 'Sign out');
}
