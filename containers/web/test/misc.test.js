import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authErrorMessage } from '../src/auth-errors.js';
import { messageOf, problemOf } from '../src/problem.js';
import { matchRoute, parseHash } from '../src/router.js';
import { safeFileName } from '../src/save.js';

test('hash routes', () => {
  assert.deepEqual(matchRoute(parseHash('').path), { name: 'home' });
  assert.deepEqual(matchRoute(parseHash('#/').path), { name: 'home' });
  assert.deepEqual(matchRoute(parseHash('#/admin').path), { name: 'admin' });
  const { path, params } = parseHash('#/experiments/12?preset=day');
  assert.deepEqual(matchRoute(path), { name: 'experiment', id: 12 });
  assert.equal(params.get('preset'), 'day');
  assert.deepEqual(matchRoute('/experiments/x'), { name: 'unknown' });
  assert.deepEqual(matchRoute('/experiments/1/../2'), { name: 'unknown' });
});

test('problems in words, with a fallback for every status', () => {
  assert.equal(problemOf(403, { title: 'Not registered', detail: 'this account is not registered with MyMONIT' }).message,
    'Not registered: this account is not registered with MyMONIT');
  assert.equal(problemOf(429, null).message, 'Too many requests: wait a moment and retry');
  assert.equal(problemOf(418, 'teapot').message, 'Unexpected answer (HTTP 418)');
  assert.equal(problemOf(409, { title: 'Conflict', detail: 'Conflict' }).message, 'Conflict');
  assert.equal(messageOf(new Error('boom')), 'boom');
  assert.equal(messageOf('plain'), 'plain');
});

test('Firebase sign-in errors in words', () => {
  assert.equal(authErrorMessage({ code: 'auth/invalid-credential' }), 'Wrong email or password.');
  assert.equal(authErrorMessage({ code: 'auth/too-many-requests' }), 'Too many attempts: wait a moment, then try again.');
  assert.equal(authErrorMessage({ code: 'auth/odd' }), 'Sign-in failed (auth/odd).');
  assert.equal(authErrorMessage(null), 'Sign-in failed.');
});

test('downloaded file names keep only safe characters', () => {
  assert.equal(safeFileName('device-vibrations_2022-04-06T06:55:00.000Z.csv'), 'device-vibrations_2022-04-06T06-55-00.000Z.csv');
  assert.equal(safeFileName('../../etc/passwd'), 'etc-passwd');
  assert.equal(safeFileName('***'), 'download');
});
