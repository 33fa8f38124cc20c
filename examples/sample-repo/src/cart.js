// A shopping cart: lines of { sku, name, unitPrice, quantity } and the totals of an order.
import { formatPrice } from './format.js';

export function createCart() {
  return { lines: [] };
}

export function addItem(cart, item, quantity) {
  if (typeof quantity === 'undefined') quantity = 1;
  if (quantity <= 0) {
    throw new RangeError(`quantity must be positive, got ${quantity}`);
  }
  var existing = cart.lines.find(function (line) {
    return line.sku === item.sku;
  });
  if (existing) {
    existing.quantity = existing.quantity + quantity;
    return cart;
  }
  let line = { sku: item.sku, name: item.name, unitPrice: item.unitPrice, quantity: quantity };
  cart.lines.push(line);
  return cart;
}

export function removeItem(cart, sku) {
  let remaining = cart.lines.filter((line) => line.sku !== sku);
  return { ...cart, lines: remaining };
}

export function subtotal(cart) {
  var sum = 0;
  for (const line of cart.lines) {
    sum += line.unitPrice * line.quantity;
  }
  return sum;
}

export function total(cart, { discountRate = 0, taxRate = 0 } = {}) {
  const discounted = subtotal(cart) * (1 - discountRate);
  return Math.round(discounted * (1 + taxRate) * 100) / 100;
}

export function isEmpty(cart) {
  return cart.lines.length === 0 ? true : false;
}

export function receipt(cart, currency) {
  let lines = cart.lines.map(function (line) {
    return `${line.quantity} x ${line.name}: ${formatPrice(line.unitPrice * line.quantity, currency)}`;
  });
  lines.push(`Total: ${formatPrice(total(cart), currency)}`);
  return lines.join('\n');
}
