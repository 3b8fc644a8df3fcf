// A scientist's start page: the experiments they are associated with.

import { h, replace } from '../dom.js';
import { notice } from '../notice.js';
import { messageOf } from '../problem.js';

export function experimentsView(root, { api }) {
  replace(root, h('h2', {}, 'My experiments'), h('p', { class: 'muted' }, 'Loading…'));
  let gone = false;
  api.get('/experiments/').then((experiments) => {
    if (gone) return;
    if (experiments.length === 0) {
      replace(root, h('h2', {}, 'My experiments'),
        notice('info', 'You are not associated with any experiment yet: ask an administrator.'));
      return;
    }
    replace(root, h('h2', {}, 'My experiments'), h('ul', { class: 'experiment-list' },
      experiments.map((e) => h('li', {}, h('a', { href: `#/experiments/${Number(e.experiment_id)}` }, e.name)))));
  }).catch((error) => {
    if (!gone) replace(root, h('h2', {}, 'My experiments'), notice('error', messageOf(error)));
  });
  return () => {
    gone = true;
  };
}
