// The pages' only way to the server: the public REST API (/api/v1/...) and /metrics.
// Answers are JSON; every error is an ApiError carrying the problem+json `code`.

const DEFAULT_TIMEOUT_MS = 10000;

export class ApiError extends Error {
  constructor({ status, code, title, detail, retryAfter }) {
    super(detail || title || code);
    this.name = 'ApiError';
    this.status = status; // 0: no answer reached us (network down, timeout)
    this.code = code;
    this.title = title || '';
    this.detail = detail || '';
    this.retryAfter = retryAfter; // seconds, or null
  }

  // Worth trying again later with the same request (nothing was decided).
  get transient() {
    return this.status === 0 || this.status === 503 || this.status === 502 || this.status === 500;
  }
}

function retryAfterSeconds(response) {
  const value = Number(response.headers.get('Retry-After'));
  return Number.isFinite(value) && value > 0 ? value : null;
}

async function send(method, path, { body, token, adminKey, idempotencyKey, timeoutMs } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (adminKey) headers['X-Admin-Key'] = adminKey;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs || DEFAULT_TIMEOUT_MS);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError({
      status: 0,
      code: 'NETWORK',
      title: 'No answer',
      detail: error && error.name === 'AbortError' ? 'the server took too long' : String(error),
      retryAfter: null,
    });
  } finally {
    clearTimeout(timer);
  }
}

// Calls the JSON API; resolves to { status, data } on 2xx, throws ApiError otherwise.
export async function api(method, path, options = {}) {
  const response = await send(method, path, options);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const problem = data && typeof data === 'object' ? data : {};
    throw new ApiError({
      status: response.status,
      code: problem.code || `HTTP_${response.status}`,
      title: problem.title,
      detail: problem.detail,
      retryAfter: retryAfterSeconds(response),
    });
  }
  return { status: response.status, data };
}

// GET a text document (e.g. /metrics); throws ApiError like api().
export async function getText(path, options = {}) {
  const response = await send('GET', path, options);
  const text = await response.text();
  if (!response.ok) {
    throw new ApiError({
      status: response.status,
      code: `HTTP_${response.status}`,
      title: response.statusText,
      detail: '',
      retryAfter: retryAfterSeconds(response),
    });
  }
  return text;
}

// A fresh Idempotency-Key (1 to 128 printable ASCII characters).
export function newIdempotencyKey(prefix) {
  const random =
    typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${random}`;
}
