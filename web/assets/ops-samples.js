// What the dashboard reads from one /metrics answer, and the figures derived from a series
// of them: gauges as they are, counters as rates over a window.
import { sumOf } from './metrics-text.js';

export const WINDOW_MS = 15 * 60 * 1000;

const status = (...codes) => (labels) => codes.includes(labels.status);

// One sample: the numbers of the dashboard at time `t` (ms).
export function readSample(samples, t) {
  const get = (name, filter) => sumOf(samples, name, filter);
  return {
    t,
    waiting: get('boxoffice_queue_waiting'),
    active: get('boxoffice_queue_active'),
    maxActive: get('boxoffice_queue_max_active'),
    admitted: get('boxoffice_queue_admitted_total'),
    backWait: get('boxoffice_queue_back_wait_seconds'),
    tokenExpiries: get('boxoffice_queue_expired_total'),
    holds: get('boxoffice_holds_active'),
    holdExpiries: get('boxoffice_holds_expired_total'),
    payments: get('boxoffice_payments_total'),
    revenue: get('boxoffice_payments_amount_won_total'),
    conflicts: get('boxoffice_http_requests_total', status('409')) ?? 0,
    failures: get('boxoffice_http_requests_total', status('503', '504')) ?? 0,
  };
}

// The wait histogram as bars ({ label, value }, not cumulative).
export function waitHistogram(samples) {
  const buckets = samples
    .filter((s) => s.name === 'boxoffice_queue_wait_seconds_bucket')
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
  // Short labels: the chart has one slot per bucket. "5s" reads "up to 5 seconds".
  const label = (le) => {
    if (le >= 3600) return `${le / 3600}h`;
    if (le >= 60) return `${le / 60}m`;
    return `${le}s`;
  };
  let previous = 0;
  return buckets.map((bucket, i) => {
    const value = bucket.count - previous;
    previous = bucket.count;
    const name = bucket.le === Infinity ? `>${i > 0 ? label(buckets[i - 1].le) : '0s'}` : label(bucket.le);
    return { label: name, value };
  });
}

// Seats by schedule: [{ schedule, concert, available, held, sold }] sorted by schedule.
export function scheduleSeats(samples) {
  const rows = new Map();
  for (const s of samples) {
    if (s.name !== 'boxoffice_schedule_seats') continue;
    const id = Number(s.labels.schedule);
    const row = rows.get(id) || { schedule: id, concert: Number(s.labels.concert), available: 0, held: 0, sold: 0 };
    row[s.labels.status] = s.value;
    rows.set(id, row);
  }
  return [...rows.values()].sort((a, b) => a.schedule - b.schedule);
}

// The change of counter `key` per `unit` ms between the sample `span` ms before `at`
// (or the oldest one after it) and `at`. A counter that went down (restart) counts from 0.
export function rateAt(series, index, key, span, unit) {
  const end = series[index];
  if (!end || end[key] == null) return null;
  let start = null;
  for (let i = index - 1; i >= 0; i -= 1) {
    if (series[i][key] == null) break;
    start = series[i];
    if (end.t - series[i].t >= span) break;
  }
  if (!start || end.t === start.t) return null;
  const delta = end[key] >= start[key] ? end[key] - start[key] : end[key];
  return (delta / (end.t - start.t)) * unit;
}

// A chart series for `key`: gauge values, or rates when `rate` ({ span, unit }) is given.
export function seriesOf(series, key, rate = null) {
  return series.map((sample, i) => ({
    t: sample.t,
    v: rate ? rateAt(series, i, key, rate.span, rate.unit) : sample[key],
  }));
}
