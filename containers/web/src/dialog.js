// A confirmation in a native modal <dialog>: no inline markup, no window.confirm.

import { h } from './dom.js';

/** Resolves to true when the user confirms, false when they cancel or press Escape. */
export function confirmDialog({ title, message, confirm = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const cancelButton = h('button', { type: 'button', class: 'btn', on: { click: () => dialog.close('cancel') } },
      'Cancel');
    const confirmButton = h('button', {
      type: 'button', class: danger ? 'btn danger' : 'btn primary', on: { click: () => dialog.close('confirm') },
    }, confirm);
    const dialog = h('dialog', { class: 'confirm', aria: { label: title } },
      h('h3', {}, title), h('p', {}, message), h('div', { class: 'actions' }, cancelButton, confirmButton));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancelButton.focus();
  });
}
