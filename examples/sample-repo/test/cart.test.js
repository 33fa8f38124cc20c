import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addItem, createCart, isEmpty, receipt, removeItem, subtotal, total } from '../src/cart.js';

const apple = { sku: 'APL', name: 'Apple', unitPrice: 0.5 };
const bread = { sku: 'BRD', name: 'Bread', unitPrice: 2.25 };

test('adding the same item twice adds up the quantity', () => {
  const cart = addItem(addItem(createCart(), apple, 2), apple);
  assert.equal(cart.lines.length, 1);
  assert.equal(cart.lines[0].quantity, 3);
});

test('a non-positive quantity is refused', () => {
  assert.throws(() => addItem(createCart(), apple, 0), /quantity must be positive, got 0/);
});

test('totals apply discount and tax', () => {
  const cart = addItem(addItem(createCart(), apple, 4), bread, 2);
  assert.equal(subtotal(cart), 6.5);
  assert.equal(total(cart, { discountRate: 0.1, taxRate: 0.2 }), 7.02);
});

test('removing an item leaves the others', () => {
  const cart = removeItem(addItem(addItem(createCart(), apple), bread), 'APL');
  assert.deepEqual(
    cart.lines.map((line) => line.sku),
    ['BRD'],
  );
});

test('the receipt lists every line and the total', () => {
  const cart = addItem(addItem(createCart(), apple, 2), bread);
  assert.equal(receipt(cart, 'EUR'), '2 x Apple: €1.00\n1 x Bread: €2.25\nTotal: €3.25');
});

test('a new cart is empty until something is added', () => {
  const cart = createCart();
  assert.equal(isEmpty(cart), true);
  assert.equal(isEmpty(addItem(cart, bread)), false);
});
