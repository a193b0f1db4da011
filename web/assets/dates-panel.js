// The seat picker's first step: the concerts on sale, then the dates of one that are
// bookable now (read with the ACTIVE token), one of which the fan chooses. The choice is
// kept in sessionStorage so that a reload shows the same date again.
import { api } from './api.js';
import { formatCount, formatDateTime } from './format.js';

const SCHEDULE_KEY = 'boxoffice.schedule';

function dateLabel(schedule, free, total) {
  return `${formatDateTime(schedule.startsAt)} · ${formatCount(free)} of ${formatCount(total)} seats free`;
}

// `onChoose(schedule | null, { quiet })` when the chosen date changes; `onError(error)` for
// answers the picker handles (token, schedule, network).
export function createDatesPanel({ token, onChoose, onError }) {
  const $ = (id) => document.getElementById(id);
  let concertId = null;
  let schedules = [];
  let chosen = null;

  function choose(schedule, options = {}) {
    chosen = schedule;
    if (schedule) sessionStorage.setItem(SCHEDULE_KEY, String(schedule.scheduleId));
    for (const button of $('dates').querySelectorAll('button')) {
      const pressed = schedule && button.dataset.schedule === String(schedule.scheduleId);
      button.setAttribute('aria-pressed', pressed ? 'true' : 'false');
    }
    onChoose(schedule, options);
  }

  function render() {
    const list = $('dates');
    list.replaceChildren();
    if (schedules.length === 0) {
      const item = document.createElement('li');
      item.textContent = 'No dates of this concert can be booked right now.';
      list.append(item);
      return;
    }
    for (const schedule of schedules) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      const selected = chosen && chosen.scheduleId === schedule.scheduleId;
      button.setAttribute('aria-pressed', selected ? 'true' : 'false');
      button.dataset.schedule = String(schedule.scheduleId);
      button.textContent = dateLabel(schedule, schedule.availableSeats, schedule.totalSeats);
      button.addEventListener('click', () => choose(schedule));
      item.append(button);
      list.append(item);
    }
  }

  async function loadDates() {
    if (concertId == null) return;
    try {
      const { data } = await api('GET', `/api/v1/concerts/${concertId}/schedules`, { token });
      schedules = data.schedules || [];
      const wanted = chosen ? chosen.scheduleId : Number(sessionStorage.getItem(SCHEDULE_KEY));
      const again = schedules.find((s) => s.scheduleId === wanted);
      render();
      if (again && !chosen) choose(again, { quiet: true });
    } catch (error) {
      onError(error);
    }
  }

  async function load() {
    try {
      const { data } = await api('GET', '/api/v1/concerts');
      const concerts = data.concerts || [];
      if (concerts.length === 0) {
        $('concert-title').textContent = 'No concerts are on sale right now.';
        return;
      }
      $('concert').replaceChildren(
        ...concerts.map((concert) => new Option(concert.title, String(concert.concertId))),
      );
      $('concert-field').hidden = concerts.length < 2;
      $('concert-title').textContent = concerts.length < 2 ? concerts[0].title : '';
      concertId = concerts[0].concertId;
      await loadDates();
    } catch (error) {
      onError(error);
    }
  }

  $('concert').addEventListener('change', () => {
    concertId = Number($('concert').value);
    choose(null);
    loadDates();
  });

  return {
    load,
    // The chosen date went away (booking closed, unknown): forget it and read the dates again.
    reload() {
      choose(null);
      return loadDates();
    },
    // The free seats of a date as the last seat map counted them.
    showFree(scheduleId, free, total) {
      const button = $('dates').querySelector(`button[data-schedule="${scheduleId}"]`);
      const schedule = schedules.find((s) => s.scheduleId === scheduleId);
      if (button && schedule) button.textContent = dateLabel(schedule, free, total);
    },
  };
}
