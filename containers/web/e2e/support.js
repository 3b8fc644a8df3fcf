// Shared by the end-to-end tests: Debian's chromium driven by playwright-core against the running
// stack (./run.sh --detach) through nginx TLS, with every page watched for requests leaving
// localhost, CSP violations and script errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request } from 'playwright-core';
import { MAX_BUCKETS } from '../src/range.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../../..');
export const BASE = process.env.MYMONIT_URL ?? 'https://localhost:8443';
export const REPORTS = process.env.MYMONIT_WEB_REPORTS ?? path.join(ROOT, 'reports', 'web');
export const ENV = readEnv(path.join(ROOT, '.env'));
export const EMULATOR = `http://${ENV.FIREBASE_AUTH_EMULATOR_HOST || '127.0.0.1:9099'}`;
export const DEMO = {
  scientist: 'phigg@home.cern',
  otherScientist: 'kbouman@home.cern',
  admin: 'aalcorn@home.cern',
  password: ENV.DEMO_PASSWORD,
};
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
export const AGGREGATE_PATH = /^\/measures\/\d+\/aggregate$/;

function readEnv(file) {
  const values = {};
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return values;
  }
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]] = match[2].replace(/^['"]|['"]$/g, '');
  }
  return values;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-features=Translate,OptimizationHints'],
  });
}

/**
 * A fresh context (no saved sign-in) and page. watch collects: offsite (requests to anything but
 * localhost), csp (violations, from the console and securitypolicyviolation events), errors
 * (uncaught page errors), failed (5xx answers, or the page's own files missing), aggregates (every /measures/{id}/aggregate answer, with the buckets it
 * asked for and got).
 */
export async function openPage(browser) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  const watch = { offsite: [], csp: [], errors: [], failed: [], aggregates: [], pending: [] };
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOCAL_HOSTS.has(url.hostname)) {
      watch.offsite.push(request.url());
    }
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[- ]Security[- ]Policy|CSP violation|Trusted ?(Type|HTML|Script)/i.test(text)) watch.csp.push(text);
  });
  page.on('pageerror', (error) => watch.errors.push(String(error)));
  page.on('response', (response) => {
    const url = new URL(response.url());
    const own = url.pathname === '/' || url.pathname.startsWith('/assets/') || url.pathname === '/config.json';
    if (response.status() >= 500 || (own && response.status() >= 400)) {
      watch.failed.push(`${response.status()} ${url.pathname}`);
    }
    if (!AGGREGATE_PATH.test(url.pathname)) return;
    watch.pending.push(response.json().then((body) => watch.aggregates.push({
      url, status: response.status(), asked: Number(url.searchParams.get('buckets')),
      got: body.buckets?.length ?? 0, bucketSeconds: body.bucket_seconds, body,
    })).catch(() => {}));
  });
  return { context, page, watch };
}

/** The page loaded without leaving localhost, without CSP violation and without script error. */
export async function assertClean(watch) {
  await Promise.all(watch.pending);
  assert.deepEqual(watch.offsite, [], 'requests left localhost');
  assert.deepEqual(watch.csp, [], 'Content-Security-Policy violations');
  assert.deepEqual(watch.errors, [], 'uncaught errors in the page');
  assert.deepEqual(watch.failed, [], 'the page or the service failed');
  for (const answer of watch.aggregates) {
    assert.ok(answer.asked <= MAX_BUCKETS, `an aggregate request asked for ${answer.asked} buckets`);
  }
}

export async function signIn(page, email, password = DEMO.password) {
  await page.goto(`${BASE}/`);
  await page.locator('#signin-email').waitFor({ timeout: 20_000 }).catch(async (error) => {
    throw new Error(`no sign-in form; the page says: ${await page.locator('main').textContent()}`, { cause: error });
  });
  await page.locator('#signin-email').fill(email);
  await page.locator('#signin-password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signin-email').waitFor();
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(REPORTS, { recursive: true });
  await page.screenshot({ path: path.join(REPORTS, `${name}.png`), fullPage });
}

/** An account in the Auth Emulator that MyMONIT does not know yet: {uid, email, password}. */
export async function emulatorAccount(prefix) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const email = `${prefix}-${suffix}@e2e.mymonit.invalid`;
  const password = `pw-${suffix}-${Math.random().toString(36).slice(2)}`;
  const response = await fetch(`${EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `the Auth Emulator refused a new account: ${text}`);
  const body = JSON.parse(text);
  return { uid: body.localId, email, password, suffix };
}

/** Waits until the page has no aggregate request in flight and returns the answers so far. */
export async function aggregatesSettled(page, watch) {
  await page.waitForLoadState('networkidle');
  await Promise.all(watch.pending);
  return watch.aggregates;
}

/** An ID token of an Auth Emulator account (a demo user by default). */
export async function idToken(email, password = DEMO.password) {
  const response = await fetch(`${EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `the Auth Emulator did not sign ${email} in: ${text}`);
  return JSON.parse(text).idToken;
}

/**
 * The API as `email`, outside the page, to set up and clean up a test's data: call(method, path,
 * body) resolves to {status, body}. dispose() when done.
 */
export async function apiAs(email) {
  const token = await idToken(email);
  const api = await request.newContext({
    baseURL: BASE, ignoreHTTPSErrors: true, extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  return {
    async call(method, path, body) {
      const response = await api.fetch(path, { method, data: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' } });
      const type = response.headers()['content-type'] ?? '';
      return { status: response.status(), body: type.includes('json') ? await response.json() : await response.text() };
    },
    dispose: () => api.dispose(),
  };
}

/** Polls `condition` (sync or async) every 200 ms until it is truthy, and returns its value. */
export async function waitUntil(condition, { timeout = 30_000, what = 'the condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => {
      setTimeout(resolve, 200);
    });
  }
}

/** Does the installed service have `mymonit ARGS...`? A test of a command not yet there is skipped. */
export function cliHas(...args) {
  return spawnSync(path.join(ROOT, '.venv', 'bin', 'mymonit'), [...args, '--help'], { encoding: 'utf8' }).status === 0;
}

/** Runs an e2e/ helper script (publish.py, discard.py) with the project's Python; returns its output. */
export function runPython(script, ...args) {
  const run = spawnSync(path.join(ROOT, '.venv', 'bin', 'python'), [path.join(HERE, script), ...args],
    { encoding: 'utf8' });
  assert.equal(run.status, 0, `${script} failed: ${run.stderr}`);
  return run.stdout;
}

/** An experiment of the test's own, `PREFIX-<unique>`, made by `admin` and granted to the demo scientist. */
export async function ownExperiment(admin, prefix, scientistId = 'S001') {
  const name = `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const created = await admin.call('POST', '/experiments/', { name });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const granted = await admin.call('POST', `/scientists-experiments/${created.body.experiment_id}/${scientistId}`);
  assert.equal(granted.status, 201, JSON.stringify(granted.body));
  return created.body;
}

/** Removes the measures of a test's experiment (discard.py), then the experiment through the API. */
export async function removeExperiment(admin, experiment) {
  runPython('discard.py', String(experiment.experiment_id), experiment.name);
  const deleted = await admin.call('DELETE', `/experiments/${experiment.experiment_id}`);
  assert.equal(deleted.status, 204, `the test's experiment was not deleted: ${JSON.stringify(deleted.body)}`);
}
