// A countdown to a deadline (epoch milliseconds): `onTick(secondsLeft)` about every second
// while it runs, `onEnd()` once when it reaches zero. A display clock, not a wait for an
// event: what the server decides is read back from the server.

export function startCountdown(deadlineMs, { onTick, onEnd }) {
  let ended = false;
  let timer = null;
  const tick = () => {
    const left = Math.max(0, (deadlineMs - Date.now()) / 1000);
    onTick(left);
    if (left <= 0) {
      ended = true;
      onEnd();
      return;
    }
    // Wake up just after the next whole second.
    const delay = ((deadlineMs - Date.now()) % 1000) + 20;
    timer = setTimeout(tick, Math.max(50, delay));
  };
  tick();
  return {
    stop() {
      clearTimeout(timer);
      ended = true;
    },
    get ended() {
      return ended;
    },
  };
}
