import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

const CONFIG = { apiKey: 'fake-api-key', authDomain: 'd', projectId: 'demo-mymonit', authEmulatorUrl: null };

function answers(...list) {
  return async () => {
    const next = list.shift();
    if (next instanceof Error) throw next;
    return new Response(JSON.stringify(next.body), { status: next.status });
  };
}

test('reads the configuration', async () => {
  assert.deepEqual(await loadConfig({ fetchImpl: answers({ status: 200, body: CONFIG }) }), CONFIG);
});

test('waits while the service restarts', async () => {
  const waits = [];
  const fetchImpl = answers(new TypeError('Failed to fetch'), { status: 502, body: { title: 'Bad Gateway' } },
    { status: 200, body: CONFIG });
  const config = await loadConfig({ fetchImpl, onWait: (n) => waits.push(n), sleep: async () => {} });
  assert.deepEqual(config, CONFIG);
  assert.deepEqual(waits, [1, 2]);
});

test('a configuration problem is reported at once, in the service words', async () => {
  const problem = { title: 'Sign-in not configured', detail: 'set FIREBASE_API_KEY' };
  await assert.rejects(loadConfig({ fetchImpl: answers({ status: 503, body: problem }), sleep: async () => {} }),
    /Sign-in not configured: set FIREBASE_API_KEY/);
  await assert.rejects(loadConfig({ fetchImpl: answers({ status: 200, body: { apiKey: 1 } }) }), /unusable/);
});
