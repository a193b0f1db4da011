// The wallet panel of the seat picker: the wallet number (kept per user in localStorage),
// its balance, and top-ups sent with an Idempotency-Key so that a retry after a lost
// answer cannot charge twice.
import { api, newIdempotencyKey } from './api.js';
import { formatDuration, formatWon } from './format.js';
import { describeProblem } from './messages.js';
import { loadWalletId, saveWalletId } from './place.js';
import { backoffSeconds } from './polling.js';

const MAX_TRIES = 5;

export function createWalletPanel({ userId, notice }) {
  const $ = (id) => document.getElementById(id);
  const walletInput = $('wallet-id');
  const amountInput = $('amount');
  const balanceText = $('balance');
  let walletId = loadWalletId(userId);
  if (walletId) walletInput.value = String(walletId);

  function setBalance(balance) {
    balanceText.textContent = formatWon(balance);
  }

  function readWholeNumber(input) {
    const text = input.value.trim();
    const value = Number(text);
    return /^[0-9]+$/.test(text) && Number.isSafeInteger(value) && value >= 1 ? value : null;
  }

  async function showBalance() {
    if (!walletId) return;
    try {
      const { data } = await api('GET', `/api/v1/wallets/${walletId}?userId=${userId}`);
      setBalance(data.balance);
    } catch (error) {
      balanceText.textContent = '–';
      notice.say(describeProblem(error, { walletId, userId }), 'error');
    }
  }

  async function charge(amount, key, tries = 1) {
    const button = $('topup');
    button.disabled = true;
    try {
      const { data } = await api('POST', `/api/v1/wallets/${walletId}/charges`, {
        body: { userId, amount },
        idempotencyKey: key,
      });
      setBalance(data.balance);
      amountInput.value = '';
      notice.say(`Added ${formatWon(data.charged)} to your wallet. Balance: ${formatWon(data.balance)}.`, 'ok');
      button.disabled = false;
    } catch (error) {
      const retry = (error.transient || error.code === 'OUTCOME_UNKNOWN') && tries < MAX_TRIES;
      if (!retry) {
        notice.say(describeProblem(error, { walletId, userId }), 'error');
        button.disabled = false;
        return;
      }
      const wait = backoffSeconds(tries, error.retryAfter);
      notice.say(describeProblem(error, { retryIn: formatDuration(wait) }), 'warn');
      setTimeout(() => charge(amount, key, tries + 1), wait * 1000);
    }
  }

  $('wallet-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = readWholeNumber(walletInput);
    if (!value) {
      notice.say('Please enter your wallet number: a whole number such as 1.', 'error');
      walletInput.focus();
      return;
    }
    walletId = value;
    saveWalletId(userId, walletId);
    showBalance();
  });

  $('topup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!walletId) {
      notice.say('Please enter your wallet number first, then top up.', 'error');
      walletInput.focus();
      return;
    }
    const amount = readWholeNumber(amountInput);
    if (!amount) {
      notice.say(describeProblem({ code: 'INVALID_AMOUNT' }), 'error');
      amountInput.focus();
      return;
    }
    charge(amount, newIdempotencyKey('topup'));
  });

  showBalance();
  return {
    setBalance,
    focusTopUp() {
      amountInput.focus();
    },
  };
}
