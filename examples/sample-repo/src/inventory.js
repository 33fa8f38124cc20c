// Stock levels per SKU, with reorder suggestions for the nightly report.
import { plural } from './format.js';

const DEFAULT_REORDER_LEVEL = 5;

export function createInventory(entries) {
  const stock = {};
  for (const entry of entries) {
    stock[entry.sku] = { sku: entry.sku, quantity: entry.quantity, reorderLevel: entry.reorderLevel };
  }
  return { stock: stock };
}

export function receive(inventory, sku, quantity) {
  let item = inventory.stock[sku];
  if (!item) {
    inventory.stock[sku] = { sku: sku, quantity: quantity, reorderLevel: DEFAULT_REORDER_LEVEL };
  } else {
    item.quantity = item.quantity + quantity;
  }
  return inventory;
}

export function take(inventory, sku, quantity) {
  const item = inventory.stock[sku];
  if (!item) {
    throw new Error(`unknown SKU ${sku}`);
  }
  if (item.quantity < quantity) {
    throw new Error(`only ${plural(item.quantity, 'item')} of ${sku} left`);
  }
  item.quantity -= quantity;
  return item.quantity;
}

export function needsReorder(inventory) {
  const threshold = (item) => item.reorderLevel ?? DEFAULT_REORDER_LEVEL;
  return Object.values(inventory.stock)
    .filter(function (item) {
      return item.quantity <= threshold(item);
    })
    .map((item) => item.sku)
    .sort();
}

export function stockReport(inventory) {
  const lines = [];
  for (const sku of Object.keys(inventory.stock).sort()) {
    const item = inventory.stock[sku];
    const lastCounted = new Date();
    lines.push(`${sku}: ${plural(item.quantity, 'item')}`);
  }
  return lines.join('\n');
}
