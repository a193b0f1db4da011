// The fan's place in line, kept in localStorage so that a reload or a second tab keeps it:
// { token, userId, firstPosition }. The wallet number is kept per user beside it.

const PLACE_KEY = 'boxoffice.place';
const WALLET_KEY_PREFIX = 'boxoffice.wallet.';

function read(key) {
  try {
    const text = localStorage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function loadPlace() {
  const place = read(PLACE_KEY);
  if (!place || typeof place.token !== 'string' || !place.token) return null;
  return place;
}

export function savePlace(place) {
  localStorage.setItem(PLACE_KEY, JSON.stringify(place));
}

export function forgetPlace() {
  localStorage.removeItem(PLACE_KEY);
}

export function loadWalletId(userId) {
  const value = read(WALLET_KEY_PREFIX + userId);
  return typeof value === 'number' ? value : null;
}

export function saveWalletId(userId, walletId) {
  localStorage.setItem(WALLET_KEY_PREFIX + userId, JSON.stringify(walletId));
}
