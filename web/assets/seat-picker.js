// The seat picker (/seats): only with an ACTIVE place in line. Bookable dates, the seat map
// (refreshed every few seconds), a hold with its countdown, payment, the wallet.
import { api } from './api.js';
import { createAnnouncer } from './announcer.js';
import { startCountdown } from './countdown.js';
import { formatClockDuration, formatCount, formatDateTime, formatDuration, formatTimeOfDay, formatWon } from './format.js';
import { createDatesPanel } from './dates-panel.js';
import { createHoldPanel } from './hold-panel.js';
import { describeProblem } from './messages.js';
import { forgetPlace, loadPlace } from './place.js';
import { backoffSeconds } from './polling.js';
import { createSeatGrid } from './seat-grid.js';
import { createWalletPanel } from './wallet.js';

const MAP_REFRESH_SECONDS = 5;
const TOKEN_CHECK_SECONDS = 15;
const BLOCK_SIZE = 500; // seats drawn at once; larger halls get a block chooser

const $ = (id) => document.getElementById(id);
const notice = createAnnouncer($('notice'));
const place = loadPlace();

const state = {
  schedule: null,
  seats: [],
  block: 0,
  turnClock: null,
  turnWarned: false,
  mapTimer: null,
  mapFailures: 0,
  tokenTimer: null,
  holding: false,
  finished: false, // the token is not ACTIVE any more: nothing more to book
};

let hold = null;
let wallet = null;
let dates = null;
const grid = createSeatGrid($('seat-grid'), { onChoose: chooseSeat });

function stopTimers() {
  clearTimeout(state.mapTimer);
  clearTimeout(state.tokenTimer);
  if (state.turnClock) state.turnClock.stop();
  if (hold) hold.stop();
}

function gate(title, text, linkText = 'Go to the waiting room') {
  state.finished = true;
  stopTimers();
  $('booking').hidden = true;
  $('gate').hidden = false;
  $('gate-title').textContent = title;
  $('gate-text').textContent = text;
  $('gate-link').textContent = linkText;
  notice.say(`${title}.`, 'warn');
  document.title = `${title} · boxoffice`;
}

// ---- the booking time (the token) ----------------------------------------------------

function startTurnClock(seconds) {
  if (state.turnClock) state.turnClock.stop();
  state.turnClock = startCountdown(Date.now() + seconds * 1000, {
    onTick(left) {
      $('turn-left').textContent = formatClockDuration(left);
      if (left <= 60 && left > 0 && !state.turnWarned) {
        state.turnWarned = true;
        notice.say('Less than a minute of booking time left.', 'warn');
      }
    },
    onEnd: () => checkToken(),
  });
}

// Reads the token; true while it is ACTIVE. Otherwise explains and closes the booking.
async function checkToken(failures = 0) {
  clearTimeout(state.tokenTimer);
  if (state.finished) return false;
  try {
    const { data } = await api('GET', '/api/v1/queue/tokens/me', { token: place.token });
    if (data.status === 'ACTIVE') {
      startTurnClock(data.remainingSeconds ?? 0);
      state.tokenTimer = setTimeout(checkToken, TOKEN_CHECK_SECONDS * 1000);
      return data;
    }
    if (data.status === 'WAITING') {
      gate(
        'It is not your turn yet',
        `You are number ${formatCount(data.position)} in line. The waiting room brings you here by itself when it is your turn.`,
        'Back to the waiting room',
      );
    } else if (data.status === 'EXPIRED') {
      gate(
        'Your booking time is over',
        'Your turn to book ended before a payment was made, so any seat you held is free again and nothing was charged. ' +
          'You can join the line again from the waiting room.',
        'Join the line again',
      );
    } else {
      gate(
        'This place in line is complete',
        'A ticket was already bought with this place in line. To buy another, join the line again.',
        'Back to the waiting room',
      );
    }
    return false;
  } catch (error) {
    if (error.code === 'TOKEN_INVALID') {
      forgetPlace();
      gate('Your place in line is not known', describeProblem(error), 'Join the line');
      return false;
    }
    const wait = backoffSeconds(failures + 1, error.retryAfter);
    notice.say(describeProblem(error, { retryIn: formatDuration(wait) }), 'warn');
    state.tokenTimer = setTimeout(() => checkToken(failures + 1), wait * 1000);
    return failures === 0 ? { remainingSeconds: null } : false;
  }
}

// ---- answers that change what the page shows ---------------------------------------------

function handleError(error, context = {}) {
  notice.say(describeProblem(error, context), 'error');
  switch (error.code) {
    case 'TOKEN_NOT_ACTIVE':
    case 'TOKEN_INVALID':
      checkToken();
      break;
    case 'SEAT_UNAVAILABLE':
    case 'RESERVATION_EXPIRED':
    case 'RESERVATION_NOT_FOUND':
      loadSeats();
      break;
    case 'SCHEDULE_NOT_BOOKABLE':
    case 'SCHEDULE_NOT_FOUND':
      if (!state.finished) dates.reload();
      break;
    default:
      break;
  }
}

// ---- the chosen date ------------------------------------------------------------------

async function selectSchedule(schedule, { quiet = false } = {}) {
  state.schedule = schedule;
  state.block = 0;
  clearTimeout(state.mapTimer);
  $('map-card').hidden = !schedule;
  if (!schedule || state.finished) return;
  await loadSeats();
  if (!quiet) notice.say(`Seats for ${formatDateTime(schedule.startsAt)} are shown. Tab into the map to choose one.`);
}

// ---- the seat map --------------------------------------------------------------------

function shownStatus(seat) {
  const current = hold && hold.current;
  if (current && current.scheduleId === state.schedule.scheduleId && current.seatNumber === seat.seatNumber) return 'MINE';
  return seat.status;
}

function renderBlocks() {
  const field = $('block-field');
  const blocks = Math.ceil(state.seats.length / BLOCK_SIZE);
  field.hidden = blocks < 2;
  if (blocks < 2) return;
  const select = $('block');
  if (select.options.length !== blocks) {
    select.replaceChildren();
    for (let i = 0; i < blocks; i += 1) {
      const first = i * BLOCK_SIZE + 1;
      const last = Math.min(state.seats.length, (i + 1) * BLOCK_SIZE);
      select.append(new Option(`Seats ${formatCount(first)} to ${formatCount(last)}`, String(i)));
    }
  }
  select.value = String(state.block);
}

function renderMap() {
  if (!state.schedule) return;
  renderBlocks();
  const start = state.block * BLOCK_SIZE;
  const shown = state.seats.slice(start, start + BLOCK_SIZE).map((seat) => ({ ...seat, shownStatus: shownStatus(seat) }));
  grid.render(shown);
  const count = (status) => state.seats.filter((seat) => seat.status === status).length;
  dates.showFree(state.schedule.scheduleId, count('AVAILABLE'), state.seats.length);
  $('map-counts').textContent = `${formatCount(count('AVAILABLE'))} available, ${formatCount(count('HELD'))} held, ${formatCount(count('SOLD'))} sold`;
}

function scheduleMapRefresh(seconds) {
  clearTimeout(state.mapTimer);
  if (state.finished) return;
  state.mapTimer = setTimeout(() => {
    if (document.hidden) scheduleMapRefresh(MAP_REFRESH_SECONDS);
    else loadSeats({ background: true });
  }, seconds * 1000);
}

async function loadSeats({ background = false } = {}) {
  if (state.finished || !state.schedule) return;
  const scheduleId = state.schedule.scheduleId;
  try {
    const { data } = await api('GET', `/api/v1/schedules/${scheduleId}/seats`, { token: place.token });
    if (!state.schedule || state.schedule.scheduleId !== scheduleId) return;
    state.seats = data.seats || [];
    state.mapFailures = 0;
    renderMap();
    $('map-updated').textContent = formatTimeOfDay(new Date());
    scheduleMapRefresh(MAP_REFRESH_SECONDS);
  } catch (error) {
    if (error.transient) {
      state.mapFailures += 1;
      const wait = backoffSeconds(state.mapFailures, error.retryAfter);
      if (!background || state.mapFailures > 1) {
        notice.say(`The seat map could not be updated. ${describeProblem(error, { retryIn: formatDuration(wait) })}`, 'warn');
      }
      scheduleMapRefresh(wait);
      return;
    }
    handleError(error);
  }
}

// ---- holding a seat ------------------------------------------------------------------

async function chooseSeat(seatNumber) {
  if (state.finished) {
    notice.say('Booking is closed on this page. Go back to the waiting room to join the line again.', 'warn');
    return;
  }
  const seat = state.seats.find((s) => s.seatNumber === seatNumber);
  if (!seat || state.holding) return;
  const current = hold.current;
  if (current) {
    if (current.seatNumber === seatNumber && current.scheduleId === state.schedule.scheduleId) {
      notice.say(`Seat ${seatNumber} is already held for you. Pay for it or cancel the hold.`);
      hold.focusPay();
    } else {
      notice.say(`You already hold seat ${current.seatNumber}. Pay for it or cancel that hold before choosing another seat.`, 'warn');
    }
    return;
  }
  if (seat.status === 'SOLD') {
    notice.say(`Seat ${seatNumber} is sold. Please choose an available seat.`, 'warn');
    return;
  }
  if (seat.status === 'HELD') {
    notice.say(`Seat ${seatNumber} is held by someone else right now. Please choose an available seat.`, 'warn');
    return;
  }
  state.holding = true;
  notice.say(`Holding seat ${seatNumber}…`);
  try {
    const { data } = await api('POST', '/api/v1/reservations', {
      token: place.token,
      body: { scheduleId: state.schedule.scheduleId, seatNumber },
    });
    hold.take(data, state.schedule.startsAt);
    const left = Math.max(0, (Date.parse(data.heldUntil) - Date.now()) / 1000);
    notice.say(
      `Seat ${seatNumber} is held for you until ${formatTimeOfDay(new Date(data.heldUntil))}: ` +
        `you have ${formatDuration(left)} to pay ${formatWon(data.price)}.`,
      'ok',
    );
    hold.focusPay();
    loadSeats();
  } catch (error) {
    handleError(error, { seat: seatNumber });
  } finally {
    state.holding = false;
  }
}

function onPaid(payment, paidHold) {
  state.finished = true; // the payment completed the token
  stopTimers();
  const seat = state.seats.find((s) => s.seatNumber === payment.seatNumber);
  if (seat) seat.status = 'SOLD';
  renderMap();
  wallet.setBalance(payment.balance);
  $('turn-left').textContent = 'done';
  const when = paidHold.startsAt ? ` for ${formatDateTime(paidHold.startsAt)}` : '';
  $('done-text').textContent =
    `Seat ${payment.seatNumber}${when} is yours. Payment number ${payment.paymentId}: ` +
    `${formatWon(payment.amount)} paid at ${formatTimeOfDay(new Date(payment.paidAt))}. ` +
    `Your wallet balance is now ${formatWon(payment.balance)}.`;
  $('done').hidden = false;
  notice.say(`Payment complete: seat ${payment.seatNumber} is yours.`, 'ok');
  document.title = 'Your ticket · boxoffice';
  $('done-title').tabIndex = -1;
  $('done-title').focus();
}

// ---- start ---------------------------------------------------------------------------

$('refresh').addEventListener('click', () => loadSeats());
$('block').addEventListener('change', () => {
  state.block = Number($('block').value);
  renderMap();
});

async function start() {
  if (!place) {
    gate(
      'You need a place in line first',
      'Seats can be chosen only when it is your turn in the waiting room.',
      'Go to the waiting room',
    );
    return;
  }
  $('user').textContent = String(place.userId);
  wallet = createWalletPanel({ userId: place.userId, notice });
  hold = createHoldPanel({
    token: place.token,
    notice,
    wallet,
    events: { onChanged: renderMap, onEnded: () => loadSeats(), onPaid, onError: handleError },
  });
  dates = createDatesPanel({ token: place.token, onChoose: selectSchedule, onError: handleError });
  const token = await checkToken();
  if (!token) return;
  $('booking').hidden = false;
  if (token.remainingSeconds != null) {
    notice.say(`It is your turn! You have ${formatDuration(token.remainingSeconds)} to choose your seat and pay.`, 'ok');
  }
  await hold.restore();
  await dates.load();
}

start();
