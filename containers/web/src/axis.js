// The width of a plot's value axis, from its labels: a fixed width clipped 5,000,000 to
// ",000,000". Pure, so it is unit-tested; chart.js hands it uPlot's own text measure.

export const TICK = 10; // uPlot's tick length (px)
export const GAP = 5; // uPlot's gap between ticks and labels (px)
export const MIN_SIZE = 40;
export const PAD = 6; // room on the left so no label touches the edge

/**
 * The axis width in CSS pixels for `labels` (the strings uPlot is about to draw), where
 * measure(text) is a label's width in CSS pixels. A multi-line label counts its widest line.
 */
export function axisSize(labels, measure, { tick = TICK, gap = GAP, min = MIN_SIZE, pad = PAD } = {}) {
  let widest = 0;
  for (const label of labels ?? []) {
    if (label === null || label === undefined) continue;
    for (const line of String(label).split('\n')) widest = Math.max(widest, measure(line));
  }
  return Math.max(min, Math.ceil(widest + tick + gap + pad));
}
