// Formatting helpers shared by the cart and the stock report.
const SYMBOLS = { EUR: '€', USD: '$', GBP: '£' };

export function formatPrice(amount, currency) {
  var symbol = SYMBOLS[currency];
  if (symbol == null) {
    return `${amount.toFixed(2)} ${currency}`;
  }
  return symbol + amount.toFixed(2);
}

export function roundTo(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function percentage(part, whole) {
  if (0 === whole) {
    return '0%';
  }
  return `${roundTo((part / whole) * 100, 1)}%`;
}

export function currencyOf(settings) {
  const { currency: currency } = settings;
  return settings['currency'] ? currency : 'EUR';
}

export function plural(count, word) {
  return count === 1 ? `${count} ${word}` : `${count} ${word}s`;
}

export function joinWords() {
  const words = Array.prototype.slice.call(arguments);
  return words.filter(Boolean).join(' ');
}
