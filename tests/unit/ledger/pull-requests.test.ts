import { describe, expect, it } from 'vitest';
import { formatLedgerLine } from '../../../src/core/ledger/ledger.js';
import { recordedPullRequests } from '../../../src/core/ledger/pull-requests.js';
import { readLedgerView } from '../../../src/core/ledger/stats.js';
import type { ReviewEntry } from '../../../src/core/ledger/types.js';
import { ledgerEntry } from '../../helpers/ledger-fixture.js';

const pr = (n: number) => ({ url: `https://github.com/acme/shop/pull/${n}`, number: n });

function review(n: number, result: ReviewEntry['review']): ReviewEntry {
  return {
    kind: 'review',
    timestamp: '2026-12-03T12:00:00.000Z',
    workflowId: `kaizen-pr-shop-1-${n}`,
    improvementWorkflowId: `improve-${n}`,
    repo: '/r/shop',
    pullRequest: pr(n),
    branch: `kaizen/${n}`,
    commit: 'a'.repeat(40),
    file: 'src/a.js',
    family: 'no-var',
    strategy: 'autofix',
    review: result,
    outcome: result === 'merged' ? 'applied' : 'rolled_back',
    reason: 'x',
  };
}

describe("the ledger's pull requests", () => {
  it('reads review lines, and a pull request whose end was recorded is no longer listed as Kaizen\'s open one', () => {
    const text = [
      ledgerEntry({ outcome: 'proposed', mode: 'pr', pullRequest: pr(1), timestamp: '2026-12-01T10:00:00.000Z' }),
      ledgerEntry({ outcome: 'proposed', mode: 'pr', pullRequest: pr(2), timestamp: '2026-12-02T10:00:00.000Z' }),
      review(1, 'closed'),
    ]
      .map(formatLedgerLine)
      .join('');
    const view = readLedgerView(text);
    expect(view.badLines).toEqual([]);
    expect(view.reviews.map((r) => [r.pullRequest.number, r.review])).toEqual([[1, 'closed']]);
    expect(view.otherKinds).toEqual({});
    expect(recordedPullRequests(view.entries, view.reviews).map((p) => p.number)).toEqual([2]);
    expect(recordedPullRequests(view.entries).map((p) => p.number)).toEqual([2, 1]);
  });
});
