// RFC 8288 Link headers: the measures endpoint pages with <...>; rel="next".

/** The target of the link with the given rel, or null. */
export function linkTarget(header, rel = 'next') {
  if (!header) return null;
  for (const part of splitLinks(header)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]);
    const names = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
    if (names.includes(rel)) return match[1];
  }
  return null;
}

// Commas separate links, but may also appear inside <...> or quoted strings.
function splitLinks(header) {
  const parts = [];
  let current = '';
  let inUrl = false;
  let inQuote = false;
  for (const char of header) {
    if (char === '<' && !inQuote) inUrl = true;
    else if (char === '>' && !inQuote) inUrl = false;
    else if (char === '"' && !inUrl) inQuote = !inQuote;
    if (char === ',' && !inUrl && !inQuote) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Only a same-origin path may be followed with the user's token. */
export function sameOriginPath(target, origin) {
  const url = new URL(target, origin);
  if (url.origin !== origin) throw new Error(`refusing to follow a link to another origin: ${url.origin}`);
  return url.pathname + url.search;
}
