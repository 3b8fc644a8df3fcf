// The Firebase web configuration comes from the service, so one build serves every environment.

import { ApiError, problemOf } from './problem.js';

const RETRIES = 8;
// No answer, or the proxy could not reach the service: it is probably restarting.
const TRANSIENT = new Set([0, 429, 502, 504]);

/**
 * Reads /config.json. While the service is (re)starting (no answer, 502/504 from the proxy, or
 * a 503 with Retry-After) it retries with a growing delay, telling onWait(attempt) each time;
 * other failures and a configuration the page cannot use are thrown at once.
 */
export async function loadConfig(options = {}) {
  const { fetchImpl = (...args) => fetch(...args), onWait = () => {}, sleep = delay } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetchConfig(fetchImpl);
    } catch (error) {
      if (!error.transient || attempt > RETRIES) throw error;
      onWait(attempt);
      await sleep(Math.min(500 * attempt, 3000));
    }
  }
}

async function fetchConfig(fetchImpl) {
  let response;
  try {
    response = await fetchImpl('/config.json', { cache: 'no-store', credentials: 'omit' });
  } catch (error) {
    throw Object.assign(new ApiError(0, 'The service could not be reached', String(error?.message ?? error)),
      { transient: true });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const retryLater = response.status === 503 && response.headers.has('Retry-After');
    const transient = TRANSIENT.has(response.status) || retryLater;
    throw Object.assign(problemOf(response.status, body), { transient });
  }
  if (!body || typeof body.apiKey !== 'string' || typeof body.projectId !== 'string') {
    throw new Error('The service sent an unusable sign-in configuration (/config.json).');
  }
  return body;
}

function delay(ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}
