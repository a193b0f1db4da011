// The operators' dashboard (/ops): the admin key typed in (kept in sessionStorage, sent as
// X-Admin-Key), /metrics sampled every few seconds into 15-minute charts, the cluster view.
import { api, getText } from './api.js';
import { createAnnouncer } from './announcer.js';
import { drawBars, drawSparkline } from './charts.js';
import { formatCount, formatDuration, formatRate, formatTimeOfDay, formatWon } from './format.js';
import { describeProblem } from './messages.js';
import { parseMetrics } from './metrics-text.js';
import { WINDOW_MS, readSample, scheduleSeats, seriesOf, waitHistogram, rateAt } from './ops-samples.js';
import { backoffSeconds } from './polling.js';

const SAMPLE_SECONDS = 3;
const CLUSTER_SECONDS = 10;
const KEY = 'boxoffice.adminKey';
const PER_SECOND = { span: 15000, unit: 1000 };
const PER_MINUTE = { span: 60000, unit: 60000 };

const $ = (id) => document.getElementById(id);
const notice = createAnnouncer($('notice'));
const state = { key: sessionStorage.getItem(KEY), series: [], sampleTimer: null, clusterTimer: null, failures: 0 };

function set(id, text) {
  $(id).textContent = text;
}

function orDash(value, format) {
  return value == null ? '–' : format(value);
}

// The charts span the last 15 minutes, or the time since the page began sampling when that
// is shorter (a fresh dashboard shows its few samples across the whole width).
function chart(id, key, label, rate, format) {
  const now = Date.now();
  const oldest = state.series.length ? state.series[0].t : now;
  const from = Math.min(Math.max(now - WINDOW_MS, oldest), now - 1000);
  const span = now - from >= WINDOW_MS - 5000 ? 'last 15 minutes' : `since ${formatTimeOfDay(new Date(from))}`;
  const points = seriesOf(state.series, key, rate);
  const values = points.map((p) => p.v).filter((v) => v != null);
  const current = values.length ? values[values.length - 1] : null;
  const highest = values.length ? Math.max(...values) : null;
  const words = current == null ? 'no data yet' : `now ${format(current)}, highest ${format(highest)}`;
  drawSparkline($(id), points, { from, to: now, label: `${label}, ${span}: ${words}` });
  return current;
}

function renderTiles() {
  const last = state.series[state.series.length - 1];
  const index = state.series.length - 1;
  const rate = (key, window) => rateAt(state.series, index, key, window.span, window.unit);
  const count = (v) => formatCount(v);

  set('v-waiting', orDash(last.waiting, count));
  chart('c-waiting', 'waiting', 'Line length', null, count);

  set('v-active', orDash(last.active, count));
  set('s-active', last.maxActive == null ? 'ACTIVE tokens' : `of ${formatCount(last.maxActive)} allowed (queue-max-active)`);
  chart('c-active', 'active', 'Active tokens', null, count);

  set('v-admissions', orDash(rate('admitted', PER_SECOND), formatRate));
  set('s-admissions', `${orDash(last.admitted, count)} admitted in all`);
  chart('c-admissions', 'admitted', 'Admissions per second', PER_SECOND, formatRate);

  const backWait = last.backWait;
  set('v-back-wait', backWait == null ? '–' : backWait < 0 ? 'estimating…' : last.waiting === 0 ? 'no line' : formatDuration(backWait));
  chart('c-back-wait', 'backWait', 'Wait at the back of the line in seconds', null, count);

  set('v-token-expiries', orDash(rate('tokenExpiries', PER_MINUTE), formatRate));
  set('s-token-expiries', `${orDash(last.tokenExpiries, count)} in all`);
  chart('c-token-expiries', 'tokenExpiries', 'Token expiries per minute', PER_MINUTE, formatRate);

  set('v-holds', orDash(last.holds, count));
  chart('c-holds', 'holds', 'Live holds', null, count);

  set('v-hold-expiries', orDash(rate('holdExpiries', PER_MINUTE), formatRate));
  set('s-hold-expiries', `${orDash(last.holdExpiries, count)} in all`);
  chart('c-hold-expiries', 'holdExpiries', 'Hold expiries per minute', PER_MINUTE, formatRate);

  set('v-payments', orDash(rate('payments', PER_MINUTE), formatRate));
  set('s-payments', last.payments === 1 ? '1 payment in all' : `${orDash(last.payments, count)} payments in all`);
  chart('c-payments', 'payments', 'Payments per minute', PER_MINUTE, formatRate);

  set('v-revenue', orDash(rate('revenue', PER_MINUTE), formatWon));
  set('s-revenue', `${orDash(last.revenue, formatWon)} in all`);
  chart('c-revenue', 'revenue', 'Revenue per minute in won', PER_MINUTE, formatCount);

  set('v-conflicts', orDash(rate('conflicts', PER_MINUTE), formatRate));
  set('s-conflicts', `${formatCount(last.conflicts)} in all (seat taken, hold over, balance short…)`);
  chart('c-conflicts', 'conflicts', '409 conflicts per minute', PER_MINUTE, formatRate);

  set('v-failures', orDash(rate('failures', PER_MINUTE), formatRate));
  set('s-failures', `${formatCount(last.failures)} in all (unavailable, outcome unknown)`);
  chart('c-failures', 'failures', '503 and 504 answers per minute', PER_MINUTE, formatRate);
}

function renderSchedules(samples) {
  const body = $('schedules');
  const rows = scheduleSeats(samples);
  body.replaceChildren();
  if (rows.length === 0) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = 5;
    cell.textContent = 'No date loaded on this node yet.';
    return;
  }
  for (const r of rows) {
    const row = body.insertRow();
    row.dataset.schedule = String(r.schedule);
    const head = document.createElement('th');
    head.scope = 'row';
    head.textContent = `#${r.schedule}`;
    row.append(head);
    row.insertCell().textContent = `#${r.concert}`;
    for (const key of ['available', 'held', 'sold']) {
      const cell = row.insertCell();
      cell.className = 'num';
      cell.dataset.status = key;
      cell.textContent = formatCount(r[key]);
    }
  }
}

function renderHistogram(samples) {
  const bars = waitHistogram(samples);
  const total = bars.reduce((sum, b) => sum + b.value, 0);
  const words = bars
    .filter((b) => b.value > 0)
    .map((b) => `${b.value} ${b.label.startsWith('>') ? 'over' : 'within'} ${b.label.replace('>', '')}`)
    .join(', ');
  drawBars($('histogram'), bars, {
    label: total ? `Waits from joining the line to admission: ${words}` : 'No admissions yet',
  });
  set('histogram-summary', total ? `${formatCount(total)} admissions counted.` : 'No admissions yet.');
}

async function sample() {
  try {
    const text = await getText('/metrics');
    const samples = parseMetrics(text);
    const now = Date.now();
    state.series.push(readSample(samples, now));
    while (state.series.length && state.series[0].t < now - WINDOW_MS) state.series.shift();
    state.failures = 0;
    renderTiles();
    renderSchedules(samples);
    renderHistogram(samples);
    set('sampled', formatTimeOfDay(new Date(now)));
    $('board').dataset.samples = String(state.series.length);
    if (notice.text.startsWith('Metrics')) notice.clear();
    state.sampleTimer = setTimeout(sample, SAMPLE_SECONDS * 1000);
  } catch (error) {
    state.failures += 1;
    const wait = backoffSeconds(state.failures, error.retryAfter);
    notice.say(`Metrics could not be read: ${describeProblem(error, { retryIn: formatDuration(wait) })}`, 'error');
    state.sampleTimer = setTimeout(sample, wait * 1000);
  }
}

async function readCluster() {
  try {
    const { data } = await api('GET', '/api/v1/admin/cluster', { adminKey: state.key });
    const body = $('nodes');
    body.replaceChildren();
    for (const n of data.nodes) {
      const row = body.insertRow();
      row.insertCell().textContent = n.nodeId == null ? 'not reached yet' : `Node ${n.nodeId}`;
      row.insertCell().textContent = n.address;
      const cell = row.insertCell();
      const word = document.createElement('span');
      word.className = n.status === 'up' ? 'node-up' : 'node-down';
      word.textContent = n.status === 'up' ? '● up' : '✕ down';
      cell.append(word);
    }
    set('nodes-at', formatTimeOfDay(new Date()));
    set('this-node', String(data.nodeId));
    state.clusterTimer = setTimeout(readCluster, CLUSTER_SECONDS * 1000);
    return true;
  } catch (error) {
    if (error.code === 'ADMIN_KEY_INVALID') {
      logout();
      notice.say(describeProblem(error), 'error');
      return false;
    }
    notice.say(`The cluster view could not be read: ${describeProblem(error)}`, 'warn');
    state.clusterTimer = setTimeout(readCluster, CLUSTER_SECONDS * 1000);
    return true;
  }
}

function stop() {
  clearTimeout(state.sampleTimer);
  clearTimeout(state.clusterTimer);
}

function logout() {
  stop();
  sessionStorage.removeItem(KEY);
  state.key = null;
  state.series = [];
  $('board').hidden = true;
  $('login').hidden = false;
  document.title = "Operators' dashboard · boxoffice";
}

async function open() {
  $('connect').disabled = true;
  const ok = await readCluster();
  $('connect').disabled = false;
  if (!ok) return;
  sessionStorage.setItem(KEY, state.key);
  $('login').hidden = true;
  $('board').hidden = false;
  set('every', String(SAMPLE_SECONDS));
  notice.say('Dashboard open. Numbers update every few seconds.', 'ok');
  sample();
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('admin-key').value;
  if (!key) {
    notice.say('Please type the admin key.', 'error');
    $('admin-key').focus();
    return;
  }
  state.key = key;
  $('admin-key').value = '';
  open();
});

$('logout').addEventListener('click', () => {
  logout();
  notice.say('The key was forgotten in this tab.');
});

if (state.key) {
  $('login').hidden = true;
  open();
} else {
  $('login').hidden = false;
}
