import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisSize } from '../src/axis.js';

test('the value axis is as wide as its widest label: 5,000,000 is not clipped', () => {
  const mono = (text) => text.length * 7; // 7 px per character
  assert.equal(axisSize(['0', '2,500,000', '5,000,000'], mono), 9 * 7 + 10 + 5 + 6);
  assert.ok(axisSize(['5,000,000'], mono) > 60, 'wider than the old fixed 60 px');
  assert.equal(axisSize(['1', '2'], mono), 40, 'short labels keep a minimum width');
  assert.equal(axisSize(['a\nlonger line'], mono), Math.ceil(11 * 7 + 21));
  assert.equal(axisSize(null, mono), 40);
  assert.equal(axisSize(['12.5'], () => 20.2, { tick: 0, gap: 0, pad: 0, min: 0 }), 21);
});
