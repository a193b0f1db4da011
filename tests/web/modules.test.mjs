// The web front's pure modules, in Node without a browser: polling pace and backoff, the
// sentences for every error code of the contract, the /metrics reader, the dashboard's rates.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { describeProblem, KNOWN_CODES } from '../../web/assets/messages.js';
import { parseMetrics, sumOf } from '../../web/assets/metrics-text.js';
import { rateAt, readSample, scheduleSeats, waitHistogram } from '../../web/assets/ops-samples.js';
import { backoffSeconds, MAX_BACKOFF_SECONDS, nextPollSeconds } from '../../web/assets/polling.js';
import { formatClockDuration, formatDuration, formatWon } from '../../web/assets/format.js';

test('polls at pollAfterSeconds when the answer has it', () => {
  assert.equal(nextPollSeconds({ position: 500, pollAfterSeconds: 7 }), 7);
  assert.equal(nextPollSeconds({ position: 5, pollAfterSeconds: 0.2 }), 1);
  assert.equal(nextPollSeconds({ position: 5, pollAfterSeconds: 3600 }), 60);
});

test('falls back to a pace that grows with the position when the field is absent or null', () => {
  assert.equal(nextPollSeconds({ position: 1 }), 2);
  assert.equal(nextPollSeconds({ position: 1, pollAfterSeconds: null }), 2);
  assert.equal(nextPollSeconds({ position: 50 }), 5);
  assert.equal(nextPollSeconds({ position: 800 }), 10);
  assert.equal(nextPollSeconds({ position: 100000 }), 20);
  assert.equal(nextPollSeconds({}), 2);
});

test('backs off exponentially, bounded, never below Retry-After', () => {
  const middle = () => 0.5;
  assert.equal(backoffSeconds(1, null, middle), 2);
  assert.equal(backoffSeconds(2, null, middle), 4);
  assert.equal(backoffSeconds(3, null, middle), 8);
  assert.equal(backoffSeconds(20, null, middle), MAX_BACKOFF_SECONDS);
  assert.equal(backoffSeconds(1, 9, middle), 9);
  for (let i = 0; i < 100; i += 1) {
    const wait = backoffSeconds(4);
    assert.ok(wait >= 12 && wait <= 20, `jitter keeps 16 s within ±20%: ${wait}`);
  }
});

test('every error code of the contract has its own human sentence', () => {
  const openapi = JSON.parse(readFileSync(new URL('../../http/openapi.json', import.meta.url), 'utf8'));
  const codes = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) {
      if (node.includes('SEAT_UNAVAILABLE') && node.every((x) => typeof x === 'string')) node.forEach((c) => codes.add(c));
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      Object.values(node).forEach(walk);
    }
  };
  walk(openapi);
  assert.ok(codes.size >= 20, `codes found in openapi.json: ${[...codes]}`);
  const sentences = new Set();
  for (const code of codes) {
    assert.ok(KNOWN_CODES.includes(code), `no sentence for ${code}`);
    const sentence = describeProblem({ code }, {});
    assert.match(sentence, /^[A-Z].*[.!]$/, `${code}: ${sentence}`);
    assert.ok(!sentence.includes('undefined'), `${code}: ${sentence}`);
    sentences.add(sentence);
  }
  assert.equal(sentences.size, codes.size, 'no two codes share a sentence');
  assert.match(describeProblem({ code: 'SEAT_UNAVAILABLE' }, { seat: 14 }), /seat 14 was just taken/);
  assert.match(describeProblem({ code: 'WHATEVER', title: 'Odd' }), /Odd/);
});

test('reads the Prometheus text format', () => {
  const samples = parseMetrics(
    [
      '# HELP boxoffice_queue_waiting Queue tokens WAITING.',
      '# TYPE boxoffice_queue_waiting gauge',
      'boxoffice_queue_waiting 12',
      'boxoffice_http_requests_total{method="POST",route="/api/v1/reservations",status="409"} 3',
      'boxoffice_http_requests_total{method="POST",route="/api/v1/payments",status="409"} 2',
      'boxoffice_http_requests_total{method="GET",route="/a\\"b",status="503"} 1',
      'boxoffice_queue_wait_seconds_bucket{le="1"} 4',
      'boxoffice_queue_wait_seconds_bucket{le="5"} 6',
      'boxoffice_queue_wait_seconds_bucket{le="+Inf"} 7',
      'boxoffice_schedule_seats{concert="1",schedule="2",status="held"} 5',
      'boxoffice_schedule_seats{concert="1",schedule="2",status="sold"} 1',
      'garbage line',
    ].join('\n'),
  );
  assert.equal(sumOf(samples, 'boxoffice_queue_waiting'), 12);
  assert.equal(sumOf(samples, 'boxoffice_http_requests_total', (l) => l.status === '409'), 5);
  assert.equal(sumOf(samples, 'nothing'), null);
  assert.equal(samples.find((s) => s.labels.status === '503').labels.route, '/a"b');
  assert.deepEqual(waitHistogram(samples).map((b) => b.value), [4, 2, 1]);
  assert.deepEqual(waitHistogram(samples).map((b) => b.label), ['1s', '5s', '>5s']);
  assert.deepEqual(scheduleSeats(samples), [{ schedule: 2, concert: 1, available: 0, held: 5, sold: 1 }]);
  const sample = readSample(samples, 1000);
  assert.equal(sample.waiting, 12);
  assert.equal(sample.conflicts, 5);
  assert.equal(sample.failures, 1);
});

test('rates come from the counters over a window, surviving a restart', () => {
  const series = [
    { t: 0, payments: 10 },
    { t: 30000, payments: 13 },
    { t: 60000, payments: 16 },
    { t: 63000, payments: 2 },
  ];
  assert.equal(rateAt(series, 2, 'payments', 60000, 60000), 6);
  assert.equal(rateAt(series, 1, 'payments', 60000, 1000), 0.1);
  assert.equal(rateAt(series, 0, 'payments', 60000, 60000), null);
  assert.equal(rateAt(series, 3, 'payments', 3000, 60000), 40);
});

test('formats money and durations for people', () => {
  assert.equal(formatWon(1234567), '1,234,567 won');
  assert.equal(formatDuration(75), '1 min 15 s');
  assert.equal(formatDuration(3720), '1 h 2 min');
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatClockDuration(65), '1:05');
  assert.equal(formatClockDuration(0.2), '0:01');
});
