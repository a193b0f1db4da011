// The hold of the seat picker: the countdown to heldUntil (with a warning a minute before
// it ends), cancel, and pay with one Idempotency-Key per hold, kept in sessionStorage with
// the reservation so that a double click, a retry or a reload cannot pay twice.
import { api, newIdempotencyKey } from './api.js';
import { startCountdown } from './countdown.js';
import { formatClockDuration, formatDateTime, formatDuration, formatTimeOfDay, formatWon } from './format.js';
import { describeProblem } from './messages.js';
import { backoffSeconds } from './polling.js';

const HOLD_KEY = 'boxoffice.hold';
const WARN_SECONDS = 60;
const MAX_PAY_TRIES = 5;

function storedHold() {
  try {
    return JSON.parse(sessionStorage.getItem(HOLD_KEY) || 'null');
  } catch {
    return null;
  }
}

// `events`: onChanged() when the hold starts or ends, onEnded() when its time ran out,
// onPaid(payment, hold),
// onError(error, context) for answers the picker handles (token, seat, schedule).
export function createHoldPanel({ token, notice, wallet, events }) {
  const $ = (id) => document.getElementById(id);
  const panel = $('hold');
  let hold = null; // the reservation of the API plus idempotencyKey and startsAt
  let clock = null;
  let warned = false;
  let paying = false;

  function setButtons(enabled) {
    $('pay').disabled = !enabled;
    $('cancel').disabled = !enabled;
  }

  function clear() {
    if (clock) clock.stop();
    clock = null;
    hold = null;
    warned = false;
    paying = false;
    sessionStorage.removeItem(HOLD_KEY);
    panel.hidden = true;
    panel.dataset.warning = 'false';
    events.onChanged();
  }

  async function whenTimeIsUp() {
    const seat = hold.seatNumber;
    try {
      const { data } = await api('GET', `/api/v1/reservations/${hold.reservationId}`, { token });
      if (data.status === 'HELD') {
        // The server's clock is a moment behind ours: ask again shortly.
        setTimeout(whenTimeIsUp, 1000);
        return;
      }
      if (data.status === 'CONFIRMED') {
        notice.say(`Seat ${seat} was paid for (perhaps in another tab): it is yours.`, 'ok');
        clear();
        return;
      }
    } catch {
      // Whatever the answer, the hold's time is over: the map tells the rest.
    }
    clear();
    events.onEnded();
    notice.say(
      `Your hold on seat ${seat} has ended: its time ran out, so the seat is free again for everyone. ` +
        'Nothing was charged. You can choose a seat again.',
      'warn',
    );
  }

  function show(reservation, idempotencyKey, startsAt) {
    if (clock) clock.stop();
    hold = { ...reservation, idempotencyKey, startsAt };
    sessionStorage.setItem(
      HOLD_KEY,
      JSON.stringify({ reservationId: hold.reservationId, idempotencyKey, startsAt }),
    );
    const when = startsAt ? ` · ${formatDateTime(startsAt)}` : '';
    $('hold-text').textContent = `Seat ${hold.seatNumber} · ${formatWon(hold.price)}${when}`;
    $('pay').textContent = `Pay ${formatWon(hold.price)}`;
    $('hold-until').textContent = formatTimeOfDay(new Date(hold.heldUntil));
    panel.hidden = false;
    // A hold shorter than the warning time starts warned: its own announcement says how long.
    warned = Date.parse(hold.heldUntil) - Date.now() <= WARN_SECONDS * 1000;
    panel.dataset.warning = warned ? 'true' : 'false';
    setButtons(true);
    clock = startCountdown(Date.parse(hold.heldUntil), {
      onTick(left) {
        $('hold-left').textContent = formatClockDuration(left);
        if (left <= WARN_SECONDS && left > 0 && !warned) {
          warned = true;
          panel.dataset.warning = 'true';
          notice.say(
            `Less than a minute left: pay for seat ${hold.seatNumber} before ${formatTimeOfDay(new Date(hold.heldUntil))} or it is released.`,
            'warn',
          );
        }
      },
      onEnd: whenTimeIsUp,
    });
    events.onChanged();
  }

  async function pay(tries = 1) {
    if (!hold || (paying && tries === 1)) return;
    paying = true;
    setButtons(false);
    const current = hold;
    if (tries === 1) notice.say(`Paying ${formatWon(current.price)} for seat ${current.seatNumber}…`);
    try {
      const { data } = await api('POST', '/api/v1/payments', {
        token,
        body: { reservationId: current.reservationId },
        idempotencyKey: current.idempotencyKey,
      });
      if (clock) clock.stop();
      sessionStorage.removeItem(HOLD_KEY);
      hold = null;
      paying = false;
      panel.hidden = true;
      events.onPaid(data, current);
    } catch (error) {
      if ((error.transient || error.code === 'OUTCOME_UNKNOWN') && tries < MAX_PAY_TRIES) {
        const wait = backoffSeconds(tries, error.retryAfter);
        notice.say(describeProblem(error, { retryIn: formatDuration(wait) }), 'warn');
        setTimeout(() => pay(tries + 1), wait * 1000);
        return;
      }
      paying = false;
      setButtons(true);
      if (error.code === 'INSUFFICIENT_BALANCE') {
        notice.say(describeProblem(error, { price: formatWon(current.price) }), 'error');
        wallet.focusTopUp();
        return;
      }
      if (error.code === 'RESERVATION_EXPIRED' || error.code === 'RESERVATION_NOT_FOUND') clear();
      events.onError(error, { seat: current.seatNumber });
    }
  }

  async function cancel() {
    if (!hold || paying) return;
    const current = hold;
    setButtons(false);
    try {
      await api('DELETE', `/api/v1/reservations/${current.reservationId}`, { token });
      clear();
      notice.say(`You let seat ${current.seatNumber} go. It is free again for everyone.`);
    } catch (error) {
      setButtons(true);
      if (error.code === 'RESERVATION_EXPIRED' || error.code === 'RESERVATION_NOT_FOUND') clear();
      events.onError(error, { seat: current.seatNumber });
    }
  }

  // Shows the hold kept in sessionStorage by an earlier load of the page, if still live.
  async function restore() {
    const stored = storedHold();
    if (!stored) return;
    try {
      const { data } = await api('GET', `/api/v1/reservations/${stored.reservationId}`, { token });
      if (data.status === 'HELD') show(data, stored.idempotencyKey, stored.startsAt);
      else sessionStorage.removeItem(HOLD_KEY);
    } catch {
      sessionStorage.removeItem(HOLD_KEY);
    }
  }

  $('pay').addEventListener('click', () => pay());
  $('cancel').addEventListener('click', () => cancel());

  return {
    get current() {
      return hold;
    },
    // A new hold (201) or the same one again (200): keeps the key of a hold already known.
    take(reservation, startsAt) {
      const stored = storedHold();
      const key =
        stored && stored.reservationId === reservation.reservationId
          ? stored.idempotencyKey
          : newIdempotencyKey('pay');
      show(reservation, key, startsAt);
    },
    restore,
    stop() {
      if (clock) clock.stop();
    },
    focusPay() {
      $('pay').focus();
    },
  };
}
