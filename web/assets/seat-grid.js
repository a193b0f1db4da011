// The seat map as an ARIA grid: one tab stop (roving tabindex), arrow keys move between
// seats, Home/End to the ends of a row, Ctrl+Home/End to the first/last seat, Enter or
// Space (the seat is a button) chooses. Status is never shown by colour alone: each
// status has its own pattern and symbol, and each seat is named for screen readers.
import { formatWon } from './format.js';

export const SEATS_PER_ROW = 10;

const MARKS = { AVAILABLE: '', HELD: '◷', SOLD: '✕', MINE: '★' };
const WORDS = {
  AVAILABLE: 'available',
  HELD: 'held by someone else',
  SOLD: 'sold',
  MINE: 'held by you',
};

export function seatLabel(seat, status) {
  return `Seat ${seat.seatNumber}, ${formatWon(seat.price)}, ${WORDS[status]}`;
}

export function createSeatGrid(container, { onChoose }) {
  let buttons = []; // in seat order, for the seats on show
  let focusedSeat = null;

  function focusIndex(index, moveFocus = true) {
    if (buttons.length === 0) return;
    const clamped = Math.max(0, Math.min(buttons.length - 1, index));
    for (const button of buttons) button.tabIndex = -1;
    const target = buttons[clamped];
    target.tabIndex = 0;
    focusedSeat = Number(target.dataset.seat);
    if (moveFocus) target.focus();
  }

  function onKeyDown(event) {
    const index = buttons.indexOf(event.target);
    if (index < 0) return;
    const column = index % SEATS_PER_ROW;
    let next = null;
    switch (event.key) {
      case 'ArrowRight': next = index + 1; break;
      case 'ArrowLeft': next = index - 1; break;
      case 'ArrowDown': next = index + SEATS_PER_ROW; break;
      case 'ArrowUp': next = index - SEATS_PER_ROW; break;
      case 'Home': next = event.ctrlKey ? 0 : index - column; break;
      case 'End': next = event.ctrlKey ? buttons.length - 1 : Math.min(buttons.length - 1, index - column + SEATS_PER_ROW - 1); break;
      case 'PageDown': next = index + SEATS_PER_ROW * 5; break;
      case 'PageUp': next = index - SEATS_PER_ROW * 5; break;
      default: return;
    }
    event.preventDefault();
    if (next >= 0 && next < buttons.length) focusIndex(next);
    else if (event.key === 'PageDown') focusIndex(buttons.length - 1);
    else if (event.key === 'PageUp') focusIndex(0);
  }

  container.addEventListener('keydown', onKeyDown);
  container.addEventListener('click', (event) => {
    const button = event.target.closest('button.seat');
    if (!button || !container.contains(button)) return;
    focusIndex(buttons.indexOf(button), false);
    onChoose(Number(button.dataset.seat));
  });

  // Draws `seats` (objects of the API plus `shownStatus`); keeps the focus on the same seat
  // number when it is still on show.
  function render(seats) {
    const hadFocus = container.contains(document.activeElement);
    container.replaceChildren();
    buttons = [];
    for (let start = 0; start < seats.length; start += SEATS_PER_ROW) {
      const rowSeats = seats.slice(start, start + SEATS_PER_ROW);
      const row = document.createElement('div');
      row.setAttribute('role', 'row');
      const header = document.createElement('div');
      header.setAttribute('role', 'rowheader');
      header.className = 'row-label';
      const first = rowSeats[0].seatNumber;
      const last = rowSeats[rowSeats.length - 1].seatNumber;
      header.textContent = String(first);
      header.setAttribute('aria-label', `Seats ${first} to ${last}`);
      row.append(header);
      for (const seat of rowSeats) {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'seat';
        button.tabIndex = -1;
        button.dataset.seat = String(seat.seatNumber);
        button.dataset.status = seat.shownStatus;
        button.setAttribute('aria-label', seatLabel(seat, seat.shownStatus));
        if (seat.shownStatus === 'HELD' || seat.shownStatus === 'SOLD') button.setAttribute('aria-disabled', 'true');
        const number = document.createElement('span');
        number.textContent = String(seat.seatNumber);
        number.setAttribute('aria-hidden', 'true');
        button.append(number);
        if (MARKS[seat.shownStatus]) {
          const mark = document.createElement('span');
          mark.className = 'mark';
          mark.setAttribute('aria-hidden', 'true');
          mark.textContent = MARKS[seat.shownStatus];
          button.append(mark);
        }
        cell.append(button);
        row.append(cell);
        buttons.push(button);
      }
      container.append(row);
    }
    const keep = buttons.findIndex((b) => Number(b.dataset.seat) === focusedSeat);
    focusIndex(keep >= 0 ? keep : firstAvailableIndex(), hadFocus);
  }

  function firstAvailableIndex() {
    const index = buttons.findIndex((b) => b.dataset.status === 'AVAILABLE');
    return index >= 0 ? index : 0;
  }

  return {
    render,
    focusSeat(seatNumber) {
      const index = buttons.findIndex((b) => Number(b.dataset.seat) === seatNumber);
      if (index >= 0) focusIndex(index);
    },
  };
}
