import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApi, filenameOf, withParams } from '../src/api.js';
import { ApiError } from '../src/problem.js';

const ORIGIN = 'https://localhost:8443';

function answer(status, body, headers = {}) {
  const type = body === undefined ? {} : { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' };
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { ...type, ...headers } });
}

function recorder(...answers) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return answers.shift();
  };
  return { calls, fetchImpl };
}

test('every call carries the current token and asks for JSON', async () => {
  const { calls, fetchImpl } = recorder(answer(200, [{ experiment_id: 1 }]));
  const api = createApi(async () => 'token-1', { fetchImpl, origin: ORIGIN });
  assert.deepEqual(await api.get('/experiments/'), [{ experiment_id: 1 }]);
  assert.equal(calls[0].init.headers.Authorization, 'Bearer token-1');
  assert.equal(calls[0].init.credentials, 'omit');
});

test('a 401 is retried once with a refreshed token', async () => {
  const { calls, fetchImpl } = recorder(answer(401, { title: 'Unauthenticated' }), answer(200, { ok: true }));
  const forced = [];
  const api = createApi(async (force) => {
    forced.push(force);
    return force ? 'fresh' : 'stale';
  }, { fetchImpl, origin: ORIGIN });
  assert.deepEqual(await api.get('/users/me'), { ok: true });
  assert.deepEqual(forced, [false, true]);
  assert.equal(calls[1].init.headers.Authorization, 'Bearer fresh');
});

test('errors carry the problem title, detail and field messages in words', async () => {
  const problem = { title: 'Invalid body', status: 422, detail: 'a field of the body is invalid',
    errors: [{ location: 'body', field: 'name', message: 'String should have at least 1 character' }] };
  const { fetchImpl } = recorder(answer(422, problem));
  const api = createApi(async () => 't', { fetchImpl, origin: ORIGIN });
  await assert.rejects(api.send('POST', '/experiments/', { name: '' }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 422);
    assert.equal(error.message,
      'Invalid body: a field of the body is invalid — name: String should have at least 1 character');
    return true;
  });
});

test('an answer without a problem body still says what happened', async () => {
  const { fetchImpl } = recorder(answer(502, undefined));
  const api = createApi(async () => 't', { fetchImpl, origin: ORIGIN });
  await assert.rejects(api.get('/experiments/'), /The service is not reachable/);
  const offline = createApi(async () => 't', { fetchImpl: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(offline.get('/experiments/'), /The service could not be reached: Failed to fetch/);
  const signedOut = createApi(async () => null, { fetchImpl, origin: ORIGIN });
  await assert.rejects(signedOut.get('/experiments/'), (error) => error.status === 401);
});

test('pages follow the Link header, only to this origin', async () => {
  const next = '</measures/1?limit=50&cursor=abc>; rel="next"';
  const { fetchImpl } = recorder(answer(200, [], { Link: next }), answer(200, [], { Link: '<https://evil.example/x>; rel="next"' }));
  const api = createApi(async () => 't', { fetchImpl, origin: ORIGIN });
  assert.deepEqual(await api.page('/measures/1', { limit: 50 }), { rows: [], next: '/measures/1?limit=50&cursor=abc' });
  await assert.rejects(api.page('/measures/1'), /another origin/);
});

test('sending a body sets its type; 204 answers null', async () => {
  const { calls, fetchImpl } = recorder(answer(204, undefined));
  const api = createApi(async () => 't', { fetchImpl, origin: ORIGIN });
  assert.equal(await api.send('DELETE', '/scientists-experiments/1/S001'), null);
  assert.equal(calls[0].init.method, 'DELETE');
  assert.equal(calls[0].init.headers['Content-Type'], undefined);
});

test('query parameters skip empty values; file names come from Content-Disposition', () => {
  assert.equal(withParams('/measures/1', { from: '2022-01-01T00:00:00.000Z', measure: '', limit: 5 }),
    '/measures/1?from=2022-01-01T00%3A00%3A00.000Z&limit=5');
  assert.equal(withParams('/x?a=1', { b: 2 }), '/x?a=1&b=2');
  assert.equal(withParams('/x', {}), '/x');
  assert.equal(filenameOf('attachment; filename="measures-1.csv"'), 'measures-1.csv');
  assert.equal(filenameOf(null), 'measures.csv');
});
