// API errors in words: the service answers RFC 9457 problem+json ({title, status, detail, errors}).

const FALLBACK = {
  0: 'The service could not be reached',
  400: 'Invalid request',
  401: 'Your session has expired: sign in again',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  422: 'Invalid input',
  429: 'Too many requests: wait a moment and retry',
  500: 'The service failed',
  502: 'The service is not reachable',
  503: 'The service is unavailable: retry in a moment',
  504: 'The service did not answer in time',
};

export class ApiError extends Error {
  constructor(status, title, detail = '', fields = []) {
    super(describe(title, detail, fields));
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.fields = fields;
  }
}

function describe(title, detail, fields) {
  const parts = [detail && detail !== title ? `${title}: ${detail}` : title];
  for (const field of fields) parts.push(field);
  return parts.join(' — ');
}

/** The error for a failed response: `body` is the parsed JSON body, or null when there was none. */
export function problemOf(status, body) {
  const problem = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
  const title = typeof problem.title === 'string' && problem.title ? problem.title
    : FALLBACK[status] ?? `Unexpected answer (HTTP ${status})`;
  const detail = typeof problem.detail === 'string' ? problem.detail : '';
  const fields = Array.isArray(problem.errors) ? problem.errors.map(fieldMessage).filter(Boolean) : [];
  return new ApiError(status, title, detail, fields);
}

function fieldMessage(error) {
  if (!error || typeof error !== 'object' || typeof error.message !== 'string') return '';
  return error.field ? `${error.field}: ${error.message}` : error.message;
}

/** Any thrown value as a sentence for the page. */
export function messageOf(error) {
  if (error instanceof ApiError) return error.message;
  if (error && typeof error.message === 'string' && error.message) return error.message;
  return String(error);
}
