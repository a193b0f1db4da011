// The test's own REST client (Node's fetch): data set up and facts checked through the
// same public API the pages use.
import { ADMIN_KEY } from './server.mjs';

export function restClient(base) {
  async function call(method, path, { body, token, admin, idempotencyKey } = {}) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    if (admin) headers['X-Admin-Key'] = ADMIN_KEY;
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    const response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    return { status: response.status, data };
  }

  async function ok(method, path, options) {
    const answer = await call(method, path, options);
    if (answer.status >= 300) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.data)}`);
    }
    return answer.data;
  }

  return {
    call,
    ok,
    createUser: (name) => ok('POST', '/api/v1/admin/users', { admin: true, body: { name } }),
    charge: (user, amount) =>
      ok('POST', `/api/v1/wallets/${user.walletId}/charges`, { body: { userId: user.userId, amount } }),
    async createConcertWithDate({ title = 'Winter Gala', seats = 50, price = 50000 } = {}) {
      const concert = await ok('POST', '/api/v1/admin/concerts', { admin: true, body: { title } });
      const now = Date.now();
      const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const schedule = await ok('POST', `/api/v1/admin/concerts/${concert.concertId}/schedules`, {
        admin: true,
        body: {
          startsAt: iso(now + 30 * 24 * 3600e3),
          bookingOpensAt: iso(now - 3600e3),
          bookingClosesAt: iso(now + 7 * 24 * 3600e3),
          seatCount: seats,
          seatPrice: price,
        },
      });
      return { concert, schedule };
    },
    issueToken: (user) => ok('POST', '/api/v1/queue/tokens', { body: { userId: user.userId } }),
    me: (token) => ok('GET', '/api/v1/queue/tokens/me', { token }),
    seats: (scheduleId, token) => ok('GET', `/api/v1/schedules/${scheduleId}/seats`, { token }),
  };
}
