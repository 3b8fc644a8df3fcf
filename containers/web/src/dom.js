// Building the page with DOM calls only. Text always goes through text nodes, never through
// innerHTML, so data from the API or the user can never become markup (the original's XSS).

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'type', 'name', 'id', 'required',
  'placeholder', 'title', 'htmlFor', 'min', 'max', 'step', 'pattern', 'autocomplete', 'maxLength', 'href',
  'download', 'colSpan', 'hidden']);

/**
 * h('button', {class: 'primary', on: {click}}, 'Save') builds an element.
 * props: class (string), on ({event: handler}), data ({key: value} → data-key), aria ({label} →
 * aria-label), role, and the whitelisted DOM properties above. Children: nodes, strings (as
 * text), numbers, arrays; null, undefined and false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (key === 'data') for (const [name, text] of Object.entries(value)) el.dataset[name] = String(text);
    else if (key === 'aria') {
      for (const [name, text] of Object.entries(value)) el.setAttribute(`aria-${name}`, String(text));
    }
    else if (key === 'role') el.setAttribute('role', value);
    else if (key === 'href') el.href = safeHref(value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else throw new Error(`h(): unsupported property ${key}`);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Only links inside the page (#/...) or to this origin's paths: never javascript: URLs. */
export function safeHref(href) {
  const text = String(href);
  if (text.startsWith('#/') || (text.startsWith('/') && !text.startsWith('//'))) return text;
  throw new Error(`h(): refusing link ${text}`);
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
