#!/usr/bin/env python3
"""Connection-level probes for bench/front_bench.sh (loopback only, bounded in count and time).

  front_probe.py idle PORT N PATH HOLD_SECONDS
      opens N keep-alive connections at once, one request each; prints how long the slowest
      waited for its first answer and how many were answered within 5 s; then holds them open
      and idle for HOLD_SECONDS (so the caller can measure the server meanwhile).
  front_probe.py newcomers PORT N PATH
      N fresh connections one after another: time from connect() to the first answer;
      prints p50 / p99 / max in milliseconds.
  front_probe.py spread PORT N PATH SECONDS
      N keep-alive connections each asking in a closed loop for SECONDS; prints how many
      requests each connection got answered (min / p50 / max) and how many got none.
"""
import os
import selectors
import socket
import sys
import time


HEADER = ""  # one extra header line, e.g. "Authorization: Bearer ..." (env PROBE_HEADER)


def request(path):
    extra = f"{HEADER}\r\n" if HEADER else ""
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n{extra}\r\n".encode()


def answers_in(buffer):
    """Number of complete answers at the start of buffer, and the bytes they take."""
    count, at = 0, 0
    while True:
        end = buffer.find(b"\r\n\r\n", at)
        if end < 0:
            return count, at
        head = buffer[at:end].lower()
        length = 0
        marker = head.find(b"content-length:")
        if marker >= 0:
            length = int(head[marker + 15:].split(b"\r\n")[0])
        if len(buffer) < end + 4 + length:
            return count, at
        at = end + 4 + length
        count += 1


def open_many(port, n):
    sockets = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        sockets.append(s)
    return sockets


def idle(port, n, path, hold):
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    sockets = open_many(port, n)
    pending = {}
    for s in sockets:
        sel.register(s, selectors.EVENT_WRITE)
        pending[s.fileno()] = b""
    sent, answered, first_answer = set(), {}, {}
    deadline = start + 30
    while len(answered) < n and time.monotonic() < deadline:
        for key, events in sel.select(timeout=0.5):
            s = key.fileobj
            if events & selectors.EVENT_WRITE and s.fileno() not in sent:
                try:
                    s.send(request(path))
                    sent.add(s.fileno())
                    sel.modify(s, selectors.EVENT_READ)
                except (BlockingIOError, ConnectionError):
                    pass
            elif events & selectors.EVENT_READ:
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    continue
                except ConnectionError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    answered[s.fileno()] = None
                    continue
                pending[s.fileno()] += data
                if answers_in(pending[s.fileno()])[0] >= 1:
                    answered[s.fileno()] = pending[s.fileno()][:12]
                    first_answer[s.fileno()] = time.monotonic() - start
                    sel.unregister(s)
    ok = sum(1 for v in answered.values() if v and v.startswith(b"HTTP/1.1 200"))
    within5 = sum(1 for t in first_answer.values() if t <= 5.0)
    slowest = max(first_answer.values()) if first_answer else float("nan")
    print(f"idle: {n} connections opened at once: {ok} answered 200, {within5} within 5 s of "
          f"opening, slowest first answer {slowest * 1000:.0f} ms", flush=True)
    print("ready", flush=True)
    time.sleep(hold)  # the connections stay open and idle while the caller measures
    still_open = 0
    for s in sockets:
        try:
            s.send(request(path))
            still_open += 1
        except OSError:
            pass
    print(f"idle: {still_open} of {n} still open after {hold} s", flush=True)


def newcomers(port, n, path):
    times = []
    for _ in range(n):
        start = time.monotonic()
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(request(path))
        buffer = b""
        while answers_in(buffer)[0] < 1:
            data = s.recv(65536)
            if not data:
                break
            buffer += data
        times.append((time.monotonic() - start) * 1000)
        s.close()
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"newcomers: {n} fresh connections, first answer p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {times[-1]:.1f} ms", flush=True)


def spread(port, n, path, seconds):
    sel = selectors.DefaultSelector()
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    counts, buffers = {}, {}
    for s in sockets:
        s.setblocking(False)
        s.send(request(path))
        sel.register(s, selectors.EVENT_READ)
        counts[s.fileno()], buffers[s.fileno()] = 0, b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(s)
                continue
            buffers[s.fileno()] += data
            got, used = answers_in(buffers[s.fileno()])
            buffers[s.fileno()] = buffers[s.fileno()][used:]
            if got:
                counts[s.fileno()] += got
                s.send(request(path))
    values = sorted(counts.values())
    print(f"spread: {n} connections for {seconds} s: requests per connection min {values[0]}, "
          f"p50 {values[len(values) // 2]}, max {values[-1]}; connections with none: "
          f"{sum(1 for v in values if v == 0)}; total {sum(values)}", flush=True)


if __name__ == "__main__":
    HEADER = os.environ.get("PROBE_HEADER", "")
    mode, port, n, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    if mode == "idle":
        idle(port, n, path, float(sys.argv[5]))
    elif mode == "newcomers":
        newcomers(port, n, path)
    elif mode == "spread":
        spread(port, n, path, float(sys.argv[5]))
    else:
        sys.exit(__doc__)
