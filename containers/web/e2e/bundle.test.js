// The built page: only its own assets, no inline script or style, no HTML sink in the bundle.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OUT } from '../build.mjs';

const DIST = process.env.MYMONIT_WEB_DIST ?? DEFAULT_OUT;

test('index.html loads only hashed assets of its own and has nothing inline', async () => {
  const html = await readFile(path.join(DIST, 'index.html'), 'utf8');
  const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(references.length >= 3);
  for (const reference of references) {
    assert.match(reference, /^(#\/|\/assets\/[a-z]+-[A-Za-z0-9]{8}\.(js|css|svg))$/, reference);
  }
  assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=/i);
});

test('the bundle never turns strings into markup or code', async () => {
  const assets = path.join(DIST, 'assets');
  const scripts = (await readdir(assets)).filter((name) => name.endsWith('.js'));
  assert.equal(scripts.length, 1);
  const bundle = await readFile(path.join(assets, scripts[0]), 'utf8');
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'new Function', 'eval(']) {
    assert.equal(bundle.includes(sink), false, `the bundle uses ${sink}`);
  }
});
