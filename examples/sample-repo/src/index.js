export { createCart, addItem, removeItem, subtotal, total, isEmpty, receipt } from './cart.js';
export { formatPrice, roundTo, percentage, currencyOf, plural, joinWords } from './format.js';
export { createInventory, receive, take, needsReorder, stockReport } from './inventory.js';
