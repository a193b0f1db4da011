// The one aria-live="polite" region of a page: the latest thing worth saying, shown and
// read out. `tone` is info, ok, warn or error (styling only; the words carry the meaning).

export function createAnnouncer(element) {
  return {
    say(text, tone = 'info') {
      element.dataset.tone = tone;
      element.textContent = text;
    },
    clear() {
      element.textContent = '';
      delete element.dataset.tone;
    },
    get text() {
      return element.textContent;
    },
  };
}
