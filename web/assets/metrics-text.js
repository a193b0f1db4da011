// Reads the Prometheus text exposition format of /metrics into samples
// { name, labels: { key: value }, value }. Comments and malformed lines are skipped.

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(text) {
  return text.replace(/\\(["\\n])/g, (match, c) => (c === 'n' ? '\n' : c));
}

function toNumber(text) {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function parseMetrics(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels = {};
    if (match[3]) {
      for (const label of match[3].matchAll(LABEL)) labels[label[1]] = unescape(label[2]);
    }
    const value = toNumber(match[4]);
    if (!Number.isNaN(value)) samples.push({ name: match[1], labels, value });
  }
  return samples;
}

// Sum of the samples named `name` whose labels pass `filter` (0 when none); null when no
// sample of that name exists at all.
export function sumOf(samples, name, filter = () => true) {
  let found = false;
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    found = true;
    if (filter(sample.labels)) total += sample.value;
  }
  return found ? total : null;
}
