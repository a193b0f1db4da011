// A human sentence for every problem+json `code` of the REST contract (shared/API.md), and
// for the cases where no answer came at all. `context` may name the seat, the amount, ...

const SENTENCES = {
  INVALID_REQUEST: () => 'The server could not read that request. Please check what you typed and try again.',
  INVALID_AMOUNT: (c) =>
    `Please enter a whole number of won above zero${c.maxCharge ? ` and at most ${c.maxCharge}` : ''}.`,
  TOKEN_INVALID: () => 'Your place in line is not known to the server any more. Please join the line again.',
  ADMIN_KEY_INVALID: () => 'That admin key was refused. Check the key the server was started with (--admin-key).',
  TOKEN_NOT_ACTIVE: () =>
    'It is not your turn to book right now: you are still waiting, or your booking time is over.',
  WALLET_OWNER_MISMATCH: () => 'That wallet belongs to someone else. Please enter the number of your own wallet.',
  RESERVATION_NOT_OWNED: () => 'That hold was made by someone else, so you cannot pay for it or cancel it.',
  USER_NOT_FOUND: (c) => `There is no user number ${c.userId ?? 'like that'}. Please check your user number.`,
  WALLET_NOT_FOUND: (c) => `There is no wallet number ${c.walletId ?? 'like that'}. Please check the number.`,
  CONCERT_NOT_FOUND: () => 'That concert does not exist (any more).',
  SCHEDULE_NOT_FOUND: () => 'That date does not exist (any more). Please choose another date.',
  SEAT_NOT_FOUND: (c) => `There is no seat ${c.seat ?? 'with that number'} on this date.`,
  RESERVATION_NOT_FOUND: () => 'That hold does not exist. The seat map has been refreshed.',
  SCHEDULE_NOT_BOOKABLE: () => 'Booking for this date is closed right now (outside its booking window).',
  SEAT_UNAVAILABLE: (c) =>
    `Sorry, ${c.seat ? `seat ${c.seat}` : 'that seat'} was just taken by someone else. The map has been refreshed: please choose another seat.`,
  RESERVATION_EXPIRED: () =>
    'Your hold has ended (its time ran out, it was cancelled, or it was already paid), so nothing was charged.',
  INSUFFICIENT_BALANCE: (c) =>
    `Your wallet does not have enough money for this seat${c.price ? ` (${c.price})` : ''}. Top up your wallet and pay again.`,
  BALANCE_LIMIT_EXCEEDED: () => 'That top-up would take your wallet above its maximum balance. Please add a smaller amount.',
  IDEMPOTENCY_KEY_REUSED: () =>
    'This request was already sent with different details. Please start again from the seat map.',
  UNAVAILABLE: (c) =>
    `The server is busy or briefly unavailable. Nothing was changed; trying again${c.retryIn ? ` in ${c.retryIn}` : ''}.`,
  OUTCOME_UNKNOWN: () =>
    'The server could not confirm whether that went through. We are checking with the same request, so you will not be charged twice.',
  ROUTE_NOT_FOUND: () => 'This page asked the server for something it does not know. Please reload the page.',
  METHOD_NOT_ALLOWED: () => 'This page asked the server for something it does not allow. Please reload the page.',
  PAYLOAD_TOO_LARGE: () => 'That request was too large for the server.',
  HEADERS_TOO_LARGE: () => 'The browser sent the server more headers than it accepts. Please reload the page.',
  REQUEST_TIMEOUT: () => 'The connection was too slow to send the request in time. Please try again.',
  INTERNAL: () => 'Something went wrong on the server. Please try again in a moment.',
  NETWORK: (c) =>
    `No answer from the server (connection lost or too slow)${c.retryIn ? `; trying again in ${c.retryIn}` : ''}.`,
};

export const KNOWN_CODES = Object.freeze(Object.keys(SENTENCES));

// The sentence for an ApiError (or anything with a `code`).
export function describeProblem(error, context = {}) {
  const sentence = SENTENCES[error && error.code];
  if (sentence) return sentence(context);
  if (error && error.status >= 500) return SENTENCES.INTERNAL(context);
  return `Something unexpected happened (${(error && (error.title || error.code)) || 'unknown error'}). Please try again.`;
}
