// When to look again: the server's pollAfterSeconds when it sends one, else a pace that
// grows with the position (the head of the line looks often, the back rarely, so the
// total number of polls stays bounded); after failures, exponential backoff with jitter.

export const MIN_POLL_SECONDS = 1;
export const MAX_POLL_SECONDS = 60;
export const MAX_BACKOFF_SECONDS = 30;

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

// Seconds until the next look at a token answer ({ pollAfterSeconds, position, ... }).
export function nextPollSeconds(answer) {
  const hint = answer && answer.pollAfterSeconds;
  if (typeof hint === 'number' && Number.isFinite(hint) && hint > 0) {
    return clamp(hint, MIN_POLL_SECONDS, MAX_POLL_SECONDS);
  }
  const position = answer && typeof answer.position === 'number' ? answer.position : 1;
  if (position <= 10) return 2;
  if (position <= 100) return 5;
  if (position <= 1000) return 10;
  return 20;
}

// Seconds to wait after `failures` failed attempts in a row (1, 2, ...). A Retry-After
// from the server is a lower bound. `random` is injectable for tests.
export function backoffSeconds(failures, retryAfter = null, random = Math.random) {
  const base = clamp(2 ** Math.max(0, failures), 1, MAX_BACKOFF_SECONDS);
  const jittered = base * (0.8 + 0.4 * random());
  const wait = Math.max(jittered, retryAfter || 0);
  return Math.round(clamp(wait, 1, Math.max(MAX_BACKOFF_SECONDS, retryAfter || 0)));
}
