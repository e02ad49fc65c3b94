// Hand-written SVG charts. Each is an <svg role="img"> with a <title> and a <desc> giving its numbers in
// words, and every chart on a screen also has its numbers in a table, for screen readers and for copying.
import {s, uid} from './dom.js';
import {number} from './i18n.js';

const tickLabel = (v) => (v === 0 || v === 1 ? String(v) : number(v, 2));

// Colours of the eight criteria, each at least 3:1 against white (WCAG 1.4.11), with a pattern-free
// legend because every bar is also labelled in text.
export const PALETTE = ['#1f4e9c', '#b3541e', '#2d7d46', '#7a3f99', '#a0192f', '#00707a', '#6b5900', '#545454'];

function frame(width, height, title, desc) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart',
    'aria-labelledby': `${titleId} ${descId}`, preserveAspectRatio: 'xMinYMin meet'});
  svg.append(s('title', {id: titleId}, title), s('desc', {id: descId}, desc));
  return svg;
}

// Horizontal bars, one per item: {label, value, text}; `max` sets the scale (default: the largest value).
export function barChart({title, desc, items, max, width = 640, labelWidth = 170}) {
  const row = 26;
  const height = items.length * row + 8;
  const svg = frame(width, height, title, desc);
  const top = max || Math.max(1e-9, ...items.map((i) => i.value));
  const room = width - labelWidth - 90;
  items.forEach((item, i) => {
    const y = 4 + i * row;
    const w = Math.max(0, (item.value / top) * room);
    svg.append(
        s('text', {x: labelWidth - 8, y: y + 17, 'text-anchor': 'end', class: 'chart-label'}, item.label),
        s('rect', {x: labelWidth, y: y + 3, width: w.toFixed(2), height: row - 8,
          fill: item.color || PALETTE[i % PALETTE.length], 'data-value': item.value}),
        s('text', {x: labelWidth + w + 6, y: y + 17, class: 'chart-value'}, item.text ?? String(item.value)));
  });
  return svg;
}

// One bar split into segments that add up to a total (the contributions of a score), with the scale
// 0..1 drawn underneath.
export function stackedBar({title, desc, segments, width = 640}) {
  const height = 64;
  const left = 10;
  const room = width - 2 * left;
  const svg = frame(width, height, title, desc);
  let x = left;
  segments.forEach((seg, i) => {
    const w = Math.max(0, seg.value * room);
    svg.append(s('rect', {x: x.toFixed(2), y: 6, width: w.toFixed(2), height: 28,
      fill: seg.color || PALETTE[i % PALETTE.length], stroke: '#ffffff', 'stroke-width': 1, 'data-value': seg.value},
    s('title', {}, seg.text || seg.label)));
    x += w;
  });
  svg.append(s('line', {x1: left, y1: 40, x2: left + room, y2: 40, stroke: '#333333'}));
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = left + tick * room;
    svg.append(s('line', {x1: tx, y1: 38, x2: tx, y2: 44, stroke: '#333333'}),
        s('text', {x: tx, y: 58, 'text-anchor': tick === 0 ? 'start' : tick === 1 ? 'end' : 'middle',
          class: 'chart-value'}, tickLabel(tick)));
  }
  return svg;
}

// Pairs of bars (two series side by side) for each group: {label, a, b, aText, bText}.
export function pairedBars({title, desc, groups, names, width = 700, labelWidth = 260, max}) {
  const row = 46;
  const legendLine = 18;  // one line per series, so that long names never overlap or run off the chart
  const legendTop = groups.length * row + 4;
  const height = legendTop + names.length * legendLine + 6;
  const svg = frame(width, height, title, desc);
  const top = max || Math.max(1e-9, ...groups.flatMap((g) => [g.a, g.b]));
  const room = width - labelWidth - 100;
  const colours = [PALETTE[0], PALETTE[1]];
  groups.forEach((g, i) => {
    const y = 4 + i * row;
    svg.append(s('text', {x: labelWidth - 8, y: y + 22, 'text-anchor': 'end', class: 'chart-label'}, g.label));
    [[g.a, g.aText], [g.b, g.bText]].forEach(([value, text], k) => {
      const w = Math.max(0, (value / top) * room);
      const by = y + 2 + k * 19;
      svg.append(s('rect', {x: labelWidth, y: by, width: w.toFixed(2), height: 16, fill: colours[k], 'data-value': value}),
          s('text', {x: labelWidth + w + 6, y: by + 13, class: 'chart-value'}, text ?? String(value)));
    });
  });
  // Legend, in text, one series a line.
  names.forEach((name, k) => {
    const ly = legendTop + 14 + k * legendLine;
    svg.append(s('rect', {x: labelWidth, y: ly - 10, width: 12, height: 12, fill: colours[k]}),
        s('text', {x: labelWidth + 18, y: ly, class: 'chart-label'}, name));
  });
  return svg;
}
