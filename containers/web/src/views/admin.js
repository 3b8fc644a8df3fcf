// The administration page: users, experiments and associations. Admins see no measures.

import { h, replace } from '../dom.js';
import { messageBox } from '../notice.js';
import { messageOf } from '../problem.js';
import { associationsSection } from './admin-associations.js';
import { experimentsSection } from './admin-experiments.js';
import { usersSection } from './admin-users.js';

export function adminView(root, { api, me }) {
  const messages = messageBox();
  const users = h('section', { class: 'card', id: 'users' });
  const experiments = h('section', { class: 'card', id: 'experiments' });
  const associations = h('section', { class: 'card', id: 'associations' });
  replace(root, h('h2', {}, 'Administration'), messages.element, users, experiments, associations);
  let gone = false;

  const admin = {
    api,
    me,
    data: { users: [], experiments: [], associations: {} },
    /** Runs a change; on success reloads everything and says `done`; returns whether it worked. */
    async change(work, done) {
      try {
        await work();
      } catch (error) {
        messages.show('error', messageOf(error));
        return false;
      }
      await reload();
      messages.show('ok', done);
      return true;
    },
  };

  async function reload() {
    try {
      const [u, e, a] = await Promise.all([
        api.get('/users/'), api.get('/experiments/'), api.get('/scientists-experiments/'),
      ]);
      if (gone) return;
      admin.data = { users: u, experiments: e, associations: a };
    } catch (error) {
      if (!gone) messages.show('error', messageOf(error));
      return;
    }
    usersSection(users, admin);
    experimentsSection(experiments, admin);
    associationsSection(associations, admin);
  }

  reload();
  return () => {
    gone = true;
  };
}
