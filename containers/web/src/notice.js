// Messages on the page: errors are announced (role=alert), the rest politely (role=status).

import { h, replace } from './dom.js';

export function notice(kind, ...text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...text);
}

/** A box that shows at most one message at a time. */
export function messageBox() {
  const element = h('div', { class: 'messages' });
  return {
    element,
    show(kind, ...text) {
      replace(element, notice(kind, ...text));
    },
    clear() {
      element.replaceChildren();
    },
  };
}
