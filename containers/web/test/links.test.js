import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkTarget, sameOriginPath } from '../src/links.js';

test('finds the next link among several, whatever the quoting', () => {
  assert.equal(linkTarget('</a?x=1,2>; rel="prev", </b?c=3>; rel="next"'), '/b?c=3');
  assert.equal(linkTarget('</b>; rel=next'), '/b');
  assert.equal(linkTarget('</b>; title="a, b"; rel="next last"'), '/b');
  assert.equal(linkTarget('</b>; rel="prev"'), null);
  assert.equal(linkTarget(null), null);
  assert.equal(linkTarget('garbage'), null);
});

test('only same-origin paths are followed', () => {
  assert.equal(sameOriginPath('/measures/1?cursor=x', 'https://localhost:8443'), '/measures/1?cursor=x');
  assert.throws(() => sameOriginPath('//evil.example/x', 'https://localhost:8443'), /another origin/);
  assert.throws(() => sameOriginPath('https://evil.example/x', 'https://localhost:8443'), /another origin/);
});
