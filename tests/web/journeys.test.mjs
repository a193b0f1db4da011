// The web front end to end: Debian's Chromium (playwright-core) against a real
// `boxoffice serve` on PostgreSQL. Run by CTest as web_e2e (see tests/CMakeLists.txt).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertAccessible } from './support/axe.mjs';
import { launchBrowser, openPage, screenshots, tabTo } from './support/browser.mjs';
import { restClient } from './support/rest.mjs';
import { ADMIN_KEY, startServer } from './support/server.mjs';

const seatButton = (n) => `#seat-grid button[data-seat="${n}"]`;
const LONG = { timeout: 180000 };

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
});

// A fan on the waiting room page: joins with a user number.
async function joinLine(fan, userId) {
  await fan.page.goto('/');
  await fan.page.fill('#user-id', String(userId));
  await fan.page.click('#join-button');
}

async function pickFirstDate(fan) {
  await fan.page.click('#dates button');
  await fan.page.waitForSelector(seatButton(1));
}

async function noticeMatching(fan, pattern, timeout = 20000) {
  await fan.page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.getElementById('notice').textContent),
    [pattern.source, pattern.flags],
    { timeout },
  );
  return fan.page.textContent('#notice');
}

function noProblems(...fans) {
  for (const fan of fans) assert.deepEqual(fan.problems, [], 'the page reported errors or CSP violations');
}

// What the pages keep in the browser: the fan's queue token and the reservation held now.
function storedToken(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('boxoffice.place')).token);
}
function storedHold(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('boxoffice.hold')).reservationId);
}

async function seatShows(fan, seat, status) {
  await fan.page.waitForFunction(
    ([selector, wanted]) => document.querySelector(selector).dataset.status === wanted,
    [seatButton(seat), status],
  );
}

describe('two fans, one admitted at a time (--queue-max-active 1)', () => {
  let server;
  let rest;
  let a;
  let b;
  let fanA;
  let fanB;

  before(async () => {
    server = await startServer('two_fans', ['--queue-max-active', '1']);
    rest = restClient(server.base);
    await rest.createConcertWithDate({ seats: 50, price: 50000 });
    a = await rest.createUser('ahn');
    b = await rest.createUser('baek');
    await rest.charge(a, 100000);
    fanA = await openPage(browser, server.base);
    fanB = await openPage(browser, server.base);
  });
  after(async () => {
    for (const fan of [fanA, fanB]) if (fan) await fan.context.close();
    if (server) await server.stop();
  });

  test('fan A goes straight to the seats; fan B waits at position 1', LONG, async () => {
    await joinLine(fanA, a.userId);
    await fanA.page.waitForURL('**/seats');
    await fanA.page.waitForFunction(() => /^\d+:\d\d$/.test(document.getElementById('turn-left').textContent));

    await joinLine(fanB, b.userId);
    await fanB.page.waitForSelector('#place:not([hidden])');
    assert.equal(await fanB.page.textContent('#status'), 'Waiting');
    assert.equal(await fanB.page.textContent('#position'), '#1');
    assert.equal(await fanB.page.textContent('#ahead'), '0');
    assert.match(await fanB.page.textContent('#wait'), /estimating…|about /);
    assert.match(await fanB.page.textContent('#updated'), /^\d\d:\d\d:\d\d$/);
    assert.match(await fanB.page.textContent('#next-look'), /next check in \d+ s/);
    assert.match(await fanB.page.textContent('#notice'), /number 1|You are next/);
    assert.equal(await fanB.page.locator('[aria-live]').count(), 1, 'one aria-live region');
    await assertAccessible(fanB.page, 'waiting room (waiting)');
    await screenshots(fanB.page, 'waiting-room');
  });

  test('a reload keeps fan B\'s place in line', LONG, async () => {
    const token = await storedToken(fanB.page);
    await fanB.page.reload();
    await fanB.page.waitForFunction(() => document.getElementById('position').textContent === '#1');
    const after = await storedToken(fanB.page);
    assert.equal(after, token, 'the same token after the reload');
    const me = await rest.me(token);
    assert.equal(me.status, 'WAITING');
    assert.equal(me.position, 1);
    // A second tab of the same browser shares the place.
    const second = await fanB.context.newPage();
    await second.goto('/');
    await second.waitForFunction(() => document.getElementById('position').textContent === '#1');
    await second.close();
  });

  test('fan A holds and pays; fan B\'s page moves on to the seats by itself', LONG, async () => {
    await pickFirstDate(fanA);
    await fanA.page.click(seatButton(5));
    await fanA.page.waitForSelector('#hold:not([hidden])');
    assert.match(await fanA.page.textContent('#hold-text'), /Seat 5 · 50,000 won/);
    assert.equal(await fanA.page.getAttribute(seatButton(5), 'data-status'), 'MINE');
    assert.equal(await fanA.page.getAttribute(seatButton(5), 'aria-label'), 'Seat 5, 50,000 won, held by you');
    await fanA.page.fill('#wallet-id', String(a.walletId));
    await fanA.page.click('#wallet-form button');
    await fanA.page.waitForFunction(() => document.getElementById('balance').textContent === '100,000 won');
    assert.equal(await fanA.page.locator('[aria-live]').count(), 1, 'one aria-live region');
    await assertAccessible(fanA.page, 'seat picker (holding a seat)');
    await screenshots(fanA.page, 'seat-picker');

    // A double click sends one payment (the button is disabled, and both would carry the
    // same Idempotency-Key): the balance below drops by one price.
    await fanA.page.dblclick('#pay');
    await fanA.page.waitForSelector('#done:not([hidden])');
    assert.match(await fanA.page.textContent('#done-text'), /Seat 5 .*is yours/);
    assert.equal(await fanA.page.textContent('#balance'), '50,000 won');

    await fanB.page.waitForURL('**/seats', { timeout: 30000 });
    await noticeMatching(fanB, /It is your turn! You have \d+ min/);
    const token = await storedToken(fanB.page);
    assert.equal((await rest.me(token)).status, 'ACTIVE');
    await pickFirstDate(fanB);
    assert.equal(await fanB.page.getAttribute(seatButton(5), 'data-status'), 'SOLD');
  });

  test('a completed place is explained, with a way back into the line', LONG, async () => {
    await fanA.page.click('#done a');
    await fanA.page.waitForSelector('#ended:not([hidden])');
    assert.equal(await fanA.page.textContent('#ended-title'), 'You bought your ticket');
    await fanA.page.click('#rejoin');
    // Fan B is ACTIVE and the limit is 1: fan A waits at the head of the line again.
    await fanA.page.waitForFunction(() => document.getElementById('position').textContent === '#1');
  });

  test('errors back off and are shown while the server is away', LONG, async () => {
    await server.stop();
    const text = await noticeMatching(fanA, /No answer from the server|busy/, 30000);
    assert.match(text, /trying again in \d+ s/);
    noProblems(fanA, fanB);
  });
});

describe('cancelling a hold, and a hold that expires while the page is open (--hold-ttl 6s)', () => {
  let server;
  let rest;
  let fan;

  before(async () => {
    server = await startServer('hold_expiry', ['--hold-ttl', '6s']);
    rest = restClient(server.base);
    await rest.createConcertWithDate({ seats: 20, price: 30000 });
    const user = await rest.createUser('cho');
    fan = await openPage(browser, server.base);
    await joinLine(fan, user.userId);
    await fan.page.waitForURL('**/seats');
  });
  after(async () => {
    if (fan) await fan.context.close();
    if (server) await server.stop();
  });

  test('cancel lets the seat go at once', LONG, async () => {
    await pickFirstDate(fan);
    await fan.page.click(seatButton(4));
    await fan.page.waitForSelector('#hold:not([hidden])');
    const reservationId = await storedHold(fan.page);
    await fan.page.click('#cancel');
    await noticeMatching(fan, /You let seat 4 go/);
    assert.ok(await fan.page.isHidden('#hold'));
    await seatShows(fan, 4, 'AVAILABLE');
    const token = await storedToken(fan.page);
    const reservation = await rest.call('GET', `/api/v1/reservations/${reservationId}`, { token });
    assert.equal(reservation.data.status, 'CANCELLED');
  });

  test('the countdown runs out, the page says so and the seat is free again', LONG, async () => {
    await fan.page.click(seatButton(3));
    await fan.page.waitForSelector('#hold:not([hidden])');
    assert.equal(await fan.page.getAttribute('#hold', 'data-warning'), 'true', 'under a minute: warned');
    assert.match(await fan.page.textContent('#hold-left'), /^0:0\d$/);
    const reservationId = await storedHold(fan.page);

    const text = await noticeMatching(fan, /Your hold on seat 3 has ended/);
    assert.match(text, /free again/);
    assert.ok(await fan.page.isHidden('#hold'));
    await seatShows(fan, 3, 'AVAILABLE');
    const token = await storedToken(fan.page);
    const reservation = await rest.call('GET', `/api/v1/reservations/${reservationId}`, { token });
    assert.equal(reservation.data.status, 'EXPIRED');
    noProblems(fan);
  });
});

describe('a booking time that runs out (--token-ttl 3s)', () => {
  let server;
  let fan;

  before(async () => {
    server = await startServer('token_expiry', ['--token-ttl', '3s']);
    const rest = restClient(server.base);
    await rest.createConcertWithDate({ seats: 10, price: 10000 });
    const user = await rest.createUser('doh');
    fan = await openPage(browser, server.base);
    await joinLine(fan, user.userId);
    await fan.page.waitForURL('**/seats');
  });
  after(async () => {
    if (fan) await fan.context.close();
    if (server) await server.stop();
  });

  test('the seat picker closes, the waiting room explains and offers the line again', LONG, async () => {
    await fan.page.waitForSelector('#gate:not([hidden])');
    assert.equal(await fan.page.textContent('#gate-title'), 'Your booking time is over');
    assert.ok(await fan.page.isHidden('#booking'));
    await fan.page.click('#gate-link');
    await fan.page.waitForSelector('#ended:not([hidden])');
    assert.equal(await fan.page.textContent('#ended-title'), 'Your place in line has expired');
    assert.match(await fan.page.textContent('#ended-text'), /Nothing was bought or charged/);
    await assertAccessible(fan.page, 'waiting room (expired)');
    await fan.page.click('#rejoin');
    await fan.page.waitForURL('**/seats');
    await noticeMatching(fan, /It is your turn/);
    noProblems(fan);
  });
});

describe('one server for the race, the keyboard and the dashboard', () => {
  let server;
  let rest;
  let schedule;
  const tokens = [];
  const fans = [];
  let payments = 0;

  before(async () => {
    server = await startServer('race_keyboard_ops');
    rest = restClient(server.base);
    ({ schedule } = await rest.createConcertWithDate({ seats: 40, price: 50000 }));
  });
  after(async () => {
    for (const fan of fans) await fan.context.close();
    if (server) await server.stop();
  });

  async function fanOnSeats(name) {
    const user = await rest.createUser(name);
    const fan = await openPage(browser, server.base);
    fans.push(fan);
    await joinLine(fan, user.userId);
    await fan.page.waitForURL('**/seats');
    tokens.push(await storedToken(fan.page));
    return { user, fan };
  }

  test('two pages racing for one seat: exactly one holds it, the other is told', LONG, async () => {
    const p = await fanOnSeats('park');
    const q = await fanOnSeats('quon');
    await pickFirstDate(p.fan);
    await pickFirstDate(q.fan);
    await Promise.all([p.fan.page.click(seatButton(9)), q.fan.page.click(seatButton(9))]);

    const outcome = async (fan) => {
      await fan.page.waitForFunction(
        () =>
          !document.getElementById('hold').hidden ||
          /just taken|held by someone else/.test(document.getElementById('notice').textContent),
      );
      return fan.page.isVisible('#hold');
    };
    const held = await Promise.all([outcome(p.fan), outcome(q.fan)]);
    assert.equal(held.filter(Boolean).length, 1, 'exactly one page holds seat 9');
    const loser = held[0] ? q.fan : p.fan;
    assert.match(await loser.page.textContent('#notice'), /seat 9 (was just taken by someone else|is held by someone else)/i);
    await seatShows(loser, 9, 'HELD');
    const seats = await rest.seats(schedule.scheduleId, tokens[0]);
    assert.equal(seats.seats[8].status, 'HELD');
    noProblems(p.fan, q.fan);
  });

  test('keyboard only: top up, hold and pay', LONG, async () => {
    const user = await rest.createUser('kang');
    const fan = await openPage(browser, server.base);
    fans.push(fan);
    const { page } = fan;
    await page.goto('/');
    await tabTo(page, '#user-id');
    await page.keyboard.type(String(user.userId));
    await page.keyboard.press('Enter');
    await page.waitForURL('**/seats');
    await page.waitForSelector('#dates button');
    tokens.push(await storedToken(page));

    await tabTo(page, '#wallet-id');
    await page.keyboard.type(String(user.walletId));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('balance').textContent === '0 won');
    await tabTo(page, '#amount');
    await page.keyboard.type('50000');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('balance').textContent === '50,000 won');

    await tabTo(page, '#dates button', { backwards: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector(seatButton(1));
    await tabTo(page, '#seat-grid button.seat');
    assert.equal(await page.locator('#seat-grid button[tabindex="0"]').count(), 1, 'one tab stop in the map');
    const focused = () => page.evaluate(() => document.activeElement.getAttribute('aria-label'));
    assert.equal(await focused(), 'Seat 1, 50,000 won, available');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Seat 13, 50,000 won, available');
    await page.keyboard.press('End');
    assert.equal(await focused(), 'Seat 20, 50,000 won, available');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');

    await page.waitForSelector('#hold:not([hidden])');
    await page.waitForFunction(() => document.activeElement.id === 'pay');
    assert.match(await page.textContent('#hold-text'), /Seat 13/);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#done:not([hidden])');
    assert.match(await page.textContent('#done-text'), /Seat 13 .*is yours/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'done-title');
    payments += 1;
    noProblems(fan);
  });

  test('the dashboard\'s numbers equal what the API says', LONG, async () => {
    // A reader with an ACTIVE token for the seat map.
    const reader = await rest.createUser('reader');
    const readerToken = (await rest.issueToken(reader)).token;
    tokens.push(readerToken);
    const seats = (await rest.seats(schedule.scheduleId, readerToken)).seats;
    const count = (status) => seats.filter((s) => s.status === status).length;
    const statuses = await Promise.all(tokens.map(async (t) => (await rest.me(t)).status));
    const expected = {
      waiting: String(statuses.filter((s) => s === 'WAITING').length),
      active: String(statuses.filter((s) => s === 'ACTIVE').length),
      holds: String(count('HELD')),
      available: String(count('AVAILABLE')),
      held: String(count('HELD')),
      sold: String(count('SOLD')),
      payments: payments === 1 ? '1 payment in all' : `${payments} payments in all`,
      revenue: `${(payments * 50000).toLocaleString('en-US')} won in all`,
    };
    assert.equal(expected.held, '1');
    assert.equal(expected.sold, '1');

    const ops = await openPage(browser, server.base);
    fans.push(ops);
    const { page } = ops;
    await page.goto('/ops');
    await page.fill('#admin-key', 'not-the-key');
    await page.press('#admin-key', 'Enter');
    await noticeMatching(ops, /admin key was refused/);
    await page.fill('#admin-key', ADMIN_KEY);
    await page.press('#admin-key', 'Enter');
    await page.waitForSelector('#board:not([hidden])');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('boxoffice.adminKey')), ADMIN_KEY);
    assert.ok(!page.url().includes(ADMIN_KEY), 'the key never goes into the address');

    const shown = () =>
      page.evaluate((id) => {
        const text = (x) => document.getElementById(x).textContent;
        const row = document.querySelector(`#schedules tr[data-schedule="${id}"]`);
        const cell = (status) => (row ? row.querySelector(`[data-status="${status}"]`).textContent : null);
        return {
          waiting: text('v-waiting'),
          active: text('v-active'),
          holds: text('v-holds'),
          available: cell('available'),
          held: cell('held'),
          sold: cell('sold'),
          payments: text('s-payments'),
          revenue: text('s-revenue'),
        };
      }, schedule.scheduleId);
    await page
      .waitForFunction(
        ([want, id]) => {
          const row = document.querySelector(`#schedules tr[data-schedule="${id}"]`);
          return row && document.getElementById('v-active').textContent === want.active &&
            row.querySelector('[data-status="sold"]').textContent === want.sold;
        },
        [expected, schedule.scheduleId],
      )
      .catch(() => {});
    assert.deepEqual(await shown(), expected);
    assert.equal(await page.textContent('#s-active'), 'of 100 allowed (queue-max-active)');
    assert.equal(await page.locator('#nodes tr').count(), 1);
    assert.match(await page.textContent('#nodes tr'), /Node 1.*up/);
    assert.match(await page.textContent('#nodes-at'), /^\d\d:\d\d:\d\d$/);
    // A few samples give the rates and charts something to show (the page samples every 3 s).
    await page.waitForFunction(() => Number(document.getElementById('board').dataset.samples) >= 3, null, {
      timeout: 30000,
    });
    assert.equal(await page.locator('#c-waiting polyline').count(), 1);
    assert.match(await page.textContent('#v-payments'), /^\d/);
    assert.equal(await page.locator('[aria-live]').count(), 1, 'one aria-live region');
    await assertAccessible(page, 'operators\' dashboard');
    await screenshots(page, 'ops');
    noProblems(ops);
  });
});
