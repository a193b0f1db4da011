// The waiting room (/): a place in line for a user number, kept in localStorage; polls
// GET /api/v1/queue/tokens/me at the pace the answer asks for (or a fallback pace), backs
// off on errors and says so, and moves on to the seat picker when the token is ACTIVE.
import { api } from './api.js';
import { createAnnouncer } from './announcer.js';
import { formatCount, formatDuration, formatTimeOfDay } from './format.js';
import { describeProblem } from './messages.js';
import { forgetPlace, loadPlace, savePlace } from './place.js';
import { backoffSeconds, nextPollSeconds } from './polling.js';

const SECTIONS = ['join', 'place', 'turn', 'ended'];
const QUIET_ANNOUNCE_MS = 20000; // position changes are read out at most this often

const $ = (id) => document.getElementById(id);
const notice = createAnnouncer($('notice'));

const state = {
  place: loadPlace(),
  timer: null,
  failures: 0,
  lastStatus: null,
  lastSpokenPosition: null,
  lastSpokenAt: 0,
};

function show(section) {
  for (const id of SECTIONS) $(id).hidden = id !== section;
}

function schedule(seconds, action) {
  clearTimeout(state.timer);
  state.timer = setTimeout(action, seconds * 1000);
}

function stopPolling() {
  clearTimeout(state.timer);
  state.timer = null;
}

function statusWord(status) {
  return { WAITING: 'Waiting', ACTIVE: 'Your turn', EXPIRED: 'Expired', COMPLETED: 'Completed' }[status] || status;
}

// From the place the fan started at (0%) to the head of the line (100%).
function progressPercent(position) {
  const first = Math.max(state.place.firstPosition || position, position);
  if (first <= 1) return 100;
  return Math.round(((first - position) / (first - 1)) * 100);
}

function speakPosition(position) {
  const now = Date.now();
  if (position === state.lastSpokenPosition) return;
  if (now - state.lastSpokenAt < QUIET_ANNOUNCE_MS && position > 3) return;
  state.lastSpokenPosition = position;
  state.lastSpokenAt = now;
  notice.say(
    position === 1
      ? 'You are next in line.'
      : `You are number ${formatCount(position)} in line, ${formatCount(position - 1)} ahead of you.`,
  );
}

function renderWaiting(answer) {
  show('place');
  const position = answer.position;
  $('status').textContent = statusWord(answer.status);
  $('status').dataset.status = answer.status;
  $('position').textContent = `#${formatCount(position)}`;
  $('ahead').textContent = formatCount(Math.max(0, position - 1));
  const unknown = answer.estimatedWaitSeconds == null;
  $('wait').textContent = unknown ? 'estimating…' : `about ${formatDuration(answer.estimatedWaitSeconds)}`;
  $('wait').dataset.unknown = String(unknown);
  $('progress').value = progressPercent(position);
  $('progress').textContent = `${progressPercent(position)}%`;
  $('updated').textContent = formatTimeOfDay(new Date());
  $('place-user').textContent = String(state.place.userId);
  document.title = `#${position} in line · boxoffice`;
  if (state.lastStatus !== 'WAITING') {
    state.lastSpokenPosition = position;
    state.lastSpokenAt = Date.now();
    notice.say(
      position === 1
        ? 'You have a place in line. You are next.'
        : `You have a place in line: number ${formatCount(position)}. This page updates by itself.`,
    );
  } else {
    speakPosition(position);
  }
}

function renderActive(answer) {
  stopPolling();
  show('turn');
  const left = answer.remainingSeconds ?? null;
  const text =
    left == null
      ? 'It is your turn! Choose your seat and pay before your booking time ends.'
      : `It is your turn! You have ${formatDuration(left)} to choose your seat and pay.`;
  $('turn-text').textContent = text;
  notice.say(`${text} Taking you to the seats…`, 'ok');
  document.title = 'Your turn · boxoffice';
  window.location.assign('/seats');
}

function renderEnded(answer) {
  stopPolling();
  show('ended');
  document.title = 'Waiting room · boxoffice';
  if (answer.status === 'COMPLETED') {
    $('ended-title').textContent = 'You bought your ticket';
    $('ended-text').textContent =
      'This place in line was used for a payment, so it is complete. To buy another ticket, join the line again.';
  } else {
    $('ended-title').textContent = 'Your place in line has expired';
    $('ended-text').textContent =
      'A place expires when nobody looks at it for a while (for example when this page was closed), ' +
      'or when the booking time after your turn runs out. Nothing was bought or charged. ' +
      'You can join the line again: you will get a new place at the back.';
  }
  notice.say($('ended-title').textContent + '.', 'warn');
}

function render(answer) {
  if (answer.status === 'WAITING') renderWaiting(answer);
  else if (answer.status === 'ACTIVE') renderActive(answer);
  else renderEnded(answer);
  state.lastStatus = answer.status;
}

// A failed look or join: say why, wait longer each time, then `retry`.
function backOff(error, retry, context = {}) {
  state.failures += 1;
  const wait = backoffSeconds(state.failures, error.retryAfter);
  const retryIn = formatDuration(wait);
  const sentence = error.transient
    ? describeProblem(error, { ...context, retryIn })
    : `${describeProblem(error, context)} Trying again in ${retryIn}.`;
  notice.say(sentence, 'error');
  $('next-look').textContent = `problem reaching the server, next try in ${retryIn}`;
  schedule(wait, retry);
}

async function look() {
  if (!state.place) return;
  try {
    const { data } = await api('GET', '/api/v1/queue/tokens/me', { token: state.place.token });
    state.failures = 0;
    render(data);
    if (data.status === 'WAITING') {
      const wait = nextPollSeconds(data);
      $('next-look').textContent = `next check in ${formatDuration(wait)}`;
      schedule(wait, look);
    }
  } catch (error) {
    if (error.code === 'TOKEN_INVALID') {
      forgetPlace();
      state.place = null;
      stopPolling();
      showJoin();
      notice.say(describeProblem(error), 'error');
      return;
    }
    backOff(error, look);
  }
}

async function join(userId) {
  const button = $('join-button');
  button.disabled = true;
  stopPolling();
  try {
    const { status, data } = await api('POST', '/api/v1/queue/tokens', { body: { userId } });
    state.failures = 0;
    state.lastStatus = null;
    state.place = { token: data.token, userId, firstPosition: data.position || 0 };
    savePlace(state.place);
    render(data);
    if (data.status === 'WAITING') {
      if (status === 200) notice.say(`You already had a place in line: number ${formatCount(data.position)}.`);
      const wait = nextPollSeconds(data);
      $('next-look').textContent = `next check in ${formatDuration(wait)}`;
      schedule(wait, look);
    }
  } catch (error) {
    if (error.transient) {
      backOff(error, () => join(userId));
    } else {
      notice.say(describeProblem(error, { userId }), 'error');
      $('user-id').focus();
    }
  } finally {
    button.disabled = false;
  }
}

function showJoin() {
  show('join');
  document.title = 'Waiting room · boxoffice';
}

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('user-id').value.trim();
  const userId = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(userId) || userId < 1) {
    notice.say('Please enter your user number: a whole number such as 1.', 'error');
    $('user-id').setAttribute('aria-invalid', 'true');
    $('user-id').focus();
    return;
  }
  $('user-id').removeAttribute('aria-invalid');
  join(userId);
});

$('rejoin').addEventListener('click', () => {
  if (state.place) join(state.place.userId);
});

$('other-user').addEventListener('click', () => {
  forgetPlace();
  state.place = null;
  stopPolling();
  notice.clear();
  showJoin();
  $('user-id').focus();
});

$('leave').addEventListener('click', () => {
  forgetPlace();
  state.place = null;
  stopPolling();
  showJoin();
  notice.say('You left the line on this browser. Your place expires by itself in a few minutes.');
});

if (state.place) {
  show('place');
  $('place-user').textContent = String(state.place.userId);
  $('next-look').textContent = 'checking your place…';
  look();
} else {
  showJoin();
}
