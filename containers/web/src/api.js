// The REST API seen from the page: every call carries a fresh Firebase ID token, every failure
// becomes an ApiError whose message is the service's problem+json title and detail.

import { linkTarget, sameOriginPath } from './links.js';
import { ApiError, messageOf, problemOf } from './problem.js';

/**
 * tokenOf(force) resolves to the current ID token (refreshed by Firebase when near expiry, or
 * always when force is true), or null when nobody is signed in. A 401 is retried once with a
 * forced refresh: the token may have expired between the check and the call.
 */
export function createApi(tokenOf, options = {}) {
  const { fetchImpl = (...args) => fetch(...args), origin = globalThis.location?.origin } = options;
  async function request(method, path, { params, body, accept = 'application/json' } = {}) {
    const url = withParams(path, params);
    const attempt = async (force) => {
      const token = await tokenOf(force);
      if (!token) throw new ApiError(401, 'Not signed in', 'sign in to continue');
      const headers = { Authorization: `Bearer ${token}`, Accept: accept };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      try {
        return await fetchImpl(url, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          cache: 'no-store', credentials: 'omit',
        });
      } catch (error) {
        throw new ApiError(0, 'The service could not be reached', messageOf(error));
      }
    };
    let response = await attempt(false);
    if (response.status === 401) response = await attempt(true);
    if (!response.ok) throw problemOf(response.status, await readJson(response));
    return response;
  }

  return {
    /** GET a JSON document. */
    async get(path, params) {
      return readJson(await request('GET', path, { params }));
    },
    /** POST, PUT or DELETE with an optional JSON body; null for 204. */
    async send(method, path, body) {
      const response = await request(method, path, { body });
      return response.status === 204 ? null : readJson(response);
    },
    /** One page of a paged list: {rows, next} where next is the same-origin path of the next page. */
    async page(path, params) {
      const response = await request('GET', path, { params });
      const next = linkTarget(response.headers.get('Link'));
      return { rows: await readJson(response), next: next ? sameOriginPath(next, origin) : null };
    },
    /** A file (CSV export): {blob, filename}. */
    async file(path, params) {
      const response = await request('GET', path, { params, accept: 'text/csv' });
      return { blob: await response.blob(), filename: filenameOf(response.headers.get('Content-Disposition')) };
    },
  };
}

export function withParams(path, params) {
  if (!params) return path;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

async function readJson(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export function filenameOf(disposition) {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return match ? match[1] : 'measures.csv';
}
