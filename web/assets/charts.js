// Small SVG charts for the dashboard, drawn with DOM calls (no inline style: the
// Content-Security-Policy forbids it; colours come from the stylesheet's classes).

const SVG = 'http://www.w3.org/2000/svg';

function node(name, attributes = {}) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

// A line of `points` ({ t, v }, t in ms) over the window [from, to], scaled to its highest
// value. `label` names the chart for screen readers.
export function drawSparkline(svg, points, { from, to, label }) {
  const width = 300;
  const height = 48;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.replaceChildren(node('title'));
  svg.firstChild.textContent = label;
  const usable = points.filter((p) => p.v != null && Number.isFinite(p.v) && p.t >= from);
  if (usable.length === 0) return;
  const top = Math.max(1, ...usable.map((p) => p.v));
  const x = (t) => ((t - from) / (to - from)) * width;
  const y = (v) => height - 2 - (Math.max(0, v) / top) * (height - 4);
  const line = usable.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const first = x(usable[0].t).toFixed(1);
  const last = x(usable[usable.length - 1].t).toFixed(1);
  svg.append(node('polygon', { class: 'spark-area', points: `${first},${height} ${line} ${last},${height}` }));
  svg.append(node('polyline', { class: 'spark-line', points: line }));
}

// Bars of `bars` ({ label, value }) with their labels under them.
export function drawBars(svg, bars, { label }) {
  const width = 400;
  const height = 140;
  const base = height - 18;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.replaceChildren(node('title'));
  svg.firstChild.textContent = label;
  const group = node('g', { class: 'bars' });
  const top = Math.max(1, ...bars.map((b) => b.value));
  const slot = width / Math.max(1, bars.length);
  bars.forEach((bar, i) => {
    const h = (bar.value / top) * (base - 14);
    group.append(node('rect', { x: (i * slot + 3).toFixed(1), y: (base - h).toFixed(1), width: (slot - 6).toFixed(1), height: h.toFixed(1) }));
    const count = node('text', { x: (i * slot + slot / 2).toFixed(1), y: (base - h - 3).toFixed(1), 'text-anchor': 'middle' });
    count.textContent = String(bar.value);
    const name = node('text', { x: (i * slot + slot / 2).toFixed(1), y: height - 4, 'text-anchor': 'middle' });
    name.textContent = bar.label;
    group.append(count, name);
  });
  svg.append(group);
}
