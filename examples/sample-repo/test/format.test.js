import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyOf, formatPrice, joinWords, percentage, plural, roundTo } from '../src/format.js';

test('known currencies get their symbol, others their code', () => {
  assert.equal(formatPrice(3, 'USD'), '$3.00');
  assert.equal(formatPrice(3, 'CHF'), '3.00 CHF');
});

test('roundTo rounds to the given digits', () => {
  assert.equal(roundTo(3.14159, 2), 3.14);
  assert.equal(roundTo(2.5, 0), 3);
});

test('percentage handles a zero whole', () => {
  assert.equal(percentage(1, 3), '33.3%');
  assert.equal(percentage(1, 0), '0%');
});

test('plural adds an s except for one', () => {
  assert.equal(plural(1, 'apple'), '1 apple');
  assert.equal(plural(3, 'apple'), '3 apples');
});

test('joinWords skips empty words', () => {
  assert.equal(joinWords('fresh', '', 'bread'), 'fresh bread');
});

test('currencyOf falls back to euros', () => {
  assert.equal(currencyOf({ currency: 'GBP' }), 'GBP');
  assert.equal(currencyOf({}), 'EUR');
});
