import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInventory, needsReorder, receive, stockReport, take } from '../src/inventory.js';

function sampleInventory() {
  return createInventory([
    { sku: 'APL', quantity: 40, reorderLevel: 10 },
    { sku: 'BRD', quantity: 3 },
  ]);
}

test('receiving a new SKU adds it with the default reorder level', () => {
  const inventory = receive(sampleInventory(), 'MLK', 2);
  assert.deepEqual(inventory.stock.MLK, { sku: 'MLK', quantity: 2, reorderLevel: 5 });
  assert.equal(receive(inventory, 'APL', 5).stock.APL.quantity, 45);
});

test('taking more than is in stock fails with a readable message', () => {
  assert.throws(() => take(sampleInventory(), 'BRD', 4), /only 3 items of BRD left/);
  assert.throws(() => take(sampleInventory(), 'XYZ', 1), /unknown SKU XYZ/);
  assert.equal(take(sampleInventory(), 'APL', 15), 25);
});

test('items at or below their reorder level need reordering', () => {
  const inventory = sampleInventory();
  take(inventory, 'APL', 30);
  assert.deepEqual(needsReorder(inventory), ['APL', 'BRD']);
});

test('the stock report is sorted by SKU', () => {
  assert.equal(stockReport(sampleInventory()), 'APL: 40 items\nBRD: 3 items');
});
